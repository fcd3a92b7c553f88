# analyzer/ decoders, flow table and capture reader (decode-*.c, flow-table.c,
# capture-pcap.c): literal bytes, hand-made packets, and samples/ end to end.
sumscope_cmocka_test(test_decode SOURCES test_decode.c LIBS sumanalyzer)
sumscope_cmocka_test(test_decode_link SOURCES test_decode_link.c LIBS sumanalyzer)
sumscope_cmocka_test(test_flow SOURCES test_flow.c LIBS sumanalyzer)
target_compile_definitions(test_flow PRIVATE SUMSCOPE_SAMPLES_DIR="${SUMSCOPE_SAMPLES_DIR}")
set_tests_properties(test_decode test_decode_link test_flow PROPERTIES LABELS "unit;analyzer")

# analyzer/pipeline.c: the two-thread pipeline against a one-thread reference.
sumscope_cmocka_test(test_pipeline SOURCES test_pipeline.c LIBS sumanalyzer)
target_compile_definitions(test_pipeline PRIVATE SUMSCOPE_SAMPLES_DIR="${SUMSCOPE_SAMPLES_DIR}")
set_tests_properties(test_pipeline PROPERTIES LABELS "unit;analyzer")

# analyzer/capture-pcapng.c: pcapng files of mixed link types, built byte by byte.
sumscope_cmocka_test(test_capture SOURCES test_capture.c LIBS sumanalyzer)
set_tests_properties(test_capture PROPERTIES LABELS "unit;analyzer")

# analyzer/capture-decompress.c: gzip, zstd and lz4 content made with the
# libraries, whole, in parts, cut and corrupted; a compressed capture read.
sumscope_cmocka_test(test_decompress SOURCES test_decompress.c LIBS sumanalyzer)
set_tests_properties(test_decompress PROPERTIES LABELS "unit;analyzer")
