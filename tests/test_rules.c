/* test_rules.c: the rules that make verdicts hold on real networks
 * (docs/reconstruction.md): bootstrap failures are findings, firmware on
 * port 80 from a device, nothing on one uncorroborated connection, a
 * filtered view is not evidence of conflicts, root causes over symptoms.
 * Each from hand-made connection records, with the case that must differ. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-recon.h"
#include "sum-remedy.h"

#define SUMH "10.0.0.1"
#define T1 "10.0.0.11"
#define T2 "10.0.0.12"
#define ILO "10.0.0.21"
#define PC "10.0.0.101"

typedef struct {
    SumRecon *r;
    SumFrame frame;
    SumResult *res;
} Ctx;

static int
setup(void **state)
{
    Ctx *c = g_new0(Ctx, 1);
    c->r = sum_recon_new(sum_plan_profile_default());
    c->frame = 1;
    *state = c;
    return 0;
}

static int
teardown(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    sum_result_free(c->res);
    g_free(c);
    return 0;
}

static SumAddr
A(const char *s)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, s));
    return a;
}

/* A TCP connection ORIG:OP -> RESP:RP in state ST over [T0, T0 + 1] s. */
static SumConn *
add(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
    SumPayload orig_payload, SumPayload resp_payload, double t0)
{
    static SumConn k;
    memset(&k, 0, sizeof k);
    k.transport = SUM_TRANSPORT_TCP;
    k.orig = A(orig);
    k.resp = A(resp);
    k.orig_port = op;
    k.resp_port = rp;
    k.roles_known = TRUE;
    k.state = st;
    k.orig_payload = orig_payload;
    k.resp_payload = resp_payload;
    k.syn_count = st == SUM_CONN_S0 ? 3 : 1;
    k.packets = st == SUM_CONN_S0 ? 3 : 8;
    k.resp_packets = st == SUM_CONN_S0 ? 0 : st == SUM_CONN_REJ ? 1 : 4;
    k.t_first = (gint64)(t0 * 1e6);
    k.t_last = (gint64)((t0 + 1) * 1e6);
    k.first_frame = c->frame;
    k.last_frame = c->frame + 5;
    k.synack_frame = (st == SUM_CONN_S0 || st == SUM_CONN_REJ) ? 0 : c->frame + 1;
    k.rst_frame = st == SUM_CONN_REJ ? c->frame + 1 : 0;
    c->frame += 10;
    sum_recon_add(c->r, &k);
    return &k;
}

static void
tls(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, double t0)
{
    add(c, orig, op, resp, rp, SUM_CONN_SF, SUM_PAYLOAD_TLS, SUM_PAYLOAD_TLS, t0);
}

static void
failed(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
       double t0)
{
    add(c, orig, op, resp, rp, st, SUM_PAYLOAD_NONE, SUM_PAYLOAD_NONE, t0);
}

static SumResult *
finish(Ctx *c)
{
    c->res = sum_recon_finish(c->r);
    return c->res;
}

static const SumAllocation *
alloc(const SumResult *r, const char *host, SumFamily f, guint16 port)
{
    SumAddr a = A(host);
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *x = g_ptr_array_index(r->allocations, i);
        if (x->family == f && x->port == port && sum_addr_equal(&x->host, &a))
            return x;
    }
    return NULL;
}

static const SumFinding *
finding(const SumResult *r, SumFindingCode code, const char *host, guint16 port)
{
    SumAddr a = A(host);
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->code == code && f->port == port && sum_addr_equal(&f->host, &a))
            return f;
    }
    return NULL;
}

static guint
count_code(const SumResult *r, SumFindingCode code)
{
    guint n = 0;
    for (guint i = 0; i < r->findings->len; i++)
        n += ((const SumFinding *)g_ptr_array_index(r->findings, i))->code == code;
    return n;
}

static const SumHost *
host(const SumResult *r, const char *addr)
{
    SumAddr a = A(addr);
    return sum_result_host(r, &a);
}

/* A served target T1: message -> control over TLS, its callback answered. */
static void
deployment(Ctx *c, double t0)
{
    tls(c, SUMH, 60000, T1, 62286, t0);
    tls(c, T1, 41000, SUMH, 61001, t0 + 0.5);
}

/* --- rule 4: nothing on one uncorroborated connection ----------------- */

static void
test_rules_lone_weak_connection_gives_nothing(void **state)
{
    Ctx *c = *state;
    deployment(c, 0); /* real SUM between other hosts in the same capture */
    failed(c, "10.0.0.81", 60004, "10.0.0.82", 62286, SUM_CONN_S0, 5);
    const SumResult *r = finish(c);
    assert_null(host(r, "10.0.0.81"));
    assert_null(host(r, "10.0.0.82"));
    assert_null(alloc(r, "10.0.0.81", SUM_FAMILY_MESSAGE, 60004));
    assert_null(finding(r, SUM_FINDING_PORT_BLOCKED, "10.0.0.82", 62286));
    /* No chain of taken ports 60000..60003 from it either. */
    assert_int_equal(count_code(r, SUM_FINDING_PORT_CONFLICT), 0);
    assert_non_null(host(r, SUMH));
}

static void
test_rules_same_connection_with_tls_between_pair_counts(void **state)
{
    Ctx *c = *state;
    deployment(c, 0);
    tls(c, "10.0.0.81", 60000, "10.0.0.82", 62286, 1);
    failed(c, "10.0.0.81", 60004, "10.0.0.82", 62286, SUM_CONN_S0, 5);
    const SumResult *r = finish(c);
    const SumHost *h = host(r, "10.0.0.81");
    assert_non_null(h);
    assert_int_equal(h->role, SUM_ROLE_SUM_HOST);
    assert_non_null(alloc(r, "10.0.0.81", SUM_FAMILY_MESSAGE, 60004));
    assert_non_null(finding(r, SUM_FINDING_PORT_BLOCKED, "10.0.0.82", 62286));
}

/* Corroboration of another kind: a search through control ports that all
 * failed, or bootstrap traffic between the two. */
static void
test_rules_search_or_bootstrap_corroborates(void **state)
{
    Ctx *c = *state;
    failed(c, SUMH, 60000, T1, 62286, SUM_CONN_REJ, 0);
    failed(c, SUMH, 60000, T1, 62287, SUM_CONN_REJ, 1);
    add(c, "10.0.0.2", 50000, T2, 22, SUM_CONN_SF, SUM_PAYLOAD_SSH, SUM_PAYLOAD_SSH, 2);
    failed(c, "10.0.0.2", 60000, T2, 62286, SUM_CONN_S0, 3);
    /* An msrpc answer on 62286 is never SUM, bootstrap or not. */
    add(c, "10.0.0.3", 50000, "10.0.0.13", 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB, 4);
    add(c, "10.0.0.3", 60001, "10.0.0.13", 62286, SUM_CONN_SF, SUM_PAYLOAD_OTHER,
        SUM_PAYLOAD_OTHER, 5);
    const SumResult *r = finish(c);
    assert_non_null(finding(r, SUM_FINDING_PORT_REFUSED, T1, 62286));
    assert_non_null(finding(r, SUM_FINDING_PORT_BLOCKED, T2, 62286));
    assert_null(host(r, "10.0.0.3"));
    assert_null(host(r, "10.0.0.13"));
}

/* --- rule 2: bootstrap failures are findings --------------------------- */

static void
test_rules_bootstrap_445_dropped_and_refused(void **state)
{
    Ctx *c = *state;
    add(c, SUMH, 50000, T1, 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB, 0);
    deployment(c, 1);
    /* An earlier answer on 139 does not cancel the 445 that failed. */
    add(c, SUMH, 50001, T2, 139, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB, 2);
    failed(c, SUMH, 50002, T2, 445, SUM_CONN_S0, 3);
    failed(c, SUMH, 50003, "10.0.0.13", 445, SUM_CONN_REJ, 4);
    const SumResult *r = finish(c);
    const SumFinding *f = finding(r, SUM_FINDING_PORT_BLOCKED, T2, 445);
    assert_non_null(f);
    assert_int_equal(f->family, SUM_FAMILY_BOOTSTRAP);
    assert_int_equal(f->severity, SUM_SEVERITY_ERROR);
    assert_non_null(strstr(f->message, "ADMIN$"));
    assert_non_null(finding(r, SUM_FINDING_PORT_REFUSED, "10.0.0.13", 445));
    assert_int_equal(host(r, T2)->role, SUM_ROLE_TARGET);
    /* The report leads with it. */
    const SumFinding *first = g_ptr_array_index(r->findings, 0);
    assert_int_equal(first->family, SUM_FAMILY_BOOTSTRAP);
    /* The rule to open: inbound 445 on the target, from the SUM host. */
    GPtrArray *rem = sum_remedy_build(r);
    gboolean found = FALSE;
    SumAddr t2 = A(T2), s = A(SUMH);
    for (guint i = 0; i < rem->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rem, i);
        found |= m->port == 445 && m->inbound && sum_addr_equal(&m->host, &t2) &&
                 sum_addr_equal(&m->peer, &s) && m->windows != NULL;
    }
    assert_true(found);
    g_ptr_array_unref(rem);
}

static void
test_rules_bootstrap_needs_a_sum_pair(void **state)
{
    Ctx *c = *state;
    /* No SUM host anywhere: SMB that fails is somebody's file share. */
    failed(c, "10.0.0.5", 50000, T2, 445, SUM_CONN_S0, 0);
    add(c, "10.0.0.5", 50001, T2, 139, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB, 1);
    const SumResult *r = finish(c);
    assert_int_equal(r->findings->len, 0);
    assert_int_equal(r->hosts->len, 0);
}

/* --- rule 3: firmware on port 80 from a device ------------------------- */

static void
test_rules_ilo_fetching_from_port_80(void **state)
{
    Ctx *c = *state;
    deployment(c, 0);
    add(c, PC, 40000, SUMH, 80, SUM_CONN_SF, SUM_PAYLOAD_HTTP_REQUEST,
        SUM_PAYLOAD_HTTP_RESPONSE, 1);
    tls(c, SUMH, 41000, ILO, 443, 2);
    add(c, ILO, 41000, SUMH, 80, SUM_CONN_SF, SUM_PAYLOAD_HTTP_REQUEST,
        SUM_PAYLOAD_HTTP_RESPONSE, 3);
    add(c, PC, 40001, SUMH, 80, SUM_CONN_SF, SUM_PAYLOAD_HTTP_REQUEST,
        SUM_PAYLOAD_HTTP_RESPONSE, 4);
    const SumResult *r = finish(c);
    const SumAllocation *fw = alloc(r, SUMH, SUM_FAMILY_FIRMWARE, 80);
    assert_non_null(fw);
    assert_int_equal(fw->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(fw->n_connections, 1); /* the iLO's, not the browser's */
    assert_int_equal(host(r, ILO)->role, SUM_ROLE_TARGET);
    assert_null(host(r, PC));
}

static void
test_rules_port_80_without_https_first_is_not_sum(void **state)
{
    Ctx *c = *state;
    deployment(c, 0);
    add(c, ILO, 41000, SUMH, 80, SUM_CONN_SF, SUM_PAYLOAD_HTTP_REQUEST,
        SUM_PAYLOAD_HTTP_RESPONSE, 3);
    tls(c, SUMH, 41000, ILO, 443, 4); /* after the fetch: not what it followed */
    const SumResult *r = finish(c);
    assert_null(alloc(r, SUMH, SUM_FAMILY_FIRMWARE, 80));
    assert_null(host(r, ILO));
}

/* --- rule 5: a filtered capture is not evidence of conflicts ----------- */

static void
test_rules_one_pair_view_not_visible(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60005, T1, 62286, 0);
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60005);
    assert_non_null(m);
    assert_int_equal(m->cause, SUM_CAUSE_NOT_VISIBLE);
    assert_int_equal(m->conflicting_ports->len, 0);
    assert_int_equal(m->confidence, SUM_CONFIDENCE_LOW);
    assert_int_equal(count_code(r, SUM_FINDING_PORT_CONFLICT), 0);
    assert_true(r->partial_view);
    SumAddr t1 = A(T1);
    assert_true(sum_addr_equal(&r->view_host, &t1));
    assert_non_null(r->view_note);
    assert_non_null(r->view_advice);
}

/* The same view with nothing skipped: named, no advice needed. */
static void
test_rules_one_pair_view_that_hid_nothing(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0);
    const SumResult *r = finish(c);
    assert_true(r->partial_view);
    assert_non_null(r->view_note);
    assert_null(r->view_advice);
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000)->cause, SUM_CAUSE_DEFAULT);
}

static void
test_rules_full_view_still_infers_conflict(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60005, T1, 62286, 0);
    tls(c, T2, 41000, SUMH, 61001, 1);
    const SumResult *r = finish(c);
    assert_false(r->partial_view);
    assert_null(r->view_note);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60005);
    assert_int_equal(m->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(count_code(r, SUM_FINDING_PORT_CONFLICT), 5);
}

static void
test_rules_told_filter(void **state)
{
    Ctx *c = *state;
    sum_recon_set_capture_filter(c->r, "host 10.0.0.11 or host 10.0.0.12", TRUE);
    tls(c, SUMH, 60005, T1, 62286, 0);
    tls(c, T2, 41000, SUMH, 61001, 1);
    const SumResult *r = finish(c);
    assert_string_equal(r->capture_filter, "host 10.0.0.11 or host 10.0.0.12");
    assert_true(r->partial_view);
    assert_non_null(strstr(r->view_note, "host 10.0.0.11"));
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60005)->cause, SUM_CAUSE_NOT_VISIBLE);
    assert_int_equal(count_code(r, SUM_FINDING_PORT_CONFLICT), 0);
}

static void
test_rules_filter_that_keeps_sum_hides_nothing(void **state)
{
    Ctx *c = *state;
    sum_recon_set_capture_filter(c->r, "tcp portrange 60000-63010", FALSE);
    tls(c, SUMH, 60005, T1, 62286, 0);
    tls(c, T2, 41000, SUMH, 61001, 1);
    const SumResult *r = finish(c);
    assert_string_equal(r->capture_filter, "tcp portrange 60000-63010");
    assert_false(r->partial_view);
    assert_non_null(r->view_note);
    assert_null(r->view_advice);
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60005)->cause, SUM_CAUSE_CONFLICT);
}

/* --- rule 7: root causes over symptoms --------------------------------- */

static void
test_rules_agent_not_running(void **state)
{
    Ctx *c = *state;
    failed(c, SUMH, 60000, T2, 62286, SUM_CONN_REJ, 0);
    failed(c, SUMH, 60000, T2, 62287, SUM_CONN_REJ, 0.1);
    deployment(c, 1);
    const SumResult *r = finish(c);
    assert_int_equal(r->root_causes->len, 1);
    const SumRootCause *rc = g_ptr_array_index(r->root_causes, 0);
    assert_int_equal(rc->code, SUM_ROOT_AGENT_NOT_RUNNING);
    SumAddr t2 = A(T2);
    assert_true(sum_addr_equal(&rc->host, &t2));
    assert_int_equal(rc->confidence, SUM_CONFIDENCE_HIGH);
    assert_int_equal(rc->findings->len, 2);
    assert_non_null(strstr(rc->message, "not running"));
    /* The findings stay, pointing at it; no firewall rule is the fix. */
    const SumFinding *f = finding(r, SUM_FINDING_PORT_REFUSED, T2, 62287);
    assert_non_null(f);
    assert_ptr_equal(f->root_cause, rc);
    GPtrArray *rem = sum_remedy_build(r);
    for (guint i = 0; i < rem->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rem, i);
        if (sum_addr_equal(&m->host, &t2))
            assert_null(m->windows);
    }
    g_ptr_array_unref(rem);
}

static void
test_rules_moved_listener_is_no_root_cause(void **state)
{
    Ctx *c = *state;
    failed(c, SUMH, 60000, T2, 62286, SUM_CONN_REJ, 0);
    tls(c, SUMH, 60000, T2, 62287, 0.1);
    deployment(c, 1);
    const SumResult *r = finish(c);
    assert_int_equal(r->root_causes->len, 0);
}

static void
test_rules_sum_host_drops_every_callback(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0);
    tls(c, SUMH, 60001, T2, 62286, 0.1);
    failed(c, T1, 41000, SUMH, 61001, SUM_CONN_S0, 0.5);
    failed(c, T2, 41000, SUMH, 61001, SUM_CONN_S0, 0.6);
    const SumResult *r = finish(c);
    assert_int_equal(r->root_causes->len, 1);
    const SumRootCause *rc = g_ptr_array_index(r->root_causes, 0);
    assert_int_equal(rc->code, SUM_ROOT_SUM_HOST_DROPS_CALLBACKS);
    SumAddr s = A(SUMH);
    assert_true(sum_addr_equal(&rc->host, &s));
    assert_int_equal(rc->peers->len, 2);
    assert_int_equal(count_code(r, SUM_FINDING_PORT_BLOCKED), 1);
}

static void
test_rules_one_dropped_callback_is_its_own_finding(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0);
    tls(c, SUMH, 60001, T2, 62286, 0.1);
    failed(c, T1, 41000, SUMH, 61001, SUM_CONN_S0, 0.5);
    tls(c, T2, 41000, SUMH, 61001, 0.6);
    const SumResult *r = finish(c);
    assert_int_equal(r->root_causes->len, 0);
    assert_non_null(finding(r, SUM_FINDING_PORT_BLOCKED, SUMH, 61001));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_rules_lone_weak_connection_gives_nothing),
        T(test_rules_same_connection_with_tls_between_pair_counts),
        T(test_rules_search_or_bootstrap_corroborates),
        T(test_rules_bootstrap_445_dropped_and_refused),
        T(test_rules_bootstrap_needs_a_sum_pair),
        T(test_rules_ilo_fetching_from_port_80),
        T(test_rules_port_80_without_https_first_is_not_sum),
        T(test_rules_one_pair_view_not_visible),
        T(test_rules_one_pair_view_that_hid_nothing),
        T(test_rules_full_view_still_infers_conflict),
        T(test_rules_told_filter),
        T(test_rules_filter_that_keeps_sum_hides_nothing),
        T(test_rules_agent_not_running),
        T(test_rules_moved_listener_is_no_root_cause),
        T(test_rules_sum_host_drops_every_callback),
        T(test_rules_one_dropped_callback_is_its_own_finding),
    };
#undef T
    return cmocka_run_group_tests(tests, NULL, NULL);
}
