/* test_pairs.c: core's pair graph and classifier frame by frame (the
 * plugin's first pass) against the same connection over the whole capture. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>
#include "sum-classify.h"
#include "sum-pairs.h"

static SumConn
conn(const char *orig, guint16 oport, const char *resp, guint16 rport, SumConnState st)
{
    SumConn c;
    memset(&c, 0, sizeof c);
    c.transport = SUM_TRANSPORT_TCP;
    assert_true(sum_addr_from_string(&c.orig, orig));
    assert_true(sum_addr_from_string(&c.resp, resp));
    c.orig_port = oport;
    c.resp_port = rport;
    c.state = st;
    c.syn_count = 1;
    c.first_frame = 1;
    c.roles_known = TRUE;
    return c;
}

static SumConfidence
pair_conf(const SumPairs *g, const SumConn *c)
{
    const SumPair *p = sum_pairs_find(g, &c->orig, &c->resp);
    return p != NULL ? p->confidence : SUM_CONFIDENCE_NONE;
}

/* One unanswered attempt is an anecdote: a port match, live and in the
 * batch, however often the SYN was sent; once its host is a SUM host
 * elsewhere (TLS to another target) it is part of its sequence. */
static void
test_pairs_lone_attempt_low_until_host_known(void **state)
{
    (void)state;
    const SumProfile *p = sum_plan_profile_default();
    SumPairs *g = sum_pairs_new(p, NULL, SUM_PAIRS_LIVE);
    SumConn c = conn("10.0.0.1", 60000, "10.0.0.2", 62286, SUM_CONN_S0);
    c.syn_count = 3;
    sum_pairs_observe_primary(g, &c);
    assert_int_equal(pair_conf(g, &c), SUM_CONFIDENCE_LOW);
    SumClass cls;
    assert_true(sum_classify(p, g, &c, &cls));
    assert_true(cls.candidate);
    SumConn t = conn("10.0.0.1", 60001, "10.0.0.3", 62286, SUM_CONN_SF);
    t.orig_payload = t.resp_payload = SUM_PAYLOAD_TLS;
    sum_pairs_observe_primary(g, &t);
    sum_pairs_observe_primary(g, &c);
    assert_int_equal(pair_conf(g, &c), SUM_CONFIDENCE_MEDIUM);
    assert_true(sum_classify(p, g, &c, &cls));
    assert_false(cls.candidate);
    assert_int_equal(cls.family, SUM_FAMILY_MESSAGE);
    sum_pairs_free(g);

    SumPairs *b = sum_pairs_new(p, NULL, SUM_PAIRS_BATCH);
    sum_pairs_observe_primary(b, &c);
    sum_pairs_settle_primary(b);
    assert_int_equal(pair_conf(b, &c), SUM_CONFIDENCE_LOW);
    sum_pairs_free(b);
    b = sum_pairs_new(p, NULL, SUM_PAIRS_BATCH);
    sum_pairs_observe_primary(b, &c);
    sum_pairs_observe_primary(b, &t);
    sum_pairs_settle_primary(b);
    assert_int_equal(pair_conf(b, &c), SUM_CONFIDENCE_MEDIUM);
    sum_pairs_free(b);
}

/* An msrpc-like answer on 62286 from a 6000x client port: a port match only,
 * live and in the batch, so the plugin's plain `sum` filter shows nothing. */
static void
test_pairs_non_tls_answer_low_candidate(void **state)
{
    (void)state;
    const SumProfile *p = sum_plan_profile_default();
    SumPairs *g = sum_pairs_new(p, NULL, SUM_PAIRS_LIVE);
    SumConn c = conn("10.0.0.5", 60001, "10.0.0.9", 62286, SUM_CONN_S0);
    sum_pairs_observe_primary(g, &c);
    c.state = SUM_CONN_SF;
    c.resp_payload = SUM_PAYLOAD_OTHER;
    sum_pairs_observe_primary(g, &c);
    assert_int_equal(pair_conf(g, &c), SUM_CONFIDENCE_LOW);
    SumClass cls;
    assert_true(sum_classify(p, g, &c, &cls));
    assert_true(cls.candidate);
    sum_pairs_free(g);
}

/* TLS makes a pair certain; the SUM host's callback port reached by its
 * target is then a callback channel, live as in the batch. */
static void
test_pairs_tls_then_callback_channel(void **state)
{
    (void)state;
    const SumProfile *p = sum_plan_profile_default();
    SumPairs *g = sum_pairs_new(p, NULL, SUM_PAIRS_LIVE);
    SumConn m = conn("10.0.0.1", 60000, "10.0.0.2", 62286, SUM_CONN_SF);
    m.orig_payload = m.resp_payload = SUM_PAYLOAD_TLS;
    sum_pairs_observe_primary(g, &m);
    assert_int_equal(pair_conf(g, &m), SUM_CONFIDENCE_HIGH);
    SumConn cb = conn("10.0.0.2", 41000, "10.0.0.1", 61001, SUM_CONN_SF);
    cb.resp_payload = SUM_PAYLOAD_TLS;
    sum_pairs_observe_secondary(g, &cb);
    SumClass cls;
    assert_true(sum_classify(p, g, &cb, &cls));
    assert_false(cls.candidate);
    assert_int_equal(cls.family, SUM_FAMILY_CALLBACK);
    SumPortPos pos;
    assert_true(sum_classify_in_family(p, SUM_FAMILY_CALLBACK, 61001, &pos));
    assert_int_equal(sum_classify_provisional_cause(p, SUM_FAMILY_CALLBACK, &pos),
                     SUM_CAUSE_IPC_RESERVED);
    sum_pairs_free(g);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pairs_lone_attempt_low_until_host_known),
        cmocka_unit_test(test_pairs_non_tls_answer_low_candidate),
        cmocka_unit_test(test_pairs_tls_then_callback_channel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
