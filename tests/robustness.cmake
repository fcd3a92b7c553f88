# valgrind on every sample, in a plain (non-ASan) build of its own.
find_program(VALGRIND valgrind)
if(VALGRIND)
  add_test(NAME valgrind_samples
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/robustness/valgrind_samples.sh
                   ${PROJECT_SOURCE_DIR} ${CMAKE_CURRENT_BINARY_DIR}/valgrind)
  set_tests_properties(valgrind_samples PROPERTIES LABELS robustness TIMEOUT 900)
endif()
