# The HTML report (analyzer/report-html.c), checked in headless Chromium:
#   html_stress   a synthetic 20-target report (tests/html/html_stress.c, built
#                 from report-html.c + sumcore only): lanes and bars scale, lane
#                 labels never collide, well-formed, no script, no URL.
#   html_samples  sumscope --html on every sample: the DOM against the sample's
#                 truth (lanes, overflow/conflict markers, blocked/refused
#                 bars), a screenshot that is not blank, well-formed, no URL.
# Without chromium the checks that need it are skipped (exit 77), the static
# ones still run. tests/html/screenshot.sh makes docs/img/report-demo.png.
find_program(CHROMIUM NAMES chromium chromium-browser)
find_program(XMLLINT xmllint)

add_executable(html_stress html/html_stress.c ${PROJECT_SOURCE_DIR}/analyzer/report-html.c
               ${PROJECT_SOURCE_DIR}/analyzer/report-html-timeline.c
               ${PROJECT_SOURCE_DIR}/analyzer/report-html-status.c
               ${PROJECT_SOURCE_DIR}/analyzer/report-status.c
               ${PROJECT_SOURCE_DIR}/analyzer/report-frame.c)
target_include_directories(html_stress PRIVATE ${PROJECT_SOURCE_DIR}/analyzer)
target_link_libraries(html_stress PRIVATE sumcore PkgConfig::GLIB m sumscope_warnings)

if(NOT XMLLINT)
  message(STATUS "xmllint not found (libxml2-utils): the HTML report tests are not run")
  return()
endif()
if(NOT CHROMIUM)
  message(STATUS "chromium not found: the HTML report tests skip their rendering checks")
endif()

set(_html_check ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/html/check_html.py)
add_test(NAME html_stress
         COMMAND ${_html_check} stress $<TARGET_FILE:html_stress>
                 ${CMAKE_CURRENT_BINARY_DIR}/html-stress)
set_tests_properties(html_stress PROPERTIES LABELS html TIMEOUT 300 SKIP_RETURN_CODE 77)

if(TARGET sumscope)
  add_test(NAME html_samples
           COMMAND ${_html_check} samples $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/html-samples)
  set_tests_properties(html_samples PROPERTIES LABELS html TIMEOUT 900 SKIP_RETURN_CODE 77)
else()
  message(STATUS "no sumscope target: the HTML report is not checked on the samples")
endif()

# A deployment to 1,000 targets: first screen, folds, size and load time.
add_test(NAME html_targets
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/html/check_targets.py
                 $<TARGET_FILE:sumscope> ${PROJECT_SOURCE_DIR}/analyzer/bench/make_deployment.py
                 ${CMAKE_CURRENT_BINARY_DIR}/html-targets)
set_tests_properties(html_targets PROPERTIES LABELS html TIMEOUT 600)
