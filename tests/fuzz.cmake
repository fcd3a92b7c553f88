# A short bounded libFuzzer run of every fuzz target (clang), in the suite.
find_program(CLANG clang)
if(CLANG)
  add_test(NAME fuzz_short
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/fuzz/run_fuzz.sh ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/fuzz 20)
  set_tests_properties(fuzz_short PROPERTIES LABELS robustness TIMEOUT 900)
endif()
