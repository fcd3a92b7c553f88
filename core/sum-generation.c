/* sum-generation.c: the port plan each SUM host shows (sum-generation.h). */
#include "sum-generation.h"

#include <string.h>

/* What one (host, peer) showed; HOST is the side that would be the SUM host. */
enum {
    SEEN_MSG_TLS = 1u << 0,  /* message -> control over TLS, HOST holding the message port */
    SEEN_MSG = 1u << 1,      /* message -> control, no TLS */
    SEEN_CALLBACK = 1u << 2, /* PEER called back to HOST's callback port over TLS */
    SEEN_REACH = 1u << 3,    /* HOST reached PEER on one of its services, answered */
    SEEN_FETCH = 1u << 4,    /* PEER fetched over HTTP from HOST's web server */
    SEEN_POST = 1u << 5,     /* PEER posted over TLS to it */
    SEEN_RPC = 1u << 6,      /* HOST reached PEER's DCOM port (135), answered */
    SEEN_WMI = 1u << 7,      /* then a dynamic endpoint of PEER, answered */
};

typedef struct {
    SumAddr host;
    SumAddr peer;
} PairKey;

typedef struct {
    guint msg_tls, msg_other, callbacks, fetch_post, fetch_only, post_only, reached, wmi;
} Counts;

typedef struct {
    PairKey key;
    guint flags;
} Seen;

typedef struct {
    SumAddr host;
    Counts counts;
} HostCounts;

struct _SumGenEvidence {
    const SumProfile *plans[SUM_GENERATION_COUNT];
    GHashTable *seen;          /* PairKey* -> Seen* (key inside) */
    GHashTable *hosts;         /* SumAddr* -> HostCounts* (key inside) */
    gboolean loopback;
};

static guint
pair_hash(gconstpointer p)
{
    const PairKey *k = p;
    return sum_addr_hash(&k->host) * 31u + sum_addr_hash(&k->peer);
}

static gboolean
pair_equal(gconstpointer a, gconstpointer b)
{
    const PairKey *x = a, *y = b;
    return sum_addr_equal(&x->host, &y->host) && sum_addr_equal(&x->peer, &y->peer);
}

static guint
addr_hash(gconstpointer p)
{
    return sum_addr_hash(p);
}

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
    return sum_addr_equal(a, b);
}

SumGenEvidence *
sum_generation_new(const SumProfile *const plans[SUM_GENERATION_COUNT])
{
    SumGenEvidence *ev = g_new0(SumGenEvidence, 1);
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        ev->plans[g] = plans != NULL && plans[g] != NULL ? plans[g]
                                                        : sum_plan_profile((SumGeneration)g);
    }
    ev->seen = g_hash_table_new_full(pair_hash, pair_equal, NULL, g_free);
    ev->hosts = g_hash_table_new_full(addr_hash, addr_equal, NULL, g_free);
    return ev;
}

void
sum_generation_free(SumGenEvidence *ev)
{
    if (ev == NULL)
        return;
    g_hash_table_destroy(ev->seen);
    g_hash_table_destroy(ev->hosts);
    g_free(ev);
}

/* --- observing ---------------------------------------------------------- */

/* What one (host, peer) record adds to its host's counts. */
static Counts
contribution(guint f)
{
    Counts c;
    memset(&c, 0, sizeof c);
    gboolean fetch = (f & SEEN_FETCH) != 0, post = (f & SEEN_POST) != 0;
    c.msg_tls = (f & SEEN_MSG_TLS) != 0;
    c.msg_other = (f & SEEN_MSG) != 0 && !c.msg_tls;
    c.callbacks = (f & SEEN_CALLBACK) != 0;
    c.fetch_post = fetch && post;
    c.fetch_only = fetch && !post;
    c.post_only = post && !fetch;
    c.reached = (f & SEEN_REACH) != 0 && (fetch || post);
    c.wmi = (f & SEEN_WMI) != 0;
    return c;
}

static void
counts_add(Counts *to, const Counts *c, int sign)
{
    guint *t = (guint *)to;
    const guint *v = (const guint *)c;
    for (gsize i = 0; i < sizeof(Counts) / sizeof(guint); i++)
        t[i] = sign > 0 ? t[i] + v[i] : t[i] - v[i];
}

static gboolean
counts_zero(const Counts *c)
{
    static const Counts zero;
    return memcmp(c, &zero, sizeof zero) == 0;
}

static guint
seen_flags(const SumGenEvidence *ev, const SumAddr *host, const SumAddr *peer)
{
    PairKey k = {*host, *peer};
    const Seen *s = g_hash_table_lookup(ev->seen, &k);
    return s != NULL ? s->flags : 0;
}

static void
mark(SumGenEvidence *ev, const SumAddr *host, const SumAddr *peer, guint flags)
{
    PairKey k = {*host, *peer};
    Seen *s = g_hash_table_lookup(ev->seen, &k);
    if (s == NULL) {
        s = g_new0(Seen, 1);
        s->key = k;
        g_hash_table_insert(ev->seen, &s->key, s);
    }
    guint before = s->flags;
    s->flags |= flags;
    if (s->flags == before)
        return;
    Counts was = contribution(before), now = contribution(s->flags);
    if (memcmp(&was, &now, sizeof was) == 0)
        return;
    HostCounts *h = g_hash_table_lookup(ev->hosts, host);
    if (h == NULL) {
        h = g_new0(HostCounts, 1);
        h->host = *host;
        g_hash_table_insert(ev->hosts, &h->host, h);
    }
    counts_add(&h->counts, &was, -1);
    counts_add(&h->counts, &now, +1);
}

/* A target's own service of the later plans (445, 22, 443, 5989 ...). */
static gboolean
is_service(const SumProfile *p, SumTransport t, guint16 port)
{
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *r = &p->rules[i];
        if (r->family == SUM_FAMILY_BOOTSTRAP && r->transport == t && r->base == port)
            return TRUE;
    }
    return FALSE;
}

static gboolean
any_plan_port(const SumGenEvidence *ev, SumTransport t, guint16 port)
{
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (sum_plan_is_sum_port(ev->plans[g], t, port))
            return TRUE;
    }
    return FALSE;
}

static void
observe_classic(SumGenEvidence *ev, const SumConn *c)
{
    const SumProfile *p = ev->plans[SUM_GENERATION_CLASSIC];
    guint tls = sum_conn_is_tls(c) ? SEEN_MSG_TLS : SEEN_MSG;
    if (sum_plan_in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, NULL) &&
        sum_plan_in_family(p, SUM_FAMILY_CONTROL, c->resp_port, NULL))
        mark(ev, &c->orig, &c->resp, tls);
    else if (sum_plan_in_family(p, SUM_FAMILY_MESSAGE, c->resp_port, NULL) &&
             sum_plan_in_family(p, SUM_FAMILY_CONTROL, c->orig_port, NULL))
        mark(ev, &c->resp, &c->orig, tls);
    else if (sum_plan_in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, NULL) &&
             c->resp_port != p->ipc_port && sum_conn_is_tls(c))
        mark(ev, &c->resp, &c->orig, SEEN_CALLBACK);
}

static void
observe_web(SumGenEvidence *ev, const SumConn *c)
{
    const SumProfile *p7 = ev->plans[SUM_GENERATION_7];
    const SumProfile *p8 = ev->plans[SUM_GENERATION_8];
    gboolean answered = sum_conn_answered(c);
    if (c->transport == SUM_TRANSPORT_TCP && sum_plan_in_family(p7, SUM_FAMILY_WEB, c->resp_port,
                                                                 NULL)) {
        guint f = 0;
        if (c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST ||
            c->resp_payload == SUM_PAYLOAD_HTTP_RESPONSE)
            f |= SEEN_FETCH;
        if (sum_conn_is_tls(c))
            f |= SEEN_POST;
        if (f != 0)
            mark(ev, &c->resp, &c->orig, f);
        return;
    }
    if (!answered)
        return;
    if (is_service(p7, c->transport, c->resp_port))
        mark(ev, &c->orig, &c->resp,
             SEEN_REACH | (c->transport == SUM_TRANSPORT_TCP && p8->dcom_port != 0 &&
                                   c->resp_port == p8->dcom_port
                               ? SEEN_RPC
                               : 0));
    else if (c->transport == SUM_TRANSPORT_TCP && c->resp_port >= 1024 &&
             (seen_flags(ev, &c->orig, &c->resp) & SEEN_RPC) &&
             !any_plan_port(ev, SUM_TRANSPORT_TCP, c->resp_port))
        mark(ev, &c->orig, &c->resp, SEEN_WMI);
}

void
sum_generation_observe(SumGenEvidence *ev, const SumConn *c)
{
    g_return_if_fail(ev != NULL && c != NULL);
    const SumProfile *p8 = ev->plans[SUM_GENERATION_8];
    if (sum_addr_is_loopback(&c->resp) || sum_addr_is_loopback(&c->orig)) {
        /* SUM 8.x's own processes, clients of their web server. */
        if (c->transport == SUM_TRANSPORT_TCP && p8->ipc_port != 0 &&
            c->resp_port == p8->ipc_port && sum_conn_is_tls(c))
            ev->loopback = TRUE;
        return;
    }
    if (sum_addr_equal(&c->orig, &c->resp))
        return;
    if (c->transport == SUM_TRANSPORT_TCP)
        observe_classic(ev, c);
    observe_web(ev, c);
}

/* --- deciding ----------------------------------------------------------- */

static void
verdict_from(const Counts *c, gboolean loopback, SumGenVerdict *out)
{
    memset(out, 0, sizeof *out);
    out->msg_tls = c->msg_tls;
    out->msg_other = c->msg_other;
    out->callbacks = c->callbacks;
    out->fetch_post = c->fetch_post;
    out->fetch_only = c->fetch_only;
    out->post_only = c->post_only;
    out->reached = c->reached;
    out->wmi = c->wmi;
    out->loopback = loopback;
    sum_generation_decide(out);
}

void
sum_generation_decide(SumGenVerdict *v)
{
    guint classic = 3 * v->msg_tls + v->msg_other + 2 * v->callbacks;
    guint web = 4 * v->fetch_post + v->fetch_only + 2 * v->post_only + 2 * v->reached;
    gboolean eight = v->wmi > 0 || v->loopback;
    v->score[SUM_GENERATION_CLASSIC] = classic;
    v->score[SUM_GENERATION_7] = web;
    v->score[SUM_GENERATION_8] = eight ? web + 3 * v->wmi + (v->loopback ? 3 : 0) : 0;
    guint s7 = v->score[SUM_GENERATION_7], s8 = v->score[SUM_GENERATION_8];
    v->other = SUM_GENERATION_COUNT;
    if (classic == 0 && s7 == 0 && s8 == 0) {
        v->generation = SUM_GENERATION_CLASSIC;
        v->confidence = SUM_CONFIDENCE_NONE;
        return;
    }
    /* A tie goes to the classic plan, the guide's and the complete one. */
    if (classic >= MAX(s7, s8)) {
        v->generation = SUM_GENERATION_CLASSIC;
        if (s8 > 0 || s7 > 0)
            v->other = s8 > 0 ? SUM_GENERATION_8 : SUM_GENERATION_7;
    } else {
        v->generation = s8 > s7 ? SUM_GENERATION_8 : SUM_GENERATION_7;
        if (classic > 0)
            v->other = SUM_GENERATION_CLASSIC;
    }
    guint w = v->score[v->generation];
    guint o = v->other != SUM_GENERATION_COUNT ? v->score[v->other] : 0;
    gboolean strong7 = v->fetch_post > 0 || (v->post_only > 0 && v->reached > 0);
    gboolean strong;
    switch (v->generation) {
    case SUM_GENERATION_CLASSIC:
        strong = v->msg_tls > 0;
        break;
    case SUM_GENERATION_7:
        strong = strong7;
        break;
    default:
        strong = v->wmi > 0 || (v->loopback && strong7);
        break;
    }
    if (strong && 2 * o < w)
        v->confidence = SUM_CONFIDENCE_HIGH;
    else if (w > o && (strong || w >= 3))
        v->confidence = SUM_CONFIDENCE_MEDIUM;
    else
        v->confidence = SUM_CONFIDENCE_LOW;
}

void
sum_generation_host(const SumGenEvidence *ev, const SumAddr *host, SumGenVerdict *out)
{
    g_return_if_fail(ev != NULL && host != NULL && out != NULL);
    static const Counts zero;
    const HostCounts *h = g_hash_table_lookup(ev->hosts, host);
    const Counts *c = h != NULL ? &h->counts : &zero;
    /* Loopback shows no address: it is the SUM host's whose web server
     * other signs show. */
    gboolean web = c->fetch_post || c->fetch_only || c->post_only || c->wmi;
    verdict_from(c, ev->loopback && web, out);
}

void
sum_generation_capture(const SumGenEvidence *ev, SumGenVerdict *out)
{
    g_return_if_fail(ev != NULL && out != NULL);
    Counts all;
    memset(&all, 0, sizeof all);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, ev->hosts);
    while (g_hash_table_iter_next(&it, NULL, &v))
        counts_add(&all, &((const HostCounts *)v)->counts, +1);
    all.wmi = 0;
    verdict_from(&all, ev->loopback, out);
}

gboolean
sum_generation_seen(const SumGenEvidence *ev, SumGeneration g)
{
    g_return_val_if_fail(ev != NULL && g < SUM_GENERATION_COUNT, FALSE);
    GHashTableIter it;
    gpointer v;
    g_hash_table_iter_init(&it, ev->hosts);
    while (g_hash_table_iter_next(&it, NULL, &v)) {
        const HostCounts *h = v;
        if (counts_zero(&h->counts))
            continue;
        SumGenVerdict x;
        sum_generation_host(ev, &h->host, &x);
        if (x.score[g] > 0)
            return TRUE;
    }
    return FALSE;
}
