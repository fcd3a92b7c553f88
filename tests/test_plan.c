/* test_plan.c: every row and edge of the SUM port plan (core/sum-plan.c),
 * against SUM-PORTS.md. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sum-plan.h"

static const SumProfile *
classic(void)
{
    return sum_plan_profile(SUM_GENERATION_CLASSIC);
}

/* The first candidate of a TCP port, asserting there is one. */
static SumPortPos
first_tcp(guint16 port)
{
    SumPortPos pos[SUM_PLAN_MAX_CANDIDATES];
    gsize n = sum_plan_candidates(classic(), SUM_TRANSPORT_TCP, port, pos, G_N_ELEMENTS(pos));
    assert_true(n >= 1);
    return pos[0];
}

static gboolean
has_family(guint16 port, SumFamily f, SumPortPos *out)
{
    SumPortPos pos[SUM_PLAN_MAX_CANDIDATES];
    gsize n = sum_plan_candidates(classic(), SUM_TRANSPORT_TCP, port, pos, G_N_ELEMENTS(pos));
    for (gsize i = 0; i < n; i++) {
        if (pos[i].rule->family == f) {
            if (out != NULL)
                *out = pos[i];
            return TRUE;
        }
    }
    return FALSE;
}

static void
test_plan_default_profile_is_classic(void **state)
{
    (void)state;
    assert_ptr_equal(sum_plan_profile_default(), classic());
    assert_string_equal(classic()->name, "classic");
    assert_int_equal(classic()->ipc_port, 61000);
}

static void
test_plan_message_60000_is_base(void **state)
{
    (void)state;
    SumPortPos p = first_tcp(60000);
    assert_int_equal(p.rule->family, SUM_FAMILY_MESSAGE);
    assert_int_equal(p.base, 60000);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.range_end, 60007);
    assert_true(p.documented);
    assert_false(p.overflow);
    assert_int_equal(p.rule->holder, SUM_ROLE_SUM_HOST);
    assert_true(p.rule->holder_is_client);
    assert_int_equal(p.rule->carried, SUM_CARRIED_TLS);
}

static void
test_plan_message_60007_in_range_60008_overflow(void **state)
{
    (void)state;
    SumPortPos p = first_tcp(60007);
    assert_int_equal(p.offset, 7);
    assert_true(p.documented);
    assert_false(p.overflow);
    p = first_tcp(60008);
    assert_int_equal(p.rule->family, SUM_FAMILY_MESSAGE);
    assert_int_equal(p.offset, 8);
    assert_false(p.documented);
    assert_true(p.overflow);
    assert_true(p.rule->overflow_counts);
}

static void
test_plan_message_far_port_not_sum(void **state)
{
    (void)state;
    /* Continuations are labelled only so far: 60999 is plain ephemeral. */
    assert_false(sum_plan_is_sum_port(classic(), SUM_TRANSPORT_TCP, 60999));
    assert_false(sum_plan_is_sum_port(classic(), SUM_TRANSPORT_TCP, 59999));
}

static void
test_plan_61000_ipc_and_callback_base(void **state)
{
    (void)state;
    SumPortPos p = {0};
    assert_true(has_family(61000, SUM_FAMILY_IPC, &p));
    assert_int_equal(p.offset, 0);
    assert_true(has_family(61000, SUM_FAMILY_CALLBACK, &p));
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.rule->opener, SUM_ROLE_TARGET);
}

static void
test_plan_61001_is_callback_not_ipc(void **state)
{
    (void)state;
    SumPortPos p = {0};
    assert_true(has_family(61001, SUM_FAMILY_CALLBACK, &p));
    assert_int_equal(p.offset, 1);
    assert_true(p.documented);
    assert_false(has_family(61001, SUM_FAMILY_IPC, NULL));
}

static void
test_plan_61007_in_range_61008_overflow(void **state)
{
    (void)state;
    SumPortPos p = {0};
    assert_true(has_family(61007, SUM_FAMILY_CALLBACK, &p));
    assert_false(p.overflow);
    assert_true(has_family(61008, SUM_FAMILY_CALLBACK, &p));
    assert_true(p.overflow);
}

static void
test_plan_62286_control_base(void **state)
{
    (void)state;
    SumPortPos p = first_tcp(62286);
    assert_int_equal(p.rule->family, SUM_FAMILY_CONTROL);
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.rule->holder, SUM_ROLE_TARGET);
    assert_int_equal(p.rule->opener, SUM_ROLE_SUM_HOST);
}

static void
test_plan_62287_moved_listener_outside_range_no_overflow_finding(void **state)
{
    (void)state;
    SumPortPos p = first_tcp(62287);
    assert_int_equal(p.rule->family, SUM_FAMILY_CONTROL);
    assert_int_equal(p.offset, 1);
    assert_true(p.overflow); /* outside the documented range ... */
    assert_false(p.rule->overflow_counts); /* ... but a moved listener, not RANGE_OVERFLOW */
}

static void
test_plan_firmware_80_then_63000(void **state)
{
    (void)state;
    SumPortPos p = {0};
    assert_true(has_family(80, SUM_FAMILY_FIRMWARE, &p));
    assert_int_equal(p.offset, 0);
    assert_int_equal(p.base, 80);
    assert_true(p.rule->strict_peers == FALSE);
    assert_true(has_family(63000, SUM_FAMILY_FIRMWARE, &p));
    assert_int_equal(p.offset, 1);
    assert_int_equal(p.base, 80);
    assert_true(p.documented);
    assert_true(has_family(63005, SUM_FAMILY_FIRMWARE, &p));
    assert_int_equal(p.offset, 6);
    assert_false(p.overflow);
    assert_true(has_family(63006, SUM_FAMILY_FIRMWARE, &p));
    assert_int_equal(p.offset, 7);
    assert_true(p.overflow);
    /* Between 80 and 63000 is no firmware port. */
    assert_false(has_family(81, SUM_FAMILY_FIRMWARE, NULL));
    assert_false(has_family(62999, SUM_FAMILY_FIRMWARE, NULL));
}

static void
test_plan_port_at_walks_the_sequence(void **state)
{
    (void)state;
    const SumPortRule *fw = sum_plan_rule(classic(), SUM_FAMILY_FIRMWARE, SUM_TRANSPORT_TCP);
    assert_int_equal(sum_plan_port_at(fw, 0), 80);
    assert_int_equal(sum_plan_port_at(fw, 1), 63000);
    assert_int_equal(sum_plan_port_at(fw, 6), 63005);
    const SumPortRule *msg = sum_plan_rule(classic(), SUM_FAMILY_MESSAGE, SUM_TRANSPORT_TCP);
    assert_int_equal(sum_plan_port_at(msg, 3), 60003);
    assert_int_equal(sum_plan_port_at(msg, 60000), 0); /* past the scan end */
}

static void
test_plan_bootstrap_ports(void **state)
{
    (void)state;
    static const guint16 tcp[] = {445, 139, 22};
    for (gsize i = 0; i < G_N_ELEMENTS(tcp); i++) {
        SumPortPos p = {0};
        assert_true(has_family(tcp[i], SUM_FAMILY_BOOTSTRAP, &p));
        assert_true(p.rule->strict_peers);
        assert_int_equal(p.rule->holder, SUM_ROLE_TARGET);
    }
    SumPortPos u[SUM_PLAN_MAX_CANDIDATES];
    assert_int_equal(sum_plan_candidates(classic(), SUM_TRANSPORT_UDP, 137, u, 8), 1);
    assert_int_equal(u[0].rule->carried, SUM_CARRIED_NETBIOS);
    assert_int_equal(sum_plan_candidates(classic(), SUM_TRANSPORT_UDP, 138, u, 8), 1);
    /* TCP 137 and UDP 445 are not in the plan. */
    assert_false(sum_plan_is_sum_port(classic(), SUM_TRANSPORT_TCP, 137));
    assert_false(sum_plan_is_sum_port(classic(), SUM_TRANSPORT_UDP, 445));
    /* UDP on 6000x is not SUM (mosh uses UDP 60000-61000). */
    assert_false(sum_plan_is_sum_port(classic(), SUM_TRANSPORT_UDP, 60001));
}

static void
test_plan_port_in_no_family(void **state)
{
    (void)state;
    static const guint16 ports[] = {8080, 1, 65535, 62285, 62300, 61100, 63011};
    for (gsize i = 0; i < G_N_ELEMENTS(ports); i++)
        assert_int_equal(sum_plan_candidates(classic(), SUM_TRANSPORT_TCP, ports[i], NULL, 8), 0);
    /* 443 only as a device's HTTPS (iLO, OA), between known hosts only. */
    SumPortPos pos;
    assert_int_equal(sum_plan_candidates(classic(), SUM_TRANSPORT_TCP, 443, &pos, 1), 1);
    assert_int_equal(pos.rule->family, SUM_FAMILY_BOOTSTRAP);
    assert_true(pos.rule->strict_peers);
}

static void
test_plan_later_generations_carry_their_ports(void **state)
{
    (void)state;
    const SumProfile *g7 = sum_plan_profile_by_name("7");
    const SumProfile *g8 = sum_plan_profile_by_name("8.x");
    assert_non_null(g7);
    assert_non_null(g8);
    assert_true(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 63001));
    assert_true(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 63002));
    assert_true(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 5989));
    assert_true(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 135));
    assert_false(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 62286));
    assert_false(sum_plan_is_sum_port(g7, SUM_TRANSPORT_TCP, 60000));
    assert_int_equal(g8->ipc_port, 63002);
    assert_int_equal(g8->dcom_port, 135);
    assert_int_equal(g7->dcom_port, 0);
    assert_null(sum_plan_profile_by_name("9"));
}

/* 7.x's web server: one family, two ports (docs/generations.md, "Words"); it
 * does not search, so a moved port is configured, never an overflow. */
static void
test_plan_web_family(void **state)
{
    (void)state;
    const SumProfile *g7 = sum_plan_profile(SUM_GENERATION_7);
    SumPortPos pos;
    assert_string_equal(sum_plan_family_name(SUM_FAMILY_WEB), "web");
    assert_int_equal(sum_plan_family_from_name("web"), SUM_FAMILY_WEB);
    assert_string_equal(sum_plan_cause_name(SUM_CAUSE_CONFIGURED), "configured");
    assert_false(sum_plan_family_searches(SUM_FAMILY_WEB));
    assert_true(sum_plan_family_searches(SUM_FAMILY_FIRMWARE));
    assert_true(sum_plan_in_family(g7, SUM_FAMILY_WEB, 63001, &pos));
    assert_int_equal(pos.base, 63001);
    assert_true(sum_plan_in_family(g7, SUM_FAMILY_WEB, 63002, &pos));
    assert_int_equal(pos.base, 63002);
    assert_int_equal(pos.offset, 0);
    /* A moved port: which of the two, by what it carried. */
    const SumPortRule *h = sum_plan_rule_for_port(g7, SUM_FAMILY_WEB, SUM_TRANSPORT_TCP, 63012,
                                                  SUM_CARRIED_HTTP);
    const SumPortRule *s = sum_plan_rule_for_port(g7, SUM_FAMILY_WEB, SUM_TRANSPORT_TCP, 63012,
                                                  SUM_CARRIED_TLS);
    assert_int_equal(h->base, 63001);
    assert_int_equal(s->base, 63002);
    assert_true(sum_plan_position(s, 63012, &pos));
    assert_int_equal(pos.offset, 10);
    assert_false(pos.overflow);
    assert_false(pos.documented);
    /* 7.x's targets' own services are bootstrap, on no classic number. */
    assert_false(sum_plan_in_family(g7, SUM_FAMILY_FIRMWARE, 63001, NULL));
    assert_false(sum_plan_in_family(g7, SUM_FAMILY_CALLBACK, 63002, NULL));
    static const guint16 services[] = {445, 139, 135, 22, 443, 5989};
    for (gsize i = 0; i < G_N_ELEMENTS(services); i++) {
        const SumPortRule *r = sum_plan_rule_for_port(g7, SUM_FAMILY_BOOTSTRAP,
                                                      SUM_TRANSPORT_TCP, services[i],
                                                      SUM_CARRIED_NONE);
        assert_non_null(r);
        assert_true(r->strict_peers);
        assert_int_equal(r->holder, SUM_ROLE_TARGET);
    }
    assert_non_null(sum_plan_rule_for_port(g7, SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 137,
                                           SUM_CARRIED_NONE));
    assert_non_null(sum_plan_rule_for_port(g7, SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 138,
                                           SUM_CARRIED_NONE));
    /* The classic plan still reads 63001 as firmware at offset 2. */
    assert_true(sum_plan_in_family(sum_plan_profile_default(), SUM_FAMILY_FIRMWARE, 63001, &pos));
    assert_int_equal(pos.base, 80);
    assert_int_equal(pos.offset, 2);
}

static void
test_plan_override_moves_range(void **state)
{
    (void)state;
    SumProfile *p = sum_plan_profile_copy(classic());
    GError *err = NULL;
    assert_true(sum_plan_profile_apply_override(p, "message=60000-60015", &err));
    assert_null(err);
    SumPortPos pos[8];
    assert_true(sum_plan_candidates(p, SUM_TRANSPORT_TCP, 60010, pos, 8) >= 1);
    assert_false(pos[0].overflow);
    /* The static table is untouched. */
    assert_int_equal(sum_plan_rule(classic(), SUM_FAMILY_MESSAGE, SUM_TRANSPORT_TCP)
                         ->documented_end, 60007);
    assert_false(sum_plan_profile_apply_override(p, "message=70000-1", &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_false(sum_plan_profile_apply_override(p, "nosuch=1-2", &err));
    assert_non_null(err);
    g_clear_error(&err);
    assert_false(sum_plan_profile_apply_override(p, "message", &err));
    g_clear_error(&err);
    assert_true(sum_plan_profile_apply_override(p, "control=62290", &err));
    assert_int_equal(sum_plan_rule(p, SUM_FAMILY_CONTROL, SUM_TRANSPORT_TCP)->base, 62290);
    sum_plan_profile_free(p);
}

static void
test_plan_vocabulary_round_trips(void **state)
{
    (void)state;
    assert_string_equal(sum_plan_family_name(SUM_FAMILY_MESSAGE), "message");
    assert_string_equal(sum_plan_cause_name(SUM_CAUSE_IPC_RESERVED), "ipc-reserved");
    assert_string_equal(sum_plan_finding_name(SUM_FINDING_NOT_SUM_SERVICE), "NOT_SUM_SERVICE");
    for (int f = 1; f < SUM_FAMILY_COUNT; f++)
        assert_int_equal(sum_plan_family_from_name(sum_plan_family_name(f)), f);
    for (int c = 1; c < SUM_CAUSE_COUNT; c++)
        assert_int_equal(sum_plan_cause_from_name(sum_plan_cause_name(c)), c);
    for (int c = 0; c < SUM_FINDING_COUNT; c++)
        assert_int_equal(sum_plan_finding_from_name(sum_plan_finding_name(c)), c);
    assert_int_equal(sum_plan_finding_severity(SUM_FINDING_PORT_BLOCKED), SUM_SEVERITY_ERROR);
    assert_int_equal(sum_plan_finding_severity(SUM_FINDING_PORT_CONFLICT),
                     SUM_SEVERITY_WARNING);
    assert_string_equal(sum_plan_family_name((SumFamily)99), "unknown");
    assert_int_equal(sum_plan_family_from_name("bogus"), SUM_FAMILY_NONE);
}

static void
test_plan_conn_relevant_by_listener_side(void **state)
{
    (void)state;
    const SumProfile *p = classic();
    assert_true(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 60000, 62286));
    assert_true(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 45000, 61001));
    assert_true(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 40000, 60000)); /* a listener there */
    assert_true(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 62286, 60000));
    assert_true(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 62286, 40000)); /* mid-stream */
    /* A client port in the message range towards a web server tells nothing
     * on its own: HTTPS counts only between known SUM hosts and targets. */
    assert_true(sum_plan_conn_strict_only(p, SUM_TRANSPORT_TCP, 60003, 443));
    assert_false(sum_plan_conn_relevant(p, SUM_TRANSPORT_TCP, 60003, 8080));
    assert_false(sum_plan_conn_relevant(p, SUM_TRANSPORT_UDP, 60004, 60001));
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plan_default_profile_is_classic),
        cmocka_unit_test(test_plan_message_60000_is_base),
        cmocka_unit_test(test_plan_message_60007_in_range_60008_overflow),
        cmocka_unit_test(test_plan_message_far_port_not_sum),
        cmocka_unit_test(test_plan_61000_ipc_and_callback_base),
        cmocka_unit_test(test_plan_61001_is_callback_not_ipc),
        cmocka_unit_test(test_plan_61007_in_range_61008_overflow),
        cmocka_unit_test(test_plan_62286_control_base),
        cmocka_unit_test(test_plan_62287_moved_listener_outside_range_no_overflow_finding),
        cmocka_unit_test(test_plan_firmware_80_then_63000),
        cmocka_unit_test(test_plan_port_at_walks_the_sequence),
        cmocka_unit_test(test_plan_bootstrap_ports),
        cmocka_unit_test(test_plan_port_in_no_family),
        cmocka_unit_test(test_plan_later_generations_carry_their_ports),
        cmocka_unit_test(test_plan_web_family),
        cmocka_unit_test(test_plan_override_moves_range),
        cmocka_unit_test(test_plan_vocabulary_round_trips),
        cmocka_unit_test(test_plan_conn_relevant_by_listener_side),
    };
    return cmocka_run_group_tests_name("plan", tests, NULL, NULL);
}
