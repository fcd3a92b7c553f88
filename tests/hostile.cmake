# Hostile captures: every file gets a clear error (exit 2) or a counted analysis.
if(TARGET sumscope)
  add_test(NAME hostile_captures
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/hostile/run_hostile.py
                   $<TARGET_FILE:sumscope> ${CMAKE_CURRENT_BINARY_DIR}/hostile)
  set_tests_properties(hostile_captures PROPERTIES LABELS robustness TIMEOUT 300)
endif()
