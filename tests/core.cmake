# core/: the port plan and the reconstruction.
sumscope_cmocka_test(test_plan SOURCES test_plan.c LIBS sumcore)
sumscope_cmocka_test(test_recon SOURCES test_recon.c LIBS sumcore)
# Which port plan each SUM host shows (sum-generation.c), and one story from
# several plans (sum-recon.c).
sumscope_cmocka_test(test_generation SOURCES test_generation.c LIBS sumcore)
sumscope_cmocka_test(test_conn SOURCES test_conn.c LIBS sumcore)
# The firewall rules of sum-remedy.c on hand-built results.
sumscope_cmocka_test(test_remedy SOURCES test_remedy.c LIBS sumcore)
sumscope_cmocka_test(test_status SOURCES test_status.c LIBS sumcore)
sumscope_cmocka_test(test_pairs SOURCES test_pairs.c LIBS sumcore)
# The capture's verdict (sum-verdict.c) and live findings (sum-settled.c).
sumscope_cmocka_test(test_settled SOURCES test_settled.c LIBS sumcore)
# No source file over 600 lines, no function over 80 (registration arrays aside).
add_test(NAME code_size COMMAND ${PYTHON3} ${CMAKE_CURRENT_SOURCE_DIR}/check_size.py
                                ${PROJECT_SOURCE_DIR})
set_tests_properties(code_size PROPERTIES LABELS unit)
# The rules that make verdicts hold on real networks (issue 12).
sumscope_cmocka_test(test_rules SOURCES test_rules.c LIBS sumcore)
