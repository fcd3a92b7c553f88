/* sum-recon.c: the reconstruction's intake and the order of its stages
 * (sum-recon.h). Each stage's rules live in its own file; this one only
 * keeps what is offered within the memory bounds and runs the stages. */
#include "sum-recon.h"
#include "sum-classify.h"
#include "sum-evidence.h"
#include "sum-findings.h"
#include "sum-generation.h"
#include "sum-ledger.h"
#include "sum-merge.h"
#include "sum-mem.h"
#include "sum-pairs.h"
#include "sum-portmap.h"
#include "sum-rootcause.h"
#include "sum-verdict.h"
#include "sum-words.h"

#include <stdlib.h>
#include <string.h>

#define SUM_RECON_DEFAULT_MAX_CONNS 200000u /* ~40 MiB of SumConn */
/* Connections on ports that count only between known SUM hosts and targets
 * (80, 443, SMB, SSH: everyday traffic) get a budget of their own, so a busy
 * network's HTTPS cannot fill the memory the SUM story needs. */
#define SUM_RECON_MAX_STRICT_CONNS 50000u

/* The connection records live in blocks that never move (a growing array
 * would copy and fault in its whole self again at every doubling). */
#define CONNS_PER_CHUNK (SUM_MEM_BLOCK_BYTES / sizeof(SumConn))

/* Connections to a plan's DCOM port (135) and then to a dynamic port between
 * the same two hosts (8.x WMI's endpoint) are kept up to this many: that
 * port is on no plan, so any Windows client's RPC would come in too. */
#define SUM_RECON_MAX_DYNAMIC 4096u

struct _SumRecon {
    const SumProfile *profile; /* NULL: auto */
    const SumProfile *plans[SUM_GENERATION_COUNT]; /* auto: each generation's plan */
    GPtrArray *chunks;         /* SumConn[CONNS_PER_CHUNK] blocks (sum-mem.h): the candidates */
    guint n_conns;
    GArray *hints;             /* SumAddr */
    guint max_conns;
    guint strict_kept;
    guint dynamic_kept;
    guint64 seen;
    guint64 dropped;
    SumPortMap *ports;         /* every plan in use */
    GArray *relevant;          /* guint8 per conn: bit g, relevant in plan g
                                * (bit 0 alone for a chosen profile) */
    GHashTable *rpc;           /* "orig>resp" -> 1: a connection to a DCOM port between them */
    gchar *filter;             /* the capture filter, NULL if none */
    gboolean filter_hides;     /* it can hide SUM connections of other hosts */
};

static SumConn *
conn_at(const SumRecon *r, guint i)
{
    SumConn *chunk = g_ptr_array_index(r->chunks, i / CONNS_PER_CHUNK);
    return &chunk[i % CONNS_PER_CHUNK];
}

/* --- intake ------------------------------------------------------------- */

/* The plan of generation bit G (a chosen profile: itself, G 0). */
static const SumProfile *
plan_of(const SumRecon *r, int g)
{
    return r->profile != NULL ? r->profile : r->plans[g];
}

static int
n_plans(const SumRecon *r)
{
    return r->profile != NULL ? 1 : SUM_GENERATION_COUNT;
}

static void
build_ports(SumRecon *r)
{
    sum_portmap_free(r->ports);
    r->ports = sum_portmap_new(plan_of(r, 0));
    for (int g = 1; g < n_plans(r); g++)
        sum_portmap_add(r->ports, plan_of(r, g));
}

SumRecon *
sum_recon_new(const SumProfile *profile)
{
    SumRecon *r = g_new0(SumRecon, 1);
    r->profile = profile;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++)
        r->plans[g] = sum_plan_profile((SumGeneration)g);
    r->chunks = g_ptr_array_new();
    r->hints = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    r->relevant = g_array_new(FALSE, FALSE, sizeof(guint8));
    r->max_conns = SUM_RECON_DEFAULT_MAX_CONNS;
    r->rpc = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    build_ports(r);
    return r;
}

void
sum_recon_set_plan(SumRecon *recon, const SumProfile *plan)
{
    g_return_if_fail(recon != NULL && plan != NULL && plan->generation < SUM_GENERATION_COUNT);
    g_return_if_fail(recon->n_conns == 0);
    if (recon->profile != NULL)
        return;
    recon->plans[plan->generation] = plan;
    build_ports(recon);
}

void
sum_recon_free(SumRecon *recon)
{
    if (recon == NULL)
        return;
    for (guint i = 0; i < recon->chunks->len; i++)
        sum_mem_block_free(g_ptr_array_index(recon->chunks, i), SUM_MEM_BLOCK_BYTES);
    g_ptr_array_free(recon->chunks, TRUE);
    g_array_free(recon->relevant, TRUE);
    g_array_free(recon->hints, TRUE);
    g_hash_table_destroy(recon->rpc);
    sum_portmap_free(recon->ports);
    g_free(recon->filter);
    g_free(recon);
}

void
sum_recon_hint_sum_host(SumRecon *recon, const SumAddr *addr)
{
    g_return_if_fail(recon != NULL && addr != NULL);
    g_array_append_val(recon->hints, *addr);
}

void
sum_recon_set_capture_filter(SumRecon *recon, const char *filter, gboolean hides_peers)
{
    g_return_if_fail(recon != NULL);
    g_free(recon->filter);
    recon->filter = filter != NULL && *filter ? g_strdup(filter) : NULL;
    recon->filter_hides = hides_peers;
}

void
sum_recon_set_max_conns(SumRecon *recon, guint max)
{
    g_return_if_fail(recon != NULL);
    recon->max_conns = MAX(max, 16u);
}

/* A connection worth keeping when memory is short: it carried SUM's own
 * protocols, so it is the story rather than a scan. */
static gboolean
conn_is_strong(const SumConn *c)
{
    return c->resp_payload == SUM_PAYLOAD_TLS || c->resp_payload == SUM_PAYLOAD_HTTP_RESPONSE ||
           c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST;
}

/* Whether the memory bounds let CONN in. */
static gboolean
intake_admits(SumRecon *r, const SumConn *conn)
{
    if (sum_portmap_conn_strict_only(r->ports, conn->transport, conn->orig_port,
                                     conn->resp_port)) {
        if (r->strict_kept >= MIN(SUM_RECON_MAX_STRICT_CONNS, r->max_conns))
            return FALSE;
        r->strict_kept++;
    }
    /* Past the cap only strong connections are kept, up to twice the cap:
     * a SYN flood towards SUM ports must not push the real story out. */
    return !(r->n_conns >= r->max_conns &&
             (r->n_conns >= 2u * r->max_conns || !conn_is_strong(conn)));
}

static gchar *
rpc_key(const SumConn *c)
{
    char a[SUM_ADDR_STRLEN], b[SUM_ADDR_STRLEN];
    return g_strdup_printf("%s>%s", sum_addr_to_string(&c->orig, a, sizeof a),
                           sum_addr_to_string(&c->resp, b, sizeof b));
}

/* The bits of the plans that follow a DCOM activation to its endpoint. */
static guint8
dcom_bits(const SumRecon *r, guint16 port, gboolean to_dcom)
{
    guint8 bits = 0;
    for (int g = 0; g < n_plans(r); g++) {
        guint16 d = plan_of(r, g)->dcom_port;
        if (d != 0 && (!to_dcom || d == port))
            bits |= (guint8)(1u << g);
    }
    return bits;
}

/* CONN, on no port of any plan, may be the endpoint a DCOM activation
 * between the same two hosts handed out (8.x WMI). */
static gboolean
dynamic_endpoint(const SumRecon *r, const SumConn *c)
{
    if (c->transport != SUM_TRANSPORT_TCP || c->resp_port < 1024 ||
        g_hash_table_size(r->rpc) == 0 || r->dynamic_kept >= SUM_RECON_MAX_DYNAMIC ||
        dcom_bits(r, 0, FALSE) == 0)
        return FALSE;
    gchar *k = rpc_key(c);
    gboolean yes = g_hash_table_contains(r->rpc, k);
    g_free(k);
    return yes;
}

void
sum_recon_add(SumRecon *recon, const SumConn *conn)
{
    g_return_if_fail(recon != NULL && conn != NULL);
    recon->seen++;
    gboolean dynamic = FALSE;
    if (!sum_portmap_conn_relevant(recon->ports, conn->transport, conn->orig_port,
                                   conn->resp_port)) {
        if (!dynamic_endpoint(recon, conn))
            return;
        dynamic = TRUE;
    }
    if (!intake_admits(recon, conn)) {
        recon->dropped++;
        return;
    }
    if (dynamic)
        recon->dynamic_kept++;
    if (recon->n_conns % CONNS_PER_CHUNK == 0)
        g_ptr_array_add(recon->chunks, sum_mem_block_new(SUM_MEM_BLOCK_BYTES));
    *conn_at(recon, recon->n_conns++) = *conn;
    /* What finish() needs of every connection is worked out here, as they
     * come (on the analyzer's flow thread), rather than in one more pass
     * over all of them at the end. */
    guint8 mask = dynamic ? dcom_bits(recon, 0, FALSE) : 0;
    for (int g = 0; g < n_plans(recon); g++) {
        if (sum_plan_conn_relevant(plan_of(recon, g), conn->transport, conn->orig_port,
                                   conn->resp_port))
            mask |= (guint8)(1u << g);
    }
    g_array_append_val(recon->relevant, mask);
    if (conn->transport == SUM_TRANSPORT_TCP && dcom_bits(recon, conn->resp_port, TRUE) != 0 &&
        g_hash_table_size(recon->rpc) < SUM_RECON_MAX_DYNAMIC) {
        gchar *k = rpc_key(conn);
        if (!g_hash_table_contains(recon->rpc, k))
            g_hash_table_add(recon->rpc, k);
        else
            g_free(k);
    }
}

/* --- finish ------------------------------------------------------------- */

typedef struct {
    SumFrame first_frame;
    guint index;
} ConnOrder;

static gint
conn_order_cmp(gconstpointer a, gconstpointer b)
{
    const ConnOrder *x = a, *y = b;
    if (x->first_frame != y->first_frame)
        return x->first_frame < y->first_frame ? -1 : 1;
    return x->index < y->index ? -1 : x->index > y->index;
}

/* Every kept record's index, in order of its first frame (they arrive in
 * the order they ended). Sorting small (frame, index) pairs and copying
 * each kept record once per plan is much cheaper than letting a sort move
 * whole SumConn records around. */
static ConnOrder *
conns_order(const SumRecon *recon, guint *n_out)
{
    ConnOrder *order = g_new(ConnOrder, MAX(recon->n_conns, 1u));
    guint n = 0;
    for (guint i = 0; i < recon->n_conns; i++) {
        if (g_array_index(recon->relevant, guint8, i) != 0) {
            order[n].first_frame = conn_at(recon, i)->first_frame;
            order[n++].index = i;
        }
    }
    qsort(order, n, sizeof *order, conn_order_cmp);
    *n_out = n;
    return order;
}

/* The records relevant to the plan of BIT, in capture order. */
static guint
addr_hash(gconstpointer k)
{
    return sum_addr_hash(k);
}

static gboolean
addr_equal(gconstpointer a, gconstpointer b)
{
    return sum_addr_equal(a, b);
}

static GArray *
conns_of(const SumRecon *recon, const ConnOrder *order, guint n, guint8 bit)
{
    /* A connection that counts only between SUM hosts and targets (80, 443,
     * SMB, SSH) needs one end that shows SUM elsewhere or was named with
     * --sum-host; the rest is everyday traffic, dropped before the stages
     * weigh it (a busy office has thousands). */
    GHashTable *sum_side = g_hash_table_new(addr_hash, addr_equal);
    for (guint i = 0; recon->hints != NULL && i < recon->hints->len; i++)
        g_hash_table_add(sum_side, &g_array_index(recon->hints, SumAddr, i));
    for (guint k = 0; k < n; k++) {
        SumConn *c = conn_at(recon, order[k].index);
        if ((g_array_index(recon->relevant, guint8, order[k].index) & bit) &&
            !sum_portmap_conn_strict_only(recon->ports, c->transport, c->orig_port,
                                          c->resp_port)) {
            g_hash_table_add(sum_side, &c->orig);
            g_hash_table_add(sum_side, &c->resp);
        }
    }
    GArray *out = g_array_sized_new(FALSE, FALSE, sizeof(SumConn), n);
    for (guint k = 0; k < n; k++) {
        const SumConn *c = conn_at(recon, order[k].index);
        if (!(g_array_index(recon->relevant, guint8, order[k].index) & bit))
            continue;
        if (sum_portmap_conn_strict_only(recon->ports, c->transport, c->orig_port,
                                         c->resp_port) &&
            !g_hash_table_contains(sum_side, &c->orig) &&
            !g_hash_table_contains(sum_side, &c->resp))
            continue;
        g_array_append_val(out, *c);
    }
    g_hash_table_destroy(sum_side);
    return out;
}

/* Stage 1: the pair graph over every kept connection. */
static SumPairs *
stage_pairs(const SumProfile *p, const GArray *hints, const GArray *conns)
{
    SumPairs *pairs = sum_pairs_new(p, hints, SUM_PAIRS_BATCH);
    for (guint i = 0; i < conns->len; i++) {
        const SumConn *c = &g_array_index(conns, SumConn, i);
        sum_pairs_observe_primary(pairs, c);
        sum_pairs_observe_web(pairs, c);
    }
    sum_pairs_settle_primary(pairs);
    for (guint i = 0; i < conns->len; i++)
        sum_pairs_observe_secondary(pairs, &g_array_index(conns, SumConn, i));
    sum_pairs_settle(pairs);
    return pairs;
}

static gchar *
pair_key(const SumAddr *a, const SumAddr *b)
{
    char x[SUM_ADDR_STRLEN], y[SUM_ADDR_STRLEN];
    return g_strdup_printf("%s>%s", sum_addr_to_string(a, x, sizeof x),
                           sum_addr_to_string(b, y, sizeof y));
}

/* 8.x WMI: a SUM host's answered connection to a dynamic port of its
 * target, after its DCOM activation through the plan's dcom_port there, is
 * the endpoint the target handed out: one of the target's own services
 * (bootstrap), no allocation (docs/generations.md, "Words"). */
static gboolean
classify_dcom_endpoint(const SumProfile *p, const SumPairs *pairs, GHashTable *activated,
                       const SumConn *c, SumClass *out)
{
    if (p->dcom_port == 0 || c->transport != SUM_TRANSPORT_TCP || c->resp_port < 1024 ||
        !sum_conn_answered(c) || sum_plan_is_sum_port(p, SUM_TRANSPORT_TCP, c->resp_port))
        return FALSE;
    const SumPair *pair = sum_pairs_find(pairs, &c->orig, &c->resp);
    if (pair == NULL || pair->confidence < SUM_CONFIDENCE_MEDIUM)
        return FALSE;
    gchar *k = pair_key(&c->orig, &c->resp);
    gboolean yes = g_hash_table_contains(activated, k);
    g_free(k);
    if (!yes)
        return FALSE;
    memset(out, 0, sizeof *out);
    out->family = SUM_FAMILY_BOOTSTRAP;
    out->holder = c->resp;
    out->port = c->resp_port;
    out->sum_host = pair->sum_host;
    out->target = pair->target;
    out->confidence = pair->confidence;
    out->session = pair->session;
    return TRUE;
}

/* Stage 2: the channels; IS_CHANNEL[i] says which connections became one. */
static void
stage_channels(const SumProfile *p, const SumPairs *pairs, const GArray *conns,
               GPtrArray *channels, gboolean *is_channel)
{
    GHashTable *activated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint i = 0; i < conns->len; i++) {
        const SumConn *c = &g_array_index(conns, SumConn, i);
        SumClass cls;
        is_channel[i] = sum_classify(p, pairs, c, &cls) && !cls.candidate;
        if (!is_channel[i])
            is_channel[i] = classify_dcom_endpoint(p, pairs, activated, c, &cls);
        if (!is_channel[i])
            continue;
        g_ptr_array_add(channels, sum_classify_channel(c, &cls));
        if (p->dcom_port != 0 && cls.family == SUM_FAMILY_BOOTSTRAP &&
            c->transport == SUM_TRANSPORT_TCP && c->resp_port == p->dcom_port &&
            sum_conn_answered(c))
            g_hash_table_add(activated, pair_key(&c->orig, &c->resp));
    }
    g_hash_table_destroy(activated);
}

static void
replace_array(GPtrArray **slot, GPtrArray *with)
{
    g_ptr_array_unref(*slot);
    *slot = with;
}


static void
run_plan(const SumRecon *recon, const SumProfile *p, GArray *conns, PlanRun *run)
{
    SumResult *r = sum_result_new();
    r->profile = p;
    r->conns_kept = conns->len;
    SumPairs *pairs = stage_pairs(p, recon->hints, conns);
    replace_array(&r->hosts, sum_pairs_hosts(pairs));
    gboolean *is_channel = g_new0(gboolean, MAX(conns->len, 1u));
    stage_channels(p, pairs, conns, r->channels, is_channel);
    sum_evidence_mark_search_steps(r->channels);
    SumEvidenceIndex *ev = sum_evidence_new((const SumConn *)(gpointer)conns->data, conns->len,
                                            is_channel, r->channels);
    r->capture_filter = g_strdup(recon->filter);
    r->partial_view = sum_evidence_partial_view(ev, r->hosts, &r->view_host);
    sum_evidence_set_view_limited(ev, r->partial_view || recon->filter_hides);
    r->partial_view |= recon->filter_hides;
    replace_array(&r->allocations, sum_ledger_build(p, r->channels, ev));
    replace_array(&r->findings, sum_findings_build(p, r->allocations, r->channels, ev));
    for (guint i = 0; i < r->findings->len; i++)
        sum_words_finding(p, g_ptr_array_index(r->findings, i));
    sum_evidence_free(ev);
    g_free(is_channel);
    run->plan = p;
    run->result = r;
    run->pairs = pairs;
}

/* --- finish ---------------------------------------------------------------- */

SumResult *
sum_recon_finish(SumRecon *recon)
{
    g_return_val_if_fail(recon != NULL, NULL);
    guint n = 0;
    ConnOrder *order = conns_order(recon, &n);
    /* Stage 0: what every address shows of each plan. */
    const SumProfile *gplans[SUM_GENERATION_COUNT];
    for (int g = 0; g < SUM_GENERATION_COUNT; g++)
        gplans[g] = recon->profile != NULL && recon->profile->generation == (SumGeneration)g
                        ? recon->profile
                        : recon->plans[g];
    SumGenEvidence *gev = sum_generation_new(gplans);
    for (guint k = 0; k < n; k++)
        sum_generation_observe(gev, conn_at(recon, order[k].index));
    SumGenVerdict capture;
    sum_generation_capture(gev, &capture);

    /* Stages 1-5 under every plan with evidence (the classic one always:
     * the default, and --sum-host needs no sign), or the chosen one. */
    PlanRun runs[SUM_GENERATION_COUNT];
    memset(runs, 0, sizeof runs);
    int forced = -1;
    if (recon->profile != NULL) {
        forced = recon->profile->generation < SUM_GENERATION_COUNT ? recon->profile->generation
                                                                   : SUM_GENERATION_CLASSIC;
        GArray *conns = conns_of(recon, order, n, 1);
        run_plan(recon, recon->profile, conns, &runs[forced]);
        g_array_free(conns, TRUE);
    } else {
        for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
            if (g != SUM_GENERATION_CLASSIC && !sum_generation_seen(gev, (SumGeneration)g))
                continue;
            GArray *conns = conns_of(recon, order, n, (guint8)(1u << g));
            run_plan(recon, recon->plans[g], conns, &runs[g]);
            g_array_free(conns, TRUE);
        }
    }
    g_free(order);

    /* Each SUM host to the plan its evidence supports best; one story. */
    GArray *plans = sum_merge_assign_hosts(runs, gev, forced);
    guint per_run[SUM_GENERATION_COUNT] = {0};
    for (guint i = 0; i < plans->len; i++)
        per_run[g_array_index(plans, HostPlan, i).run]++;
    int base = forced >= 0 ? forced : SUM_GENERATION_CLASSIC, used = 0;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        used += per_run[g] > 0;
        if (per_run[g] > per_run[base])
            base = g;
    }
    SumResult *r;
    if (used > 1) {
        r = sum_merge_runs(runs, base, plans);
    } else {
        r = runs[base].result;
        /* No SUM host: the plan the capture's signs fit, if any. */
        if (plans->len == 0 && forced < 0)
            r->profile = recon->plans[capture.generation];
    }
    r->conns_seen = recon->seen;
    r->conns_dropped = recon->dropped;
    r->conns_kept = n;
    if (forced >= 0)
        r->conns_kept = runs[forced].result->conns_kept;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (runs[g].result != NULL && runs[g].result != r)
            sum_result_free(runs[g].result);
        sum_pairs_free(runs[g].pairs);
    }
    sum_merge_words(r, plans, runs, forced >= 0, &capture);
    g_array_free(plans, TRUE);
    sum_generation_free(gev);
    /* On the one story: what the view hid, the root causes, the verdict. */
    sum_words_view(r);
    replace_array(&r->root_causes, sum_rootcause_build(r));
    for (guint i = 0; i < r->root_causes->len; i++)
        sum_words_root_cause(g_ptr_array_index(r->root_causes, i));
    sum_result_sort_allocations(r);
    sum_verdict_decide(r, recon->profile);
    return r;
}

/* --- a run still going -------------------------------------------------- */

/* An open connection worth judging before it ends: one whose outcome so far
 * cannot change what it shows. A single SYN not yet answered could be
 * answered in a moment; a retried one shows that the first went unanswered. */
static gboolean
open_conn_telling(const SumConn *c)
{
    if (c->transport != SUM_TRANSPORT_TCP)
        return TRUE;
    if (c->state == SUM_CONN_S0 || c->state == SUM_CONN_SH)
        return c->syn_count > 1 || c->icmp_unreachable;
    return TRUE;
}

SumResult *
sum_recon_snapshot(SumRecon *recon, const SumConn *open, guint n_open)
{
    g_return_val_if_fail(recon != NULL, NULL);
    /* The intake as it stands, to put back once the open connections have
     * had their say (they are offered again when they end). */
    guint n_conns = recon->n_conns, n_chunks = recon->chunks->len;
    guint strict_kept = recon->strict_kept, dynamic_kept = recon->dynamic_kept;
    guint64 seen = recon->seen, dropped = recon->dropped;
    for (guint i = 0; i < n_open; i++) {
        if (open_conn_telling(&open[i]))
            sum_recon_add(recon, &open[i]);
    }
    SumResult *r = sum_recon_finish(recon);
    while (recon->chunks->len > n_chunks) {
        sum_mem_block_free(g_ptr_array_index(recon->chunks, recon->chunks->len - 1),
                           SUM_MEM_BLOCK_BYTES);
        g_ptr_array_set_size(recon->chunks, recon->chunks->len - 1);
    }
    g_array_set_size(recon->relevant, n_conns);
    recon->n_conns = n_conns;
    recon->strict_kept = strict_kept;
    recon->seen = seen;
    recon->dropped = dropped;
    recon->dynamic_kept = dynamic_kept;
    /* recon->rpc may keep an open connection's endpoint-mapper pair: it is
     * added again, to no effect, when the connection ends. */
    return r;
}
