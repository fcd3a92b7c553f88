/* test_generation.c: which port plan each SUM host shows (sum-generation.c)
 * and one story from several plans (sum-recon.c, --profile auto), from
 * hand-made connection records. docs/generations.md is the contract. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-generation.h"
#include "sum-recon.h"
#include "sum-words.h"

#define SUMH "10.0.0.1"
#define SUMH2 "10.0.0.2"
#define T1 "10.0.0.11"
#define T2 "10.0.0.12"
#define T3 "10.0.0.13"
#define ILO "10.0.0.21"

typedef struct {
    SumRecon *r;
    SumGenEvidence *ev;
    SumFrame frame;
    SumResult *res;
} Ctx;

static int
setup(void **state)
{
    Ctx *c = g_new0(Ctx, 1);
    c->r = sum_recon_new(NULL);
    c->ev = sum_generation_new(NULL);
    c->frame = 1;
    *state = c;
    return 0;
}

static int
teardown(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    sum_generation_free(c->ev);
    sum_result_free(c->res);
    g_free(c);
    return 0;
}

/* A TCP connection ORIG:OP -> RESP:RP, answered unless ST says otherwise,
 * carrying ORIG_P and RESP_P, offered to both the evidence and the recon. */
static void
add(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp, SumConnState st,
    SumPayload orig_p, SumPayload resp_p)
{
    SumConn k = {0};
    k.transport = SUM_TRANSPORT_TCP;
    assert_true(sum_addr_from_string(&k.orig, orig));
    assert_true(sum_addr_from_string(&k.resp, resp));
    k.orig_port = op;
    k.resp_port = rp;
    k.roles_known = TRUE;
    k.state = st;
    k.orig_payload = orig_p;
    k.resp_payload = resp_p;
    k.syn_count = st == SUM_CONN_S0 ? 3 : 1;
    k.packets = st == SUM_CONN_S0 ? 3 : 10;
    k.resp_packets = st == SUM_CONN_S0 ? 0 : 5;
    k.t_first = (gint64)c->frame * 1000;
    k.t_last = k.t_first + 500;
    k.first_frame = c->frame;
    k.last_frame = c->frame + 5;
    k.synack_frame = (st == SUM_CONN_S0 || st == SUM_CONN_REJ) ? 0 : c->frame + 1;
    k.rst_frame = st == SUM_CONN_REJ ? c->frame + 1 : 0;
    c->frame += 10;
    sum_generation_observe(c->ev, &k);
    sum_recon_add(c->r, &k);
}

static void
tls(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp)
{
    add(c, orig, op, resp, rp, SUM_CONN_SF, SUM_PAYLOAD_TLS, SUM_PAYLOAD_TLS);
}

static void
fetch(Ctx *c, const char *orig, guint16 op, const char *resp, guint16 rp)
{
    add(c, orig, op, resp, rp, SUM_CONN_SF, SUM_PAYLOAD_HTTP_REQUEST, SUM_PAYLOAD_HTTP_RESPONSE);
}

/* The SUM host reaches a target on one of its services (SSH: banners). */
static void
ssh(Ctx *c, const char *orig, guint16 op, const char *resp)
{
    add(c, orig, op, resp, 22, SUM_CONN_SF, SUM_PAYLOAD_SSH, SUM_PAYLOAD_SSH);
}

/* A classic deployment: message -> control over TLS, a callback. */
static void
classic_deployment(Ctx *c, const char *sumh, const char *t, guint16 msg)
{
    tls(c, sumh, msg, t, 62286);
    tls(c, t, 45000, sumh, 61001);
}

/* A 7.x deployment: SSH to the target, which fetches from 63001 and posts
 * to 63002. */
static void
web_deployment(Ctx *c, const char *sumh, const char *t, guint16 http, guint16 https)
{
    ssh(c, sumh, 41000, t);
    fetch(c, t, 41000, sumh, http);
    tls(c, t, 41001, sumh, https);
}

static SumResult *
finish(Ctx *c)
{
    c->res = sum_recon_finish(c->r);
    return c->res;
}

static SumAddr
A(const char *s)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, s));
    return a;
}

static const SumHost *
sum_host(const SumResult *r, const char *addr)
{
    SumAddr a = A(addr);
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role == SUM_ROLE_SUM_HOST && sum_addr_equal(&h->addr, &a))
            return h;
    }
    return NULL;
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

static gboolean
has_family(const SumResult *r, SumFamily f)
{
    for (guint i = 0; i < r->channels->len; i++) {
        if (((const SumChannel *)g_ptr_array_index(r->channels, i))->family == f)
            return TRUE;
    }
    return FALSE;
}

/* --- the evidence on its own -------------------------------------------- */

static void
test_generation_no_sign_is_classic_by_default(void **state)
{
    Ctx *c = *state;
    SumGenVerdict v;
    sum_generation_host(c->ev, &(SumAddr){0}, &v);
    assert_int_equal(v.generation, SUM_GENERATION_CLASSIC);
    assert_int_equal(v.confidence, SUM_CONFIDENCE_NONE);
    assert_int_equal(v.other, SUM_GENERATION_COUNT);
    gchar *why = sum_words_generation(&v);
    assert_non_null(strstr(why, "no sign"));
    g_free(why);
}

/* Classic firmware falls back to 63001: one fetch there never outweighs
 * message -> control over TLS, and the other plan is named. */
static void
test_generation_classic_with_firmware_on_63001_stays_classic(void **state)
{
    Ctx *c = *state;
    classic_deployment(c, SUMH, T1, 60000);
    classic_deployment(c, SUMH, ILO, 60001);
    fetch(c, ILO, 41001, SUMH, 63001);
    SumGenVerdict v;
    SumAddr h = A(SUMH);
    sum_generation_host(c->ev, &h, &v);
    assert_int_equal(v.generation, SUM_GENERATION_CLASSIC);
    assert_int_equal(v.confidence, SUM_CONFIDENCE_HIGH);
    assert_int_equal(v.other, SUM_GENERATION_7);
    assert_int_equal(v.msg_tls, 2);
    assert_int_equal(v.fetch_only, 1);
    gchar *why = sum_words_generation(&v);
    assert_true(g_str_has_prefix(why, "message ports (60000 and up) talking to"));
    assert_non_null(strstr(why, "also fits SUM 7.x, less well"));
    g_free(why);

    const SumResult *r = finish(c);
    const SumHost *s = sum_host(r, SUMH);
    assert_non_null(s);
    assert_string_equal(s->profile->name, "classic");
    assert_int_equal(s->plan_other, SUM_GENERATION_7);
    assert_false(r->mixed);
    assert_string_equal(sum_result_generation_name(r), "classic");
    const SumAllocation *fw = alloc(r, SUMH, SUM_FAMILY_FIRMWARE, 63001);
    assert_non_null(fw);
    assert_int_equal(fw->base, 80);
    assert_int_equal(fw->cause, SUM_CAUSE_CONFLICT);
    assert_false(has_family(r, SUM_FAMILY_WEB));
}

/* A target reached on its SSH that then fetches and posts: SUM 7.x, sure. */
static void
test_generation_fetch_and_post_after_reach_is_7(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63001, 63002);
    web_deployment(c, SUMH, T2, 63001, 63002);
    SumGenVerdict v;
    SumAddr h = A(SUMH);
    sum_generation_host(c->ev, &h, &v);
    assert_int_equal(v.generation, SUM_GENERATION_7);
    assert_int_equal(v.confidence, SUM_CONFIDENCE_HIGH);
    assert_int_equal(v.fetch_post, 2);
    assert_int_equal(v.reached, 2);
    assert_int_equal(v.other, SUM_GENERATION_COUNT);

    const SumResult *r = finish(c);
    assert_string_equal(r->profile->name, "7");
    assert_string_equal(sum_result_generation_name(r), "7");
    assert_int_equal(r->profile_confidence, SUM_CONFIDENCE_HIGH);
    const SumHost *s = sum_host(r, SUMH);
    assert_non_null(s);
    assert_int_equal(s->confidence, SUM_CONFIDENCE_HIGH);
    assert_non_null(strstr(s->plan_reason, "SUM 7.x"));
    const SumAllocation *w1 = alloc(r, SUMH, SUM_FAMILY_WEB, 63001);
    const SumAllocation *w2 = alloc(r, SUMH, SUM_FAMILY_WEB, 63002);
    assert_non_null(w1);
    assert_non_null(w2);
    assert_int_equal(w1->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(w2->base, 63002);
    assert_int_equal(w2->cause, SUM_CAUSE_DEFAULT);
    assert_int_equal(w1->n_connections, 2);
    /* The targets' own services are channels, no allocation. */
    assert_true(has_family(r, SUM_FAMILY_BOOTSTRAP));
    assert_null(alloc(r, T1, SUM_FAMILY_BOOTSTRAP, 22));
    assert_int_equal(r->allocations->len, 2);
    assert_int_equal(r->findings->len, 0);
}

/* --port 63011 --ssl_port 63012: the web server does not search. */
static void
test_generation_moved_web_ports_are_configured(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63011, 63012);
    const SumResult *r = finish(c);
    const SumAllocation *h = alloc(r, SUMH, SUM_FAMILY_WEB, 63011);
    const SumAllocation *s = alloc(r, SUMH, SUM_FAMILY_WEB, 63012);
    assert_non_null(h);
    assert_non_null(s);
    assert_int_equal(h->base, 63001);
    assert_int_equal(h->offset, 10);
    assert_int_equal(s->base, 63002);
    assert_int_equal(s->offset, 10);
    assert_int_equal(h->cause, SUM_CAUSE_CONFIGURED);
    assert_int_equal(s->cause, SUM_CAUSE_CONFIGURED);
    assert_int_equal(h->conflicting_ports->len, 0);
    assert_int_equal(r->findings->len, 0);
    SumPortPos pos;
    assert_true(sum_plan_in_family(sum_plan_profile(SUM_GENERATION_7), SUM_FAMILY_WEB, 63011,
                                   &pos));
    assert_false(pos.overflow);
}

/* SUM's own processes on loopback 63002: 8.x, the same web allocation on
 * the SUM host's address. */
static void
test_generation_loopback_63002_is_8(void **state)
{
    Ctx *c = *state;
    tls(c, "127.0.0.1", 41000, "127.0.0.1", 63002);
    web_deployment(c, SUMH, T1, 63001, 63002);
    const SumResult *r = finish(c);
    const SumHost *s = sum_host(r, SUMH);
    assert_non_null(s);
    assert_string_equal(s->profile->name, "8");
    assert_string_equal(sum_result_generation_name(r), "8");
    assert_non_null(strstr(s->plan_reason, "loopback"));
    const SumAllocation *w = alloc(r, SUMH, SUM_FAMILY_WEB, 63002);
    assert_non_null(w);
    assert_int_equal(w->n_connections, 2);
    assert_null(alloc(r, SUMH, SUM_FAMILY_IPC, 63002));
    assert_null(alloc(r, "127.0.0.1", SUM_FAMILY_WEB, 63002));
}

/* WMI: DCOM through 135, then the endpoint the target hands out. */
static void
test_generation_wmi_is_8(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63001, 63002);
    add(c, SUMH, 41001, T2, 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB);
    add(c, SUMH, 41002, T2, 135, SUM_CONN_SF, SUM_PAYLOAD_OTHER, SUM_PAYLOAD_OTHER);
    add(c, SUMH, 41003, T2, 49668, SUM_CONN_SF, SUM_PAYLOAD_OTHER, SUM_PAYLOAD_OTHER);
    SumGenVerdict v;
    SumAddr h = A(SUMH);
    sum_generation_host(c->ev, &h, &v);
    assert_int_equal(v.wmi, 1);
    assert_int_equal(v.generation, SUM_GENERATION_8);
    const SumResult *r = finish(c);
    assert_string_equal(sum_host(r, SUMH)->profile->name, "8");
    /* The endpoint is one of the target's services, a channel of the pair. */
    gboolean endpoint = FALSE;
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        endpoint |= ch->family == SUM_FAMILY_BOOTSTRAP && ch->conn.resp_port == 49668;
    }
    assert_true(endpoint);
    assert_int_equal(r->allocations->len, 2);
}

/* --- one story from several plans --------------------------------------- */

/* Two SUM hosts of two generations in one capture: two plans, mixed. */
static void
test_generation_mixed_capture_two_hosts_two_plans(void **state)
{
    Ctx *c = *state;
    classic_deployment(c, SUMH, T1, 60000);
    web_deployment(c, SUMH2, T3, 63001, 63002);
    classic_deployment(c, SUMH, T2, 60001);
    const SumResult *r = finish(c);
    assert_true(r->mixed);
    assert_string_equal(sum_result_generation_name(r), "mixed");
    const SumHost *a = sum_host(r, SUMH), *b = sum_host(r, SUMH2);
    assert_non_null(a);
    assert_non_null(b);
    assert_string_equal(a->profile->name, "classic");
    assert_string_equal(b->profile->name, "7");
    assert_ptr_equal(sum_result_profile_for(r, &(SumAddr){0}), r->profile);
    SumAddr t3 = A(T3);
    assert_string_equal(sum_result_profile_for(r, &t3)->name, "7");
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60001));
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_CALLBACK, 61001));
    assert_non_null(alloc(r, T1, SUM_FAMILY_CONTROL, 62286));
    assert_non_null(alloc(r, SUMH2, SUM_FAMILY_WEB, 63001));
    assert_non_null(alloc(r, SUMH2, SUM_FAMILY_WEB, 63002));
    assert_int_equal(r->allocations->len, 7);
    /* Hosts in order of first appearance, sessions one per pair. */
    assert_int_equal(r->hosts->len, 5);
    for (guint i = 0; i < r->hosts->len; i++)
        assert_int_equal(((const SumHost *)g_ptr_array_index(r->hosts, i))->id, i + 1);
    guint seen[8] = {0};
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        assert_true(ch->session >= 1 && ch->session <= 3);
        seen[ch->session]++;
        if (i > 0)
            assert_true(((const SumChannel *)g_ptr_array_index(r->channels, i - 1))
                            ->conn.first_frame <= ch->conn.first_frame);
        /* No channel of a host in the other plan's words. */
        if (sum_addr_equal(&ch->sum_host, &b->addr))
            assert_true(ch->family == SUM_FAMILY_WEB || ch->family == SUM_FAMILY_BOOTSTRAP);
        else
            assert_true(ch->family != SUM_FAMILY_WEB);
    }
    assert_true(seen[1] > 0 && seen[2] > 0 && seen[3] > 0);
    assert_non_null(strstr(r->profile_reason, "more than one generation"));
    gchar *line = sum_words_host_plan(b);
    assert_true(g_str_has_prefix(line, SUMH2 ": port plan 7, high confidence: "));
    g_free(line);
}

/* A target of two SUM hosts read with two plans, whose 445 both find
 * dropped: one finding, both attempts behind it. */
static void
test_generation_mixed_findings_merge(void **state)
{
    Ctx *c = *state;
    classic_deployment(c, SUMH, T1, 60000);
    add(c, SUMH, 41000, T1, 445, SUM_CONN_S0, SUM_PAYLOAD_NONE, SUM_PAYLOAD_NONE);
    web_deployment(c, SUMH2, T1, 63001, 63002);
    web_deployment(c, SUMH2, T2, 63001, 63002);
    add(c, SUMH2, 41002, T1, 445, SUM_CONN_S0, SUM_PAYLOAD_NONE, SUM_PAYLOAD_NONE);
    const SumResult *r = finish(c);
    assert_true(r->mixed);
    SumAddr t1 = A(T1);
    const SumFinding *only = NULL;
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->code == SUM_FINDING_PORT_BLOCKED && f->port == 445 &&
            sum_addr_equal(&f->host, &t1)) {
            assert_null(only);
            only = f;
        }
    }
    assert_non_null(only);
    assert_int_equal(only->count, 2);
    guint pointing = 0;
    for (guint i = 0; i < r->channels->len; i++)
        pointing += ((const SumChannel *)g_ptr_array_index(r->channels, i))->finding == only;
    assert_int_equal(pointing, 2);
}

/* Signs that disagree are said, and the best-supported plan is used. */
static void
test_generation_disagreement_is_named(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63001, 63002);
    web_deployment(c, SUMH, T2, 63001, 63002);
    tls(c, SUMH, 60000, T3, 62286);
    SumGenVerdict v;
    SumAddr h = A(SUMH);
    sum_generation_host(c->ev, &h, &v);
    assert_int_equal(v.generation, SUM_GENERATION_7);
    assert_int_equal(v.other, SUM_GENERATION_CLASSIC);
    assert_int_equal(v.score[SUM_GENERATION_CLASSIC], 3);
    gchar *why = sum_words_generation(&v);
    assert_non_null(strstr(why, "also fit the classic SUM (4.x-6.x), less well"));
    g_free(why);
    const SumResult *r = finish(c);
    const SumHost *s = sum_host(r, SUMH);
    assert_string_equal(s->profile->name, "7");
    assert_int_equal(s->plan_other, SUM_GENERATION_CLASSIC);
    assert_non_null(strstr(s->plan_reason, "less well"));
}

/* The plan the evidence prefers does not read the host as SUM's: the plan
 * that does is used, so the deployment does not vanish. */
static void
test_generation_wrong_guess_keeps_the_deployment(void **state)
{
    Ctx *c = *state;
    tls(c, SUMH, 60000, T1, 62286);
    /* Four peers fetching from 63001 and nothing else: 7.x's score (4)
     * beats the one TLS message (3), but no 7.x pair is more than a port
     * match. */
    fetch(c, "10.0.0.31", 41000, SUMH, 63001);
    fetch(c, "10.0.0.32", 41000, SUMH, 63001);
    fetch(c, "10.0.0.33", 41000, SUMH, 63001);
    fetch(c, "10.0.0.34", 41000, SUMH, 63001);
    SumGenVerdict v;
    SumAddr h = A(SUMH);
    sum_generation_host(c->ev, &h, &v);
    assert_int_equal(v.generation, SUM_GENERATION_7);
    const SumResult *r = finish(c);
    const SumHost *s = sum_host(r, SUMH);
    assert_non_null(s);
    assert_string_equal(s->profile->name, "classic");
    assert_int_equal(s->plan_confidence, SUM_CONFIDENCE_LOW);
    assert_int_equal(s->plan_other, SUM_GENERATION_7);
    assert_non_null(strstr(s->plan_reason, "only the classic plan"));
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_MESSAGE, 60000));
}

/* --profile forces one plan for every host, and says when the capture's
 * signs point elsewhere. */
static void
test_generation_forced_profile(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    c->r = sum_recon_new(sum_plan_profile(SUM_GENERATION_7));
    web_deployment(c, SUMH, T1, 63001, 63002);
    const SumResult *r = finish(c);
    assert_string_equal(r->profile->name, "7");
    assert_true(g_str_has_prefix(r->profile_reason, "chosen: "));
    const SumHost *s = sum_host(r, SUMH);
    assert_non_null(s);
    assert_string_equal(s->profile->name, "7");
    assert_int_equal(s->plan_confidence, SUM_CONFIDENCE_HIGH);
    assert_non_null(alloc(r, SUMH, SUM_FAMILY_WEB, 63002));
}

static void
test_generation_forced_classic_on_7x_finds_nothing(void **state)
{
    Ctx *c = *state;
    sum_recon_free(c->r);
    c->r = sum_recon_new(sum_plan_profile_default());
    web_deployment(c, SUMH, T1, 63001, 63002);
    const SumResult *r = finish(c);
    assert_null(sum_result_generation_name(r));
    assert_false(has_family(r, SUM_FAMILY_WEB));
    assert_null(alloc(r, SUMH, SUM_FAMILY_WEB, 63001));
}

/* The web server of a 7.x host whose target's post is dropped: a web
 * allocation all the same, and the finding on the SUM host's port. */
static void
test_generation_web_blocked(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63001, 63002);
    ssh(c, SUMH, 41001, T2);
    fetch(c, T2, 41000, SUMH, 63001);
    add(c, T2, 41001, SUMH, 63002, SUM_CONN_S0, SUM_PAYLOAD_NONE, SUM_PAYLOAD_NONE);
    const SumResult *r = finish(c);
    const SumAllocation *w = alloc(r, SUMH, SUM_FAMILY_WEB, 63002);
    assert_non_null(w);
    assert_int_equal(w->n_connections, 2);
    gboolean blocked = FALSE;
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        SumAddr h = A(SUMH);
        blocked |= f->code == SUM_FINDING_PORT_BLOCKED && f->port == 63002 &&
                   sum_addr_equal(&f->host, &h) && f->family == SUM_FAMILY_WEB;
    }
    assert_true(blocked);
}

/* 7.3+: a known SUM host's answered reach of a target that never connects
 * back still makes it a target; HTTPS alone does not. */
static void
test_generation_target_that_never_connects_back(void **state)
{
    Ctx *c = *state;
    web_deployment(c, SUMH, T1, 63001, 63002);
    add(c, SUMH, 41005, T2, 445, SUM_CONN_SF, SUM_PAYLOAD_SMB, SUM_PAYLOAD_SMB);
    add(c, SUMH, 41006, "10.0.0.99", 443, SUM_CONN_SF, SUM_PAYLOAD_TLS, SUM_PAYLOAD_TLS);
    const SumResult *r = finish(c);
    SumAddr t2 = A(T2), web = A("10.0.0.99");
    const SumHost *h = sum_result_host(r, &t2);
    assert_non_null(h);
    assert_int_equal(h->role, SUM_ROLE_TARGET);
    assert_null(sum_result_host(r, &web));
}

int
main(void)
{
#define T(name) cmocka_unit_test_setup_teardown(name, setup, teardown)
    const struct CMUnitTest tests[] = {
        T(test_generation_no_sign_is_classic_by_default),
        T(test_generation_classic_with_firmware_on_63001_stays_classic),
        T(test_generation_fetch_and_post_after_reach_is_7),
        T(test_generation_moved_web_ports_are_configured),
        T(test_generation_loopback_63002_is_8),
        T(test_generation_wmi_is_8),
        T(test_generation_mixed_capture_two_hosts_two_plans),
        T(test_generation_mixed_findings_merge),
        T(test_generation_disagreement_is_named),
        T(test_generation_wrong_guess_keeps_the_deployment),
        T(test_generation_forced_profile),
        T(test_generation_forced_classic_on_7x_finds_nothing),
        T(test_generation_web_blocked),
        T(test_generation_target_that_never_connects_back),
    };
    return cmocka_run_group_tests_name("generation", tests, NULL, NULL);
}
