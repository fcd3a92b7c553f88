/* test_status.c: the per-target status of core/sum-status.c, on hand-built
 * results (a SumResult is only read there), one situation each. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-status.h"

#define SUMH "10.0.0.1"
#define T1 "10.0.0.11"
#define T2 "10.0.0.12"
#define T3 "10.0.0.13"

static SumAddr
ip(const char *text)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, text));
    return a;
}

static void
alloc_free(gpointer p)
{
    SumAllocation *a = p;
    g_array_unref(a->conflicting_ports);
    g_free(a);
}

static SumResult *
result_new(void)
{
    SumResult *r = g_new0(SumResult, 1);
    r->profile = sum_plan_profile_default();
    r->hosts = g_ptr_array_new_with_free_func(g_free);
    r->channels = g_ptr_array_new_with_free_func(g_free);
    r->allocations = g_ptr_array_new_with_free_func(alloc_free);
    r->findings = g_ptr_array_new();
    return r;
}

static void
result_free(SumResult *r)
{
    g_ptr_array_unref(r->hosts);
    g_ptr_array_unref(r->channels);
    g_ptr_array_unref(r->allocations);
    g_ptr_array_unref(r->findings);
    g_free(r);
}

static void
host(SumResult *r, const char *addr, SumRole role)
{
    SumHost *h = g_new0(SumHost, 1);
    h->addr = ip(addr);
    h->role = role;
    h->confidence = SUM_CONFIDENCE_HIGH;
    h->id = r->hosts->len + 1;
    g_ptr_array_add(r->hosts, h);
}

/* An allocation, added to R. CONFLICTING: a lower port held by
 * another program, 0 for none. */
static SumAllocation *
alloc(SumResult *r, const char *holder, SumFamily f, guint16 port, guint16 base,
      guint16 range_end, SumCause cause, guint16 conflicting)
{
    SumAllocation *a = g_new0(SumAllocation, 1);
    a->host = ip(holder);
    a->family = f;
    a->port = port;
    a->base = base;
    a->range_end = range_end;
    a->cause = cause;
    a->conflicting_ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    if (conflicting != 0)
        g_array_append_val(a->conflicting_ports, conflicting);
    a->index = r->allocations->len;
    g_ptr_array_add(r->allocations, a);
    return a;
}

/* A channel ORIG:OP -> RESP:RP of family F between SUMH and TARGET. */
static SumChannel *
chan(SumResult *r, SumFamily f, const char *orig, guint16 op, const char *resp, guint16 rp,
     SumConnState st, const char *target)
{
    SumChannel *ch = g_new0(SumChannel, 1);
    ch->conn.transport = SUM_TRANSPORT_TCP;
    ch->conn.orig = ip(orig);
    ch->conn.resp = ip(resp);
    ch->conn.orig_port = op;
    ch->conn.resp_port = rp;
    ch->conn.roles_known = TRUE;
    ch->conn.state = st;
    ch->conn.first_frame = 10 * r->channels->len + 1;
    ch->family = f;
    ch->sum_host = ip(SUMH);
    ch->target = ip(target);
    g_ptr_array_add(r->channels, ch);
    return ch;
}

/* A target served normally: message from 60000+SLOT to its 62286, a callback
 * to 61001. */
static void
served(SumResult *r, const char *t, guint slot)
{
    chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000 + slot, t, 62286, SUM_CONN_SF, t);
    chan(r, SUM_FAMILY_CALLBACK, t, 41000, SUMH, 61001, SUM_CONN_SF, t);
}

static const SumTargetStatus *
status_of(const GPtrArray *st, const char *addr)
{
    SumAddr a = ip(addr);
    for (guint i = 0; i < st->len; i++) {
        const SumTargetStatus *s = g_ptr_array_index(st, i);
        if (sum_addr_equal(&s->target, &a))
            return s;
    }
    fail_msg("no status for %s", addr);
    return NULL;
}

static const SumStatusIssue *
issue(const SumTargetStatus *s, guint i)
{
    assert_true(i < s->issues->len);
    return &g_array_index(s->issues, SumStatusIssue, i);
}

static void
test_status_all_served_ok(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    host(r, T2, SUM_ROLE_TARGET);
    host(r, T1, SUM_ROLE_TARGET);
    served(r, T2, 0);
    served(r, T1, 1);
    alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001, 60000, 60007, SUM_CAUSE_CONCURRENT, 0);
    alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61001, 61000, 61007, SUM_CAUSE_IPC_RESERVED, 0);
    ((SumChannel *)g_ptr_array_index(r->channels, 2))->alloc = g_ptr_array_index(r->allocations, 0);
    ((SumChannel *)g_ptr_array_index(r->channels, 3))->alloc = g_ptr_array_index(r->allocations, 1);
    GPtrArray *st = sum_status_targets(r);
    assert_int_equal(st->len, 2); /* the SUM host is no target */
    char b[SUM_ADDR_STRLEN];
    const SumTargetStatus *first = g_ptr_array_index(st, 0);
    assert_string_equal(sum_addr_to_string(&first->target, b, sizeof b), T1); /* by address */
    for (guint i = 0; i < st->len; i++) {
        const SumTargetStatus *s = g_ptr_array_index(st, i);
        assert_int_equal(s->status, SUM_STATUS_OK);
        assert_int_equal(s->issues->len, 0);
        assert_int_equal(s->n_channels, 2);
    }
    assert_int_equal(sum_status_count(st, SUM_STATUS_OK), 2);
    GPtrArray *groups = sum_status_groups(st);
    assert_int_equal(groups->len, 0);
    g_ptr_array_unref(groups);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_callbacks_dropped_blocked_and_grouped(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    const char *ts[] = {T3, T1, T2};
    for (guint i = 0; i < 3; i++) {
        host(r, ts[i], SUM_ROLE_TARGET);
        chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000 + i, ts[i], 62286, SUM_CONN_SF, ts[i]);
        /* T3 and T2 call back into a firewall that drops; T2 tries twice. */
        SumConnState cb = i == 1 ? SUM_CONN_SF : SUM_CONN_S0;
        chan(r, SUM_FAMILY_CALLBACK, ts[i], 41000, SUMH, 61001, cb, ts[i]);
        if (i == 2)
            chan(r, SUM_FAMILY_CALLBACK, ts[i], 41001, SUMH, 61001, SUM_CONN_S0, ts[i]);
    }
    GPtrArray *st = sum_status_targets(r);
    assert_int_equal(status_of(st, T1)->status, SUM_STATUS_OK);
    const SumTargetStatus *t2 = status_of(st, T2);
    assert_int_equal(t2->status, SUM_STATUS_BLOCKED);
    assert_int_equal(t2->issues->len, 1);
    const SumStatusIssue *is = issue(t2, 0);
    assert_int_equal(is->family, SUM_FAMILY_CALLBACK);
    assert_int_equal(is->port, 61001);
    assert_int_equal(is->attempts, 2);
    SumAddr sumh = ip(SUMH);
    assert_true(sum_addr_equal(&is->holder, &sumh));
    assert_int_equal(sum_status_count(st, SUM_STATUS_BLOCKED), 2);

    GPtrArray *groups = sum_status_groups(st);
    assert_int_equal(groups->len, 1);
    const SumStatusGroup *g = g_ptr_array_index(groups, 0);
    assert_int_equal(g->status, SUM_STATUS_BLOCKED);
    assert_int_equal(g->family, SUM_FAMILY_CALLBACK);
    assert_int_equal(g->port, 61001);
    assert_false(g->on_targets);
    assert_true(sum_addr_equal(&g->holder, &sumh));
    assert_int_equal(g->targets->len, 2);
    assert_int_equal(g->attempts, 3);
    SumAddr t2a = ip(T2), t3a = ip(T3);
    assert_true(sum_addr_equal(&g_array_index(g->targets, SumAddr, 0), &t2a));
    assert_true(sum_addr_equal(&g_array_index(g->targets, SumAddr, 1), &t3a));
    g_ptr_array_unref(groups);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_control_reset_on_both_ports_refused(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    host(r, T1, SUM_ROLE_TARGET);
    host(r, T2, SUM_ROLE_TARGET);
    /* samples/refused.pcap: T1 runs no agent, 62286 and 62287 reset. */
    chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000, T1, 62286, SUM_CONN_REJ, T1);
    chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000, T1, 62287, SUM_CONN_REJ, T1);
    chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000, T2, 62286, SUM_CONN_REJ, T2);
    served(r, T2, 0);
    GPtrArray *st = sum_status_targets(r);
    const SumTargetStatus *t1 = status_of(st, T1);
    assert_int_equal(t1->status, SUM_STATUS_REFUSED);
    assert_int_equal(t1->issues->len, 2);
    assert_int_equal(issue(t1, 0)->family, SUM_FAMILY_CONTROL);
    assert_int_equal(issue(t1, 0)->port, 62286);
    assert_int_equal(issue(t1, 1)->port, 62287);
    /* T2's reset on 62286 was followed by success on the same port: a retry. */
    assert_int_equal(status_of(st, T2)->status, SUM_STATUS_OK);
    GPtrArray *groups = sum_status_groups(st);
    assert_int_equal(groups->len, 2);
    const SumStatusGroup *g = g_ptr_array_index(groups, 0);
    assert_true(g->on_targets); /* each target's own control listener */
    assert_int_equal(g->holder.family, 0);
    g_ptr_array_unref(groups);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_control_moved_fell_back_once(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    host(r, T1, SUM_ROLE_TARGET);
    /* samples/control-moved.pcap: a banner service on 62286, the agent on 62287. */
    SumChannel *probe = chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000, T1, 62286, SUM_CONN_RSTO, T1);
    probe->search_step = TRUE;
    SumChannel *ok = chan(r, SUM_FAMILY_MESSAGE, SUMH, 60000, T1, 62287, SUM_CONN_SF, T1);
    ok->peer_alloc = alloc(r, T1, SUM_FAMILY_CONTROL, 62287, 62286, 62286,
                                SUM_CAUSE_CONFLICT, 62286);
    ok->alloc = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000, 60000, 60007,
                           SUM_CAUSE_DEFAULT, 0);
    GPtrArray *st = sum_status_targets(r);
    const SumTargetStatus *t1 = status_of(st, T1);
    assert_int_equal(t1->status, SUM_STATUS_FELL_BACK);
    /* The probe and the allocation tell the same story: one issue. */
    assert_int_equal(t1->issues->len, 1);
    const SumStatusIssue *is = issue(t1, 0);
    assert_int_equal(is->family, SUM_FAMILY_CONTROL);
    assert_int_equal(is->port, 62286);
    assert_int_equal(is->used, 62287);
    assert_int_equal(is->cause, SUM_CAUSE_CONFLICT);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_overflow_fell_back_past_range_end(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    host(r, T1, SUM_ROLE_TARGET);
    SumChannel *ch = chan(r, SUM_FAMILY_MESSAGE, SUMH, 60008, T1, 62286, SUM_CONN_SF, T1);
    ch->alloc = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60008, 60000, 60007,
                           SUM_CAUSE_OVERFLOW, 0);
    GPtrArray *st = sum_status_targets(r);
    const SumTargetStatus *t1 = status_of(st, T1);
    assert_int_equal(t1->status, SUM_STATUS_FELL_BACK);
    assert_int_equal(issue(t1, 0)->family, SUM_FAMILY_MESSAGE);
    assert_int_equal(issue(t1, 0)->port, 60007);
    assert_int_equal(issue(t1, 0)->used, 60008);
    assert_int_equal(issue(t1, 0)->cause, SUM_CAUSE_OVERFLOW);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_worst_issue_wins_and_groups_worst_first(void **state)
{
    (void)state;
    SumResult *r = result_new();
    host(r, SUMH, SUM_ROLE_SUM_HOST);
    host(r, T1, SUM_ROLE_TARGET);
    host(r, T2, SUM_ROLE_TARGET);
    /* T1: its message port past a taken 60000, and its callback dropped. */
    SumChannel *m = chan(r, SUM_FAMILY_MESSAGE, SUMH, 60001, T1, 62286, SUM_CONN_SF, T1);
    m->alloc = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001, 60000, 60007,
                          SUM_CAUSE_CONFLICT, 60000);
    chan(r, SUM_FAMILY_CALLBACK, T1, 41000, SUMH, 61001, SUM_CONN_S0, T1);
    /* T2: the same taken 60000, callback fine. */
    SumChannel *m2 = chan(r, SUM_FAMILY_MESSAGE, SUMH, 60002, T2, 62286, SUM_CONN_SF, T2);
    m2->alloc = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60002, 60000, 60007,
                           SUM_CAUSE_CONFLICT, 60000);
    chan(r, SUM_FAMILY_CALLBACK, T2, 41000, SUMH, 61001, SUM_CONN_SF, T2);
    GPtrArray *st = sum_status_targets(r);
    const SumTargetStatus *t1 = status_of(st, T1);
    assert_int_equal(t1->status, SUM_STATUS_BLOCKED);
    assert_int_equal(t1->issues->len, 2);
    assert_int_equal(issue(t1, 0)->status, SUM_STATUS_BLOCKED);
    assert_int_equal(issue(t1, 1)->status, SUM_STATUS_FELL_BACK);
    assert_int_equal(issue(t1, 1)->port, 60000);
    assert_int_equal(status_of(st, T2)->status, SUM_STATUS_FELL_BACK);
    GPtrArray *groups = sum_status_groups(st);
    assert_int_equal(groups->len, 2);
    const SumStatusGroup *g0 = g_ptr_array_index(groups, 0);
    const SumStatusGroup *g1 = g_ptr_array_index(groups, 1);
    assert_int_equal(g0->status, SUM_STATUS_BLOCKED);
    assert_int_equal(g0->targets->len, 1);
    assert_int_equal(g1->status, SUM_STATUS_FELL_BACK);
    assert_int_equal(g1->targets->len, 2); /* one taken port, both targets */
    assert_int_equal(g1->port, 60000);
    g_ptr_array_unref(groups);
    g_ptr_array_unref(st);
    result_free(r);
}

static void
test_status_names_are_the_words(void **state)
{
    (void)state;
    assert_string_equal(sum_status_name(SUM_STATUS_OK), "ok");
    assert_string_equal(sum_status_name(SUM_STATUS_FELL_BACK), "fell-back");
    assert_string_equal(sum_status_name(SUM_STATUS_REFUSED), "refused");
    assert_string_equal(sum_status_name(SUM_STATUS_BLOCKED), "blocked");
    assert_string_equal(sum_status_name(SUM_STATUS_COUNT), "?");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_all_served_ok),
        cmocka_unit_test(test_status_callbacks_dropped_blocked_and_grouped),
        cmocka_unit_test(test_status_control_reset_on_both_ports_refused),
        cmocka_unit_test(test_status_control_moved_fell_back_once),
        cmocka_unit_test(test_status_overflow_fell_back_past_range_end),
        cmocka_unit_test(test_status_worst_issue_wins_and_groups_worst_first),
        cmocka_unit_test(test_status_names_are_the_words),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
