# analyzer/ decoders and flow table (decode-*.c, flow-table.c) on literal bytes.
sumscope_cmocka_test(test_decode SOURCES test_decode.c LIBS sumanalyzer)
sumscope_cmocka_test(test_flow SOURCES test_flow.c LIBS sumanalyzer)
