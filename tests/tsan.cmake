# The analyzer's two-thread pipeline under ThreadSanitizer, in a build tree of
# its own (TSan and ASan do not mix).
if(NOT SUMSCOPE_TSAN)
  add_test(NAME pipeline_tsan
           COMMAND ${CMAKE_CURRENT_SOURCE_DIR}/tsan/run_tsan.sh ${PROJECT_SOURCE_DIR}
                   ${CMAKE_CURRENT_BINARY_DIR}/tsan)
  set_tests_properties(pipeline_tsan PROPERTIES LABELS robustness TIMEOUT 900)
endif()
