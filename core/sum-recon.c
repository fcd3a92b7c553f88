/* sum-recon.c: the reconstruction's intake and the order of its stages
 * (sum-recon.h). Each stage's rules live in its own file; this one only
 * keeps what is offered within the memory bounds and runs the stages. */
#include "sum-recon.h"
#include "sum-classify.h"
#include "sum-evidence.h"
#include "sum-findings.h"
#include "sum-generation.h"
#include "sum-ledger.h"
#include "sum-mem.h"
#include "sum-pairs.h"
#include "sum-portmap.h"
#include "sum-rootcause.h"
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

struct _SumRecon {
    const SumProfile *profile; /* NULL: auto */
    GPtrArray *chunks;         /* SumConn[CONNS_PER_CHUNK] blocks (sum-mem.h): the candidates */
    guint n_conns;
    GArray *hints;             /* SumAddr */
    guint max_conns;
    guint strict_kept;
    guint64 seen;
    guint64 dropped;
    SumPortMap *ports;         /* every profile in use */
    GArray *relevant;          /* guint8 per conn: bit g, relevant in profile g
                                * (bit 0 alone for a chosen profile) */
    SumGenScore score;         /* --profile auto */
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

SumRecon *
sum_recon_new(const SumProfile *profile)
{
    SumRecon *r = g_new0(SumRecon, 1);
    r->profile = profile;
    r->chunks = g_ptr_array_new();
    r->hints = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    r->relevant = g_array_new(FALSE, FALSE, sizeof(guint8));
    r->max_conns = SUM_RECON_DEFAULT_MAX_CONNS;
    r->ports = sum_portmap_new(profile);
    return r;
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

void
sum_recon_add(SumRecon *recon, const SumConn *conn)
{
    g_return_if_fail(recon != NULL && conn != NULL);
    recon->seen++;
    if (!sum_portmap_conn_relevant(recon->ports, conn->transport, conn->orig_port,
                                   conn->resp_port))
        return;
    if (!intake_admits(recon, conn)) {
        recon->dropped++;
        return;
    }
    if (recon->n_conns % CONNS_PER_CHUNK == 0)
        g_ptr_array_add(recon->chunks, sum_mem_block_new(SUM_MEM_BLOCK_BYTES));
    *conn_at(recon, recon->n_conns++) = *conn;
    /* What finish() needs of every connection is worked out here, as they
     * come (on the analyzer's flow thread), rather than in one more pass
     * over all of them at the end. */
    guint8 mask = 0;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *p = recon->profile != NULL ? recon->profile
                                                     : sum_plan_profile((SumGeneration)g);
        if (sum_plan_conn_relevant(p, conn->transport, conn->orig_port, conn->resp_port))
            mask |= (guint8)(1u << g);
        if (recon->profile != NULL)
            break;
    }
    g_array_append_val(recon->relevant, mask);
    if (recon->profile == NULL)
        sum_generation_observe(&recon->score, conn);
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

/* The records whose relevance mask has BIT, in order of their first frame
 * (they arrive in the order they ended). Sorting small (frame, index) pairs
 * and copying each kept record once is much cheaper than letting a sort move
 * whole SumConn records around. */
static GArray *
conns_kept_sorted(const SumRecon *recon, guint8 bit)
{
    ConnOrder *order = g_new(ConnOrder, MAX(recon->n_conns, 1u));
    guint n = 0;
    for (guint i = 0; i < recon->n_conns; i++) {
        if (g_array_index(recon->relevant, guint8, i) & bit) {
            order[n].first_frame = conn_at(recon, i)->first_frame;
            order[n++].index = i;
        }
    }
    qsort(order, n, sizeof *order, conn_order_cmp);
    GArray *out = g_array_sized_new(FALSE, FALSE, sizeof(SumConn), n);
    for (guint k = 0; k < n; k++)
        g_array_append_val(out, *conn_at(recon, order[k].index));
    g_free(order);
    return out;
}

/* Stage 1: the pair graph over every kept connection. */
static SumPairs *
stage_pairs(const SumProfile *p, const GArray *hints, const GArray *conns)
{
    SumPairs *pairs = sum_pairs_new(p, hints, SUM_PAIRS_BATCH);
    for (guint i = 0; i < conns->len; i++)
        sum_pairs_observe_primary(pairs, &g_array_index(conns, SumConn, i));
    sum_pairs_settle_primary(pairs);
    for (guint i = 0; i < conns->len; i++)
        sum_pairs_observe_secondary(pairs, &g_array_index(conns, SumConn, i));
    sum_pairs_settle(pairs);
    return pairs;
}

/* Stage 2: the channels; IS_CHANNEL[i] says which connections became one. */
static void
stage_channels(const SumProfile *p, const SumPairs *pairs, const GArray *conns,
               GPtrArray *channels, gboolean *is_channel)
{
    for (guint i = 0; i < conns->len; i++) {
        const SumConn *c = &g_array_index(conns, SumConn, i);
        SumClass cls;
        is_channel[i] = sum_classify(p, pairs, c, &cls) && !cls.candidate;
        if (is_channel[i])
            g_ptr_array_add(channels, sum_classify_channel(c, &cls));
    }
}

/* Host ranks (first appearance), for sorting allocations by host. */
static gint
alloc_cmp(gconstpointer a, gconstpointer b, gpointer ranks)
{
    const SumAllocation *x = *(SumAllocation *const *)a, *y = *(SumAllocation *const *)b;
    guint hx = GPOINTER_TO_UINT(g_hash_table_lookup(ranks, &x->host));
    guint hy = GPOINTER_TO_UINT(g_hash_table_lookup(ranks, &y->host));
    hx = hx == 0 ? G_MAXUINT : hx;
    hy = hy == 0 ? G_MAXUINT : hy;
    if (hx != hy)
        return hx < hy ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

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

static void
sort_allocations(SumResult *r)
{
    GHashTable *ranks = g_hash_table_new(addr_hash, addr_equal);
    for (guint i = r->hosts->len; i-- > 0;) {
        SumHost *h = g_ptr_array_index(r->hosts, i);
        g_hash_table_replace(ranks, &h->addr, GUINT_TO_POINTER(i + 1));
    }
    g_ptr_array_sort_with_data(r->allocations, alloc_cmp, ranks);
    g_hash_table_destroy(ranks);
    for (guint i = 0; i < r->allocations->len; i++)
        ((SumAllocation *)g_ptr_array_index(r->allocations, i))->index = i;
}

static void
replace_array(GPtrArray **slot, GPtrArray *with)
{
    g_ptr_array_unref(*slot);
    *slot = with;
}

SumResult *
sum_recon_finish(SumRecon *recon)
{
    g_return_val_if_fail(recon != NULL, NULL);
    SumResult *r = sum_result_new();
    r->conns_seen = recon->seen;
    r->conns_dropped = recon->dropped;
    if (recon->profile != NULL) {
        r->profile = recon->profile;
        r->profile_reason = g_strdup_printf("chosen: %s", recon->profile->description);
    } else {
        r->profile = sum_generation_choose(&recon->score, &r->profile_reason);
    }
    guint8 bit = 1; /* the chosen profile's bit in recon->relevant */
    for (int g = 0; recon->profile == NULL && g < SUM_GENERATION_COUNT; g++) {
        if (sum_plan_profile((SumGeneration)g) == r->profile)
            bit = (guint8)(1u << g);
    }
    const SumProfile *p = r->profile;
    /* Keep only what the chosen profile knows, in capture order. */
    GArray *conns = conns_kept_sorted(recon, bit);
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
    sum_words_view(r);
    replace_array(&r->root_causes, sum_rootcause_build(p, r->channels));
    for (guint i = 0; i < r->root_causes->len; i++)
        sum_words_root_cause(g_ptr_array_index(r->root_causes, i));
    sort_allocations(r);

    sum_evidence_free(ev);
    g_free(is_channel);
    sum_pairs_free(pairs);
    g_array_free(conns, TRUE);
    return r;
}
