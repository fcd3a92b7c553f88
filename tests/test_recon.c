/* test_recon.c: the reconstruction rules of docs/reconstruction.md, one
 * scenario each, from hand-made connection records. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-recon.h"

#define SUMH "10.0.0.1"
#define T1 "10.0.0.11"
#define T2 "10.0.0.12"

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

/* A TCP connection from ORIG:OP to RESP:RP over [T0, T1] seconds. */
static SumConn
conn(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
     SumPayload resp_payload, double t0, double t1)
{
    SumConn k = {0};
    k.transport = SUM_TRANSPORT_TCP;
    assert_true(sum_addr_from_string(&k.orig, orig));
    assert_true(sum_addr_from_string(&k.resp, resp));
    k.orig_port = op;
    k.resp_port = rp;
    k.roles_known = TRUE;
    k.state = st;
    k.resp_payload = resp_payload;
    k.orig_payload = resp_payload == SUM_PAYLOAD_TLS ? SUM_PAYLOAD_TLS : SUM_PAYLOAD_NONE;
    k.syn_count = 1;
    k.t_first = (gint64)(t0 * 1e6);
    k.t_last = (gint64)(t1 * 1e6);
    k.first_frame = c->frame;
    k.last_frame = c->frame + 5;
    k.synack_frame = (st == SUM_CONN_S0 || st == SUM_CONN_REJ) ? 0 : c->frame + 1;
    k.rst_frame = st == SUM_CONN_REJ ? c->frame + 1 : 0;
    c->frame += 10;
    return k;
}

static void
add(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
    SumPayload p, double t0, double t1)
{
    SumConn k = conn(c, orig, op, resp, rp, st, p, t0, t1);
    sum_recon_add(c->r, &k);
}

static void
tls(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, double t0, double t1)
{
    add(c, orig, op, resp, rp, SUM_CONN_SF, SUM_PAYLOAD_TLS, t0, t1);
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
    SumAddr a;
    assert_true(sum_addr_from_string(&a, host));
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *x = g_ptr_array_index(r->allocations, i);
        if (x->family == f && x->port == port && sum_addr_equal(&x->host, &a))
            return x;
    }
    return NULL;
}

static gboolean
finding(const SumResult *r, SumFindingCode code, const char *host, guint16 port)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, host));
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->code == code && f->port == port && sum_addr_equal(&f->host, &a))
            return TRUE;
    }
    return FALSE;
}

static guint16
conflicting(const SumAllocation *a, guint i)
{
    assert_true(i < a->conflicting_ports->len);
    return g_array_index(a->conflicting_ports, guint16, i);
}

static void
test_recon_single_target_all_default(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 5);
    const SumResult *r = finish(c);
    assert_int_equal(r->allocations->len, 2);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000);
    assert_non_null(m);
    assert_int_equal(m->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(m->base, 60000);
    assert_int_equal(m->offset, 0);
    const SumAllocation *k = alloc(r, T1, SUM_FAMILY_CONTROL, 62286);
    assert_non_null(k);
    assert_int_equal(k->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(r->findings->len, 0);
    assert_int_equal(r->hosts->len, 2);
    const SumHost *h = g_ptr_array_index(r->hosts, 0);
    assert_int_equal(h->role, SUM_ROLE_SUM_HOST);
    assert_int_equal(h->confidence, SUM_CONFIDENCE_HIGH);
    const SumChannel *ch = g_ptr_array_index(r->channels, 0);
    assert_int_equal(ch->session, 1);
    assert_int_equal(ch->family, SUM_FAMILY_MESSAGE);
}

static void
test_recon_two_targets_at_once_concurrent(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    tls(c, SUMH, 60001, T2, 62286, 1, 9);
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001);
    assert_non_null(m);
    assert_int_equal(m->cause, SUM_CAUSE_CONCURRENT);
    assert_int_equal(m->conflicting_ports->len, 0);
    assert_int_equal(r->findings->len, 0);
    /* Two sessions, one per pair. */
    const SumChannel *a = g_ptr_array_index(r->channels, 0);
    const SumChannel *b = g_ptr_array_index(r->channels, 1);
    assert_int_not_equal(a->session, b->session);
}

static void
test_recon_skipped_base_with_nothing_seen_inferred_conflict(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60001, T1, 62286, 0, 5);
    /* A second target in view: the capture is not limited to T1. */
    tls(c, T2, 45000, SUMH, 61001, 6, 7);
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001);
    assert_non_null(m);
    assert_int_equal(m->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(m->conflicting_ports->len, 1);
    assert_int_equal(conflicting(m, 0), 60000);
    assert_int_equal(m->conflict_evidence, SUM_EVIDENCE_INFERRED);
    assert_true(finding(r, SUM_FINDING_PORT_CONFLICT, SUMH, 60000));
}

static void
test_recon_foreign_traffic_on_base_conflict_with_traffic_evidence(void **state)
{
    Ctx *c = *state;
    /* Another host talks to a non-SUM service holding the SUM host's 60000. */
    add(c, "10.0.0.50", 40000, SUMH, 60000, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 0, 20);
    tls(c, SUMH, 60001, T1, 62286, 2, 5);
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001);
    assert_int_equal(m->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(m->conflict_evidence, SUM_EVIDENCE_TRAFFIC);
    /* The foreign service is not a SUM allocation. */
    assert_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
}

static void
test_recon_nine_targets_overflow(void **state)
{
    Ctx *c = *state;
    char t[32];
    for (int i = 0; i < 9; i++) {
        g_snprintf(t, sizeof t, "10.0.0.%d", 20 + i);
        tls(c, SUMH, (guint16)(60000 + i), t, 62286, i * 0.1, 30);
    }
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60008);
    assert_non_null(m);
    assert_int_equal(m->cause, SUM_CAUSE_OVERFLOW);
    assert_int_equal(m->offset, 8);
    assert_true(finding(r, SUM_FINDING_RANGE_OVERFLOW, SUMH, 60008));
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60007)->cause, SUM_CAUSE_CONCURRENT);
    assert_false(finding(r, SUM_FINDING_RANGE_OVERFLOW, SUMH, 60007));
}

static void
test_recon_control_moved_non_tls_probe_conflict(void **state)
{
    Ctx *c = *state;
    add(c, SUMH, 60000, T1, 62286, SUM_CONN_SF, SUM_PAYLOAD_OTHER, 0, 1);
    tls(c, SUMH, 60000, T1, 62287, 2, 5);
    const SumResult *r = finish(c);
    const SumAllocation *k = alloc(r, T1, SUM_FAMILY_CONTROL, 62287);
    assert_non_null(k);
    assert_int_equal(k->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(conflicting(k, 0), 62286);
    assert_int_equal(k->conflict_evidence, SUM_EVIDENCE_PROBE);
    assert_null(alloc(r, T1, SUM_FAMILY_CONTROL, 62286));
    assert_true(finding(r, SUM_FINDING_PORT_CONFLICT, T1, 62286));
    assert_true(finding(r, SUM_FINDING_NOT_SUM_SERVICE, T1, 62286));
    assert_false(finding(r, SUM_FINDING_PORT_REFUSED, T1, 62286));
    assert_false(finding(r, SUM_FINDING_RANGE_OVERFLOW, T1, 62287));
    /* The message port was used for both attempts: one allocation. */
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000)->n_connections, 2);
}

static void
test_recon_control_moved_client_hello_answered_by_banner(void **state)
{
    Ctx *c = *state;
    /* The SUM host sends its ClientHello; the service on 62286 answers with a
     * banner: the listener is not SUM's even though TLS was offered. */
    SumConn k = conn(c, SUMH, 60000, T1, 62286, SUM_CONN_SF, SUM_PAYLOAD_OTHER, 0, 1);
    k.orig_payload = SUM_PAYLOAD_TLS;
    sum_recon_add(c->r, &k);
    tls(c, SUMH, 60000, T1, 62287, 2, 5);
    const SumResult *r = finish(c);
    assert_null(alloc(r, T1, SUM_FAMILY_CONTROL, 62286));
    assert_int_equal(alloc(r, T1, SUM_FAMILY_CONTROL, 62287)->conflict_evidence,
                     SUM_EVIDENCE_PROBE);
    assert_true(finding(r, SUM_FINDING_NOT_SUM_SERVICE, T1, 62286));
}

static void
test_recon_control_moved_after_reset_not_refused(void **state)
{
    Ctx *c = *state;
    add(c, SUMH, 60000, T1, 62286, SUM_CONN_REJ, SUM_PAYLOAD_NONE, 0, 0.1);
    tls(c, SUMH, 60000, T1, 62287, 1, 5);
    const SumResult *r = finish(c);
    assert_int_equal(alloc(r, T1, SUM_FAMILY_CONTROL, 62287)->cause, SUM_CAUSE_CONFLICT);
    assert_true(finding(r, SUM_FINDING_PORT_CONFLICT, T1, 62286));
    assert_false(finding(r, SUM_FINDING_PORT_REFUSED, T1, 62286));
}

static void
test_recon_callback_61001_ipc_reserved(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    tls(c, T1, 45000, SUMH, 61001, 2, 4);
    const SumResult *r = finish(c);
    const SumAllocation *b = alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61001);
    assert_non_null(b);
    assert_int_equal(b->cause, SUM_CAUSE_IPC_RESERVED);
    assert_int_equal(b->conflicting_ports->len, 0);
    assert_int_equal(r->findings->len, 0);
}

static void
test_recon_callback_61002_conflict_on_61001(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    tls(c, T1, 45000, SUMH, 61002, 2, 4);
    tls(c, SUMH, 60000, T2, 62286, 20, 30); /* not a view of T1 only */
    const SumResult *r = finish(c);
    const SumAllocation *b = alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61002);
    assert_int_equal(b->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(b->conflicting_ports->len, 1);
    assert_int_equal(conflicting(b, 0), 61001);
    assert_true(finding(r, SUM_FINDING_PORT_CONFLICT, SUMH, 61001));
    assert_false(finding(r, SUM_FINDING_PORT_CONFLICT, SUMH, 61000));
}

static void
test_recon_firmware_80_default_and_63002_conflict(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    add(c, T1, 45000, SUMH, 80, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 2, 3);
    tls(c, SUMH, 60001, T2, 62286, 1, 10);
    add(c, T2, 45000, "10.0.0.2", 63002, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 2, 3);
    const SumResult *r = finish(c);
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_FIRMWARE, 80)->cause, SUM_CAUSE_DEFAULT);
    /* 10.0.0.2 is no SUM host: its web server is not SUM's. */
    assert_null(alloc(r, "10.0.0.2", SUM_FAMILY_FIRMWARE, 63002));
}

static void
test_recon_firmware_63002_conflicts_80_63000_63001(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    add(c, T1, 45000, SUMH, 63002, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 2, 3);
    const SumResult *r = finish(c);
    const SumAllocation *f = alloc(r, SUMH, SUM_FAMILY_FIRMWARE, 63002);
    assert_non_null(f);
    assert_int_equal(f->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(f->offset, 3);
    assert_int_equal(f->base, 80);
    assert_int_equal(f->conflicting_ports->len, 3);
    assert_int_equal(conflicting(f, 0), 80);
    assert_int_equal(conflicting(f, 1), 63000);
    assert_int_equal(conflicting(f, 2), 63001);
}

static const SumFinding *
finding_of(const SumResult *r, SumFindingCode code, const char *host, guint16 port)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, host));
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->code == code && f->port == port && sum_addr_equal(&f->host, &a))
            return f;
    }
    return NULL;
}

static void
test_recon_one_direction_single_syn_warning_not_error(void **state)
{
    Ctx *c = *state;
    /* Only what the SUM host sent: T2's session established by its own ACKs
     * and data with no packet back; T1's control port got one SYN, no retry,
     * and nothing came back from T1 at all. */
    SumConn ok = conn(c, SUMH, 60000, T2, 62286, SUM_CONN_S1, SUM_PAYLOAD_NONE, 0, 3);
    ok.orig_payload = SUM_PAYLOAD_TLS;
    ok.synack_frame = 0;
    ok.packets = 12;
    ok.resp_packets = 0;
    sum_recon_add(c->r, &ok);
    SumConn k = conn(c, SUMH, 60001, T1, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 1, 1);
    k.packets = 1;
    sum_recon_add(c->r, &k);
    const SumResult *r = finish(c);
    const SumFinding *f = finding_of(r, SUM_FINDING_PORT_BLOCKED, T1, 62286);
    assert_non_null(f);
    /* Blocked or refused, the capture cannot tell: an error either way, on
     * inferred evidence and lowered confidence. */
    assert_int_equal(f->severity, SUM_SEVERITY_ERROR);
    assert_int_equal(f->evidence, SUM_EVIDENCE_INFERRED);
    assert_true(f->confidence <= SUM_CONFIDENCE_MEDIUM);
    assert_non_null(strstr(f->message, "cannot tell"));
}

static void
test_recon_one_direction_retried_syn_still_blocked(void **state)
{
    Ctx *c = *state;
    /* The same, but the SUM host retried its SYN: its own word that nothing
     * came back. And a pair with packets back is two-way: an error too. */
    SumConn ok = conn(c, SUMH, 60000, T2, 62286, SUM_CONN_S1, SUM_PAYLOAD_NONE, 0, 3);
    ok.packets = 12;
    sum_recon_add(c->r, &ok);
    SumConn k = conn(c, SUMH, 60001, T1, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 1, 4);
    k.packets = 3;
    k.syn_count = 3;
    sum_recon_add(c->r, &k);
    SumConn boot = conn(c, SUMH, 50000, "10.0.0.13", 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, 0, 1);
    boot.packets = 8;
    boot.resp_packets = 4;
    sum_recon_add(c->r, &boot);
    SumConn k3 = conn(c, SUMH, 60002, "10.0.0.13", 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 2, 2);
    k3.packets = 1;
    sum_recon_add(c->r, &k3);
    const SumResult *r = finish(c);
    const SumFinding *f = finding_of(r, SUM_FINDING_PORT_BLOCKED, T1, 62286);
    assert_non_null(f);
    assert_int_equal(f->severity, SUM_SEVERITY_ERROR);
    f = finding_of(r, SUM_FINDING_PORT_BLOCKED, "10.0.0.13", 62286);
    assert_non_null(f);
    assert_int_equal(f->severity, SUM_SEVERITY_ERROR);
}

/* An unanswered control attempt corroborated by the pair's bootstrap (SSH
 * answered): medium, a finding; the same attempt alone: test_rules.c. */
static void
test_recon_unanswered_control_blocked_medium(void **state)
{
    Ctx *c = *state;
    add(c, SUMH, 50000, T1, 22, SUM_CONN_SF, SUM_PAYLOAD_SSH, 0, 1);
    SumConn k = conn(c, SUMH, 60000, T1, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 2, 3);
    k.syn_count = 3;
    sum_recon_add(c->r, &k);
    const SumResult *r = finish(c);
    assert_true(finding(r, SUM_FINDING_PORT_BLOCKED, T1, 62286));
    assert_int_equal(r->findings->len, 1);
    const SumHost *h = g_ptr_array_index(r->hosts, 0);
    assert_int_equal(h->confidence, SUM_CONFIDENCE_MEDIUM);
    /* The message port was still SUM's. */
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
    assert_null(alloc(r, T1, SUM_FAMILY_CONTROL, 62286));
}

static void
test_recon_reset_refused(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    add(c, T1, 45000, SUMH, 61001, SUM_CONN_REJ, SUM_PAYLOAD_NONE, 2, 2.1);
    const SumResult *r = finish(c);
    assert_true(finding(r, SUM_FINDING_PORT_REFUSED, SUMH, 61001));
    const SumFinding *f = g_ptr_array_index(r->findings, 0);
    assert_int_equal(f->severity, SUM_SEVERITY_ERROR);
    assert_int_equal(f->family, SUM_FAMILY_CALLBACK);
}

static void
test_recon_refused_then_answered_no_finding(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    add(c, T1, 45000, SUMH, 61001, SUM_CONN_REJ, SUM_PAYLOAD_NONE, 2, 2.1);
    tls(c, T1, 45001, SUMH, 61001, 3, 4);
    const SumResult *r = finish(c);
    assert_false(finding(r, SUM_FINDING_PORT_REFUSED, SUMH, 61001));
}

static void
test_recon_icmp_admin_prohibited_blocked_port_unreachable_refused(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    SumConn k = conn(c, T1, 45000, SUMH, 61001, SUM_CONN_S0, SUM_PAYLOAD_NONE, 2, 2.1);
    k.icmp_unreachable = TRUE;
    k.icmp_type = 3;
    k.icmp_code = 13;
    k.icmp_frame = 99;
    sum_recon_add(c->r, &k);
    k = conn(c, T1, 45001, SUMH, 63000, SUM_CONN_S0, SUM_PAYLOAD_NONE, 3, 3.1);
    k.icmp_unreachable = TRUE;
    k.icmp_type = 3;
    k.icmp_code = 3;
    sum_recon_add(c->r, &k);
    const SumResult *r = finish(c);
    assert_true(finding(r, SUM_FINDING_PORT_BLOCKED, SUMH, 61001));
    assert_true(finding(r, SUM_FINDING_PORT_REFUSED, SUMH, 63000));
}

static void
test_recon_decoys_yield_nothing(void **state)
{
    Ctx *c = *state;
    /* Ephemeral client ports in 60000-60999 towards 443 and 8080. */
    tls(c, "10.0.0.5", 60003, "10.0.0.6", 443, 0, 1);
    add(c, "10.0.0.5", 60004, "10.0.0.6", 8080, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 1, 2);
    /* msrpc on 62286 of a domain controller, from a Windows ephemeral port. */
    add(c, "10.0.0.7", 60005, "10.0.0.8", 62286, SUM_CONN_SF, SUM_PAYLOAD_OTHER, 2, 3);
    add(c, "10.0.0.7", 49999, "10.0.0.8", 62286, SUM_CONN_SF, SUM_PAYLOAD_OTHER, 2, 3);
    /* UDP on 6000x (mosh). */
    SumConn u = conn(c, "10.0.0.9", 50000, "10.0.0.10", 60001, SUM_CONN_UDP, SUM_PAYLOAD_OTHER,
                     3, 4);
    u.transport = SUM_TRANSPORT_UDP;
    sum_recon_add(c->r, &u);
    const SumResult *r = finish(c);
    assert_int_equal(r->allocations->len, 0);
    assert_int_equal(r->findings->len, 0);
    assert_int_equal(r->hosts->len, 0);
    assert_int_equal(r->channels->len, 0);
}

static void
test_recon_bootstrap_only_between_pair(void **state)
{
    Ctx *c = *state;
    add(c, SUMH, 50000, T1, 445, SUM_CONN_S0, SUM_PAYLOAD_NONE, 0, 3);
    /* SSH from the SUM host to a host it bootstraps nothing else on, and a
     * port it uses towards no target: not SUM's. */
    add(c, SUMH, 50001, "10.0.0.99", 22, SUM_CONN_S0, SUM_PAYLOAD_NONE, 0, 3);
    tls(c, SUMH, 60000, T1, 62286, 4, 10);
    const SumResult *r = finish(c);
    assert_true(finding(r, SUM_FINDING_PORT_BLOCKED, T1, 445));
    assert_false(finding(r, SUM_FINDING_PORT_BLOCKED, "10.0.0.99", 22));
    SumAddr other;
    assert_true(sum_addr_from_string(&other, "10.0.0.99"));
    assert_null(sum_result_host(r, &other));
}

static void
test_recon_non_sequential_infers_no_conflict(void **state)
{
    Ctx *c = *state;
    /* 60003 alone first, 60000 later: "chosen at random", not a conflict. */
    tls(c, SUMH, 60003, T1, 62286, 0, 5);
    tls(c, SUMH, 60000, T2, 62286, 10, 15);
    const SumResult *r = finish(c);
    const SumAllocation *m = alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60003);
    assert_int_equal(m->conflicting_ports->len, 0);
    assert_int_not_equal(m->cause, SUM_CAUSE_CONFLICT);
    assert_int_equal(m->confidence, SUM_CONFIDENCE_LOW);
    assert_false(finding(r, SUM_FINDING_PORT_CONFLICT, SUMH, 60001));
}

static void
test_recon_message_port_as_listener_read_by_holder(void **state)
{
    Ctx *c = *state;
    /* The target opens the connection to the SUM host's 60000. */
    tls(c, T1, 62286, SUMH, 60000, 0, 5);
    const SumResult *r = finish(c);
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
    assert_non_null(alloc(r, T1, SUM_FAMILY_CONTROL, 62286));
}

static void
test_recon_ipc_on_loopback(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286, 0, 10);
    tls(c, "127.0.0.1", 45000, "127.0.0.1", 61000, 1, 9);
    tls(c, T1, 45000, SUMH, 61001, 2, 4);
    const SumResult *r = finish(c);
    /* The IPC is on loopback but the port is the SUM host's. */
    assert_null(alloc(r, "127.0.0.1", SUM_FAMILY_IPC, 61000));
    const SumAllocation *i = alloc(r, SUMH, SUM_FAMILY_IPC, 61000);
    assert_non_null(i);
    assert_int_equal(i->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61001)->cause, SUM_CAUSE_IPC_RESERVED);
}

static void
test_recon_auto_profile_picks_7x(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    c->r = sum_recon_new(NULL);
    add(c, T1, 45000, SUMH, 63001, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 0, 1);
    SumConn k = conn(c, T1, 45001, SUMH, 63001, SUM_CONN_SF, SUM_PAYLOAD_HTTP_RESPONSE, 1, 2);
    k.orig_payload = SUM_PAYLOAD_HTTP_REQUEST;
    sum_recon_add(c->r, &k);
    const SumResult *r = finish(c);
    assert_string_equal(r->profile->name, "7");
    assert_non_null(r->profile_reason);
}

static void
test_recon_auto_profile_picks_classic(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    c->r = sum_recon_new(NULL);
    tls(c, SUMH, 60000, T1, 62286, 0, 5);
    const SumResult *r = finish(c);
    assert_string_equal(r->profile->name, "classic");
    assert_int_equal(r->allocations->len, 2);
}

static void
test_recon_everyday_https_has_its_own_budget(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    c->r = sum_recon_new(NULL); /* auto: 443 is a port of SUM 7.x and later */
    sum_recon_set_max_conns(c->r, 100);
    for (int i = 0; i < 500; i++)
        tls(c, "10.8.0.1", (guint16)(40000 + i), "10.8.0.2", 443, i, i + 1);
    /* The SUM story after the busy HTTPS is still whole. */
    tls(c, SUMH, 60000, T1, 62286, 600, 605);
    tls(c, T1, 45000, SUMH, 61001, 601, 602);
    const SumResult *r = finish(c);
    assert_true(r->conns_dropped >= 400);
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61001));
}

static void
test_recon_scanner_is_not_a_sum_host(void **state)
{
    Ctx *c = *state;
    char t[32];
    /* One host probes 62286 on 40 addresses from 60001, nothing answers. */
    for (int i = 0; i < 40; i++) {
        g_snprintf(t, sizeof t, "10.9.%d.1", i);
        add(c, "10.9.9.9", 60001, t, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, i, i + 1);
    }
    /* A real blocked deployment beside it (bootstrapped over SMB) is still told. */
    add(c, SUMH, 50000, T1, 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, 0, 1);
    add(c, SUMH, 60000, T1, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, 2, 3);
    const SumResult *r = finish(c);
    assert_int_equal(r->hosts->len, 2);
    assert_int_equal(r->findings->len, 1);
    assert_true(finding(r, SUM_FINDING_PORT_BLOCKED, T1, 62286));
    assert_null(alloc(r, "10.9.9.9", SUM_FAMILY_MESSAGE, 60001));
}

static void
test_recon_cap_keeps_strong_connections(void **state)
{
    Ctx *c = *state;
    sum_recon_set_max_conns(c->r, 16);
    for (int i = 0; i < 1000; i++)
        add(c, "10.9.9.9", (guint16)(20000 + i), T2, 62286, SUM_CONN_S0, SUM_PAYLOAD_NONE, i, i);
    tls(c, SUMH, 60000, T1, 62286, 2000, 2005);
    const SumResult *r = finish(c);
    assert_true(r->conns_dropped >= 1000 - 16);
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_recon_single_target_all_default),
        T(test_recon_two_targets_at_once_concurrent),
        T(test_recon_skipped_base_with_nothing_seen_inferred_conflict),
        T(test_recon_foreign_traffic_on_base_conflict_with_traffic_evidence),
        T(test_recon_nine_targets_overflow),
        T(test_recon_control_moved_non_tls_probe_conflict),
        T(test_recon_control_moved_client_hello_answered_by_banner),
        T(test_recon_control_moved_after_reset_not_refused),
        T(test_recon_callback_61001_ipc_reserved),
        T(test_recon_callback_61002_conflict_on_61001),
        T(test_recon_firmware_80_default_and_63002_conflict),
        T(test_recon_firmware_63002_conflicts_80_63000_63001),
        T(test_recon_unanswered_control_blocked_medium),
        T(test_recon_one_direction_single_syn_warning_not_error),
        T(test_recon_one_direction_retried_syn_still_blocked),
        T(test_recon_reset_refused),
        T(test_recon_refused_then_answered_no_finding),
        T(test_recon_icmp_admin_prohibited_blocked_port_unreachable_refused),
        T(test_recon_decoys_yield_nothing),
        T(test_recon_bootstrap_only_between_pair),
        T(test_recon_non_sequential_infers_no_conflict),
        T(test_recon_message_port_as_listener_read_by_holder),
        T(test_recon_ipc_on_loopback),
        T(test_recon_auto_profile_picks_7x),
        T(test_recon_auto_profile_picks_classic),
        T(test_recon_everyday_https_has_its_own_budget),
        T(test_recon_scanner_is_not_a_sum_host),
        T(test_recon_cap_keeps_strong_connections),
    };
    return cmocka_run_group_tests_name("recon", tests, NULL, NULL);
}
