/* test_settled.c: the capture's verdict (sum-verdict.h) and the findings
 * certain while a run goes on (sum_recon_snapshot, sum-settled.h). */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-recon.h"
#include "sum-settled.h"
#include "sum-verdict.h"

#define SUMH "10.0.0.1"
#define T1 "10.0.0.11"
#define T2 "10.0.0.12"
#define S(x) ((gint64)((x) * 1e6))

static SumFrame next_frame = 1;

static SumConn
conn(const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
     SumPayload p, double t0, double t1)
{
    SumConn k = {0};
    k.transport = SUM_TRANSPORT_TCP;
    assert_true(sum_addr_from_string(&k.orig, orig));
    assert_true(sum_addr_from_string(&k.resp, resp));
    k.orig_port = op;
    k.resp_port = rp;
    k.roles_known = TRUE;
    k.state = st;
    k.resp_payload = p;
    k.orig_payload = p == SUM_PAYLOAD_TLS ? SUM_PAYLOAD_TLS : SUM_PAYLOAD_NONE;
    k.syn_count = 1;
    k.t_first = S(t0);
    k.t_last = S(t1);
    k.first_frame = next_frame;
    k.last_frame = next_frame + 5;
    k.synack_frame = st == SUM_CONN_S0 ? 0 : next_frame + 1;
    next_frame += 10;
    return k;
}

static void
add_tls(SumRecon *r, const char *orig, guint16 op, const char *resp, guint16 rp, double t0)
{
    SumConn k = conn(orig, op, resp, rp, SUM_CONN_SF, SUM_PAYLOAD_TLS, t0, t0 + 2);
    sum_recon_add(r, &k);
}

static void
test_verdict_no_sum_names_every_plan(void **state)
{
    (void)state;
    SumRecon *r = sum_recon_new(NULL);
    SumConn k = conn("10.0.0.51", 60003, "10.0.0.52", 443, SUM_CONN_SF, SUM_PAYLOAD_TLS, 0, 1);
    sum_recon_add(r, &k);
    SumResult *res = sum_recon_finish(r);
    assert_int_equal(res->verdict, SUM_VERDICT_NO_SUM);
    assert_false(sum_verdict_is_sum(res->verdict));
    assert_string_equal(sum_verdict_name(res->verdict), "no-sum");
    /* --profile auto: every generation's ports were looked for. */
    assert_int_equal(g_strv_length(res->looked_for), SUM_GENERATION_COUNT);
    assert_non_null(strstr(res->looked_for[0], "62286"));
    assert_non_null(sum_verdict_checks()[0]);
    sum_result_free(res);
    sum_recon_free(r);
}

static void
test_verdict_sum_and_chosen_plan(void **state)
{
    (void)state;
    SumRecon *r = sum_recon_new(sum_plan_profile_default());
    add_tls(r, SUMH, 60000, T1, 62286, 0);
    SumResult *res = sum_recon_finish(r);
    assert_int_equal(res->verdict, SUM_VERDICT_SUM);
    assert_string_equal(sum_verdict_name(res->verdict), "sum");
    assert_int_equal(g_strv_length(res->looked_for), 1);
    sum_result_free(res);
    sum_recon_free(r);
}

typedef struct {
    guint n;
    SumFindingCode code;
    guint16 port;
} Told;

static void
on_told(const SumFinding *f, gpointer user)
{
    Told *t = user;
    t->n++;
    t->code = f->code;
    t->port = f->port;
}

static void
test_settled_blocked_told_once_when_retried_and_standing(void **state)
{
    (void)state;
    SumRecon *r = sum_recon_new(sum_plan_profile_default());
    add_tls(r, SUMH, 60000, T1, 62286, 0);
    add_tls(r, SUMH, 60001, T2, 62286, 0);
    SumSettled *s = sum_settled_new();
    Told t = {0};
    /* One SYN so far, still open: nothing is known yet. */
    SumConn open = conn(SUMH, 60002, T1, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 10, 10);
    assert_int_equal(sum_settled_update(s, r, &open, 1, S(20), on_told, &t), 0);
    /* Retried, but only just: not standing long enough. */
    open.syn_count = 2;
    open.t_last = S(11);
    assert_int_equal(sum_settled_update(s, r, &open, 1, S(11), on_told, &t), 0);
    /* Retried and standing: told, once. */
    open.syn_count = 3;
    open.t_last = S(13);
    assert_int_equal(sum_settled_update(s, r, &open, 1, S(13), on_told, &t), 1);
    assert_int_equal(t.code, SUM_FINDING_PORT_BLOCKED);
    assert_int_equal(t.port, 62286);
    assert_int_equal(sum_settled_update(s, r, &open, 1, S(20), on_told, &t), 0);
    assert_int_equal(t.n, 1);
    /* The intake is as it was: the open connection was not kept. */
    SumResult *res = sum_recon_finish(r);
    assert_int_equal(res->findings->len, 0);
    assert_int_equal(res->conns_seen, 2);
    sum_result_free(res);
    sum_settled_free(s);
    sum_recon_free(r);
}

static void
test_settled_nothing_from_a_clean_run(void **state)
{
    (void)state;
    SumRecon *r = sum_recon_new(sum_plan_profile_default());
    add_tls(r, SUMH, 60000, T1, 62286, 0);
    SumSettled *s = sum_settled_new();
    Told t = {0};
    SumConn open = conn(SUMH, 60001, T2, 62286, SUM_CONN_S1, SUM_PAYLOAD_TLS, 5, 6);
    assert_int_equal(sum_settled_update(s, r, &open, 1, S(30), on_told, &t), 0);
    sum_settled_free(s);
    sum_recon_free(r);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_verdict_no_sum_names_every_plan),
        cmocka_unit_test(test_verdict_sum_and_chosen_plan),
        cmocka_unit_test(test_settled_blocked_told_once_when_retried_and_standing),
        cmocka_unit_test(test_settled_nothing_from_a_clean_run),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
