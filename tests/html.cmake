# The HTML report in headless Chromium: DOM against the samples' truth, a
# screenshot that is not blank, well-formedness, no external URL, and a
# 20-target stress report whose labels must not collide.
add_executable(html_stress html/html_stress.c)
target_link_libraries(html_stress PRIVATE sumanalyzer sumscope_warnings)
find_program(CHROMIUM NAMES chromium chromium-browser)
find_program(XMLLINT xmllint)
if(CHROMIUM AND XMLLINT)
  add_test(NAME html_report
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/html/check_html.py
                   $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/html --stress $<TARGET_FILE:html_stress>)
  set_tests_properties(html_report PROPERTIES LABELS html TIMEOUT 900)
else()
  message(STATUS "chromium or xmllint not found: the HTML report test is not run")
endif()
