# core/: the port plan and the reconstruction.
sumscope_cmocka_test(test_plan SOURCES test_plan.c LIBS sumcore)
sumscope_cmocka_test(test_recon SOURCES test_recon.c LIBS sumcore)
sumscope_cmocka_test(test_conn SOURCES test_conn.c LIBS sumcore)
# The firewall rules of sum-remedy.c on hand-built results.
sumscope_cmocka_test(test_remedy SOURCES test_remedy.c LIBS sumcore)
sumscope_cmocka_test(test_status SOURCES test_status.c LIBS sumcore)
sumscope_cmocka_test(test_pairs SOURCES test_pairs.c LIBS sumcore)
# The rules that make verdicts hold on real networks (issue 12).
sumscope_cmocka_test(test_rules SOURCES test_rules.c LIBS sumcore)
