# analyzer/: frame decoders on literal byte arrays.
sumscope_cmocka_test(test_pkt SOURCES test_pkt.c LIBS sumanalyzer)
sumscope_cmocka_test(test_flows SOURCES test_flows.c LIBS sumanalyzer)
