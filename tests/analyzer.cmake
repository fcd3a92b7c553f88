# analyzer/: sumscope on the samples (against their truth, and the JSON
# schema), its command line, that it never writes over what it reads,
# compressed captures, formats it cannot read, files that stop early, the
# hostile corpus and tcpdump's corpus.
add_test(NAME analyzer_samples
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_samples.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 --schema ${PROJECT_SOURCE_DIR}/docs/sumscope.schema.json)
# Over every sample (samples/ and samples/next/): no SUM host's story in
# another generation's words, each read with its truth's plan
# (docs/generations.md).
add_test(NAME analyzer_generations
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_generations.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR} ${SUMSCOPE_SAMPLES_DIR}/next)
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
set_tests_properties(analyzer_samples analyzer_generations analyzer_cli analyzer_output_safety
                     analyzer_compressed
                     analyzer_formats analyzer_stopped PROPERTIES LABELS analyzer TIMEOUT 300)
# -i: a live capture between two network namespaces it makes (root; skipped,
# exit 77, where namespaces cannot be made).
add_test(NAME analyzer_live
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_live.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-live)
set_tests_properties(analyzer_live PROPERTIES LABELS analyzer TIMEOUT 120
                     SKIP_RETURN_CODE 77 RUN_SERIAL TRUE)
add_test(NAME analyzer_version
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_version.py
                 $<TARGET_FILE:sumscope> ${PROJECT_VERSION} ${PROJECT_SOURCE_DIR}
                 ${PROJECT_SOURCE_DIR}/cmake/SumscopeRevision.cmake
                 ${PROJECT_BINARY_DIR}/analyzer/sum-revision.h
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-version)
set_tests_properties(analyzer_version PROPERTIES LABELS analyzer TIMEOUT 300)
if(EXISTS ${SUMSCOPE_CORPUS_DIR})
  add_test(NAME analyzer_corpus
           COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_corpus.py
                   $<TARGET_FILE:sumscope> ${SUMSCOPE_CORPUS_DIR})
  set_tests_properties(analyzer_corpus PROPERTIES LABELS robustness TIMEOUT 600)
else()
  message(STATUS "tcpdump corpus not found at ${SUMSCOPE_CORPUS_DIR}: analyzer_corpus skipped")
endif()
# A deployment to a hundred targets (analyzer/bench/make_deployment.py): what
# failed first, a status line per target, no line wider than the terminal.
add_test(NAME analyzer_width
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_width.py
                 $<TARGET_FILE:sumscope> ${PROJECT_SOURCE_DIR}/analyzer/bench/make_deployment.py
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-width)
set_tests_properties(analyzer_width PROPERTIES LABELS analyzer TIMEOUT 300)
# --csv/--tsv: the tables read back with Python's csv module against the JSON.
add_test(NAME analyzer_csv
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_csv.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${CMAKE_CURRENT_BINARY_DIR}/analyzer-csv)
set_tests_properties(analyzer_csv PROPERTIES LABELS analyzer TIMEOUT 300)
# docs/capturing.md's capture filter keeps every SUM port (libpcap compiles it).
add_test(NAME analyzer_filter
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_filter.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR}
                 ${PROJECT_SOURCE_DIR}/docs/capturing.md)
set_tests_properties(analyzer_filter PROPERTIES LABELS analyzer TIMEOUT 300)
# Severity (issue 12, rule 8) and --fail-on=error|warning|never, with exit 3
# for a capture with no SUM.
add_test(NAME analyzer_fail_on
         COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/analyzer/check_fail_on.py
                 $<TARGET_FILE:sumscope> ${SUMSCOPE_SAMPLES_DIR})
set_tests_properties(analyzer_fail_on PROPERTIES LABELS analyzer TIMEOUT 300)
