# samples/: every truth file's flows really are in its capture, with the
# expected TCP outcome (answered, reset, unanswered), read by the real tshark.
if(TSHARK)
  add_test(NAME samples_truth
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/samples/check_truth.py
                   ${SUMSCOPE_SAMPLES_DIR})
  set_tests_properties(samples_truth PROPERTIES LABELS samples TIMEOUT 300)
endif()
# samples/next/: the wire check only, until the reconstruction meets their
# truth (registered while anything waits there).
file(GLOB _sumscope_next_truth CONFIGURE_DEPENDS ${SUMSCOPE_SAMPLES_DIR}/next/*.truth.json)
if(TSHARK AND _sumscope_next_truth)
  add_test(NAME samples_next_truth
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/samples/check_truth.py
                   ${SUMSCOPE_SAMPLES_DIR}/next)
  set_tests_properties(samples_next_truth PROPERTIES LABELS samples TIMEOUT 600)
endif()
