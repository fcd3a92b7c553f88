# analyzer/: sumscope on the samples (against their truth, and the JSON
# schema), its command line, that it never writes over what it reads,
# compressed captures, formats it cannot read, files that stop early, the
# hostile corpus and tcpdump's corpus.
add_test(NAME analyzer_samples
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_samples.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 --schema ${PROJECT_SOURCE_DIR}/docs/sumscope.schema.json)
add_test(NAME analyzer_cli
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_cli.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-cli)
add_test(NAME analyzer_output_safety
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_output_safety.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-output-safety)
add_test(NAME analyzer_compressed
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_compressed.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-compressed)
add_test(NAME analyzer_formats
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_formats.py
                 $<TARGET_FILE:sumscope> ${CMAKE_CURRENT_BINARY_DIR}/analyzer-formats)
add_test(NAME analyzer_stopped
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_stopped.py
                 $<TARGET_FILE:sumscope> ${PROJECT_SOURCE_DIR}/docs/sumscope.schema.json
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-stopped)
set_tests_properties(analyzer_samples analyzer_cli analyzer_output_safety analyzer_compressed
                     analyzer_formats analyzer_stopped PROPERTIES LABELS analyzer TIMEOUT 300)
# -i: a live capture between two network namespaces it makes (root; skipped,
# exit 77, where namespaces cannot be made).
add_test(NAME analyzer_live
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_live.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-live)
set_tests_properties(analyzer_live PROPERTIES LABELS analyzer TIMEOUT 120
                     SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
if(EXISTS ${SUMSCOPE_CORPUS_DIR})
  add_test(NAME analyzer_corpus
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_corpus.py
                   $<TARGET_FILE:sumscope> ${SUMSCOPE_CORPUS_DIR})
  set_tests_properties(analyzer_corpus PROPERTIES LABELS robustness TIMEOUT 600)
else()
  message(STATUS "tcpdump corpus not found at ${SUMSCOPE_CORPUS_DIR}: analyzer_corpus skipped")
endif()
