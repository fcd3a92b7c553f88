/* sum-ledger.c: allocations and their causes (sum-ledger.h).
 * Rules: docs/reconstruction.md, "Allocations" and "Causes". */
#include "sum-ledger.h"
#include "sum-classify.h"

#include <string.h>

#define SUM_LEDGER_MAX_FRAMES 32u /* frames kept as evidence per allocation */

/* --- building ----------------------------------------------------------- */

typedef struct {
    SumAddr host;
    guint16 port;
    guint8 family;
} AllocKey;

static guint
alloc_key_hash(gconstpointer p)
{
    const AllocKey *k = p;
    return sum_addr_hash(&k->host) ^ ((guint)k->port << 8) ^ k->family;
}

static gboolean
alloc_key_equal(gconstpointer a, gconstpointer b)
{
    const AllocKey *x = a, *y = b;
    return x->port == y->port && x->family == y->family && sum_addr_equal(&x->host, &y->host);
}

static SumAllocation *
alloc_new(const SumChannel *ch, SumFamily f, const SumAddr *host, guint16 port)
{
    SumAllocation *a = sum_allocation_new();
    a->host = *host;
    a->family = f;
    a->port = port;
    a->first_peer = sum_addr_equal(&ch->conn.orig, host) ? ch->conn.resp : ch->conn.orig;
    a->t_first = ch->conn.t_first;
    a->t_last = ch->conn.t_last;
    a->first_frame = ch->conn.first_frame;
    a->session = ch->session;
    a->confidence = ch->confidence;
    return a;
}

static SumAllocation *
alloc_add(GPtrArray *out, GHashTable *index, const SumChannel *ch, SumFamily f,
          const SumAddr *host, guint16 port)
{
    AllocKey k;
    memset(&k, 0, sizeof k);
    k.host = *host;
    k.port = port;
    k.family = (guint8)f;
    SumAllocation *a = g_hash_table_lookup(index, &k);
    if (a == NULL) {
        a = alloc_new(ch, f, host, port);
        g_ptr_array_add(out, a);
        g_hash_table_insert(index, g_memdup2(&k, sizeof k), a);
    } else {
        a->t_first = MIN(a->t_first, ch->conn.t_first);
        a->t_last = MAX(a->t_last, ch->conn.t_last);
        a->confidence = MAX(a->confidence, ch->confidence);
    }
    /* What the port carried tells a family's rules apart (web: 63001 HTTP,
     * 63002 HTTPS, wherever configured). */
    gboolean http = ch->conn.orig_payload == SUM_PAYLOAD_HTTP_REQUEST ||
                    ch->conn.resp_payload == SUM_PAYLOAD_HTTP_RESPONSE;
    if (sum_conn_is_tls(&ch->conn))
        a->carried = SUM_CARRIED_TLS;
    else if (http && a->carried == SUM_CARRIED_NONE)
        a->carried = SUM_CARRIED_HTTP;
    a->n_connections++;
    if (a->frames->len < SUM_LEDGER_MAX_FRAMES)
        g_array_append_val(a->frames, ch->conn.first_frame);
    return a;
}

/* --- causes ------------------------------------------------------------- */

static void
add_conflict(GArray *ports, guint16 q)
{
    for (guint i = 0; i < ports->len; i++) {
        if (g_array_index(ports, guint16, i) == q)
            return;
    }
    g_array_append_val(ports, q);
}

static gint
port_cmp(gconstpointer a, gconstpointer b)
{
    guint16 x = *(const guint16 *)a, y = *(const guint16 *)b;
    return x < y ? -1 : x > y;
}

static SumEvidence
stronger(SumEvidence a, SumEvidence b)
{
    /* TRAFFIC < PROBE < INFERRED in the enum: strongest is the smallest non-NONE. */
    if (a == SUM_EVIDENCE_NONE)
        return b;
    if (b == SUM_EVIDENCE_NONE)
        return a;
    return MIN(a, b);
}

/* What held one lower port Q of A's sequence when A was taken. */
typedef enum {
    LOWER_FREE,        /* nothing to say (the callback base that is SUM's IPC) */
    LOWER_OWN,         /* the host's own SUM connection of the family held it then */
    LOWER_UNEXPLAINED, /* SUM used it at another time, nothing held it now */
    LOWER_INFERRED,    /* nothing in the capture shows what held it */
    LOWER_NOT_VISIBLE, /* nothing shows, in a view that hides some of SUM's peers */
    LOWER_FOREIGN,     /* another program, with evidence (traffic or probe) */
} LowerPort;

static LowerPort
ledger_lower_port(const SumProfile *p, const SumEvidenceIndex *ev, const SumAllocation *a,
                  guint16 q, SumEvidence *evidence)
{
    gboolean shared = a->family == SUM_FAMILY_MESSAGE || a->family == SUM_FAMILY_CALLBACK;
    *evidence = sum_evidence_conflict(ev, &a->host, q);
    /* The callback's base is SUM's own IPC (docs/sum-ports.md: 61001 is the
     * normal callback port), unless another program is seen on it. */
    if (a->family == SUM_FAMILY_CALLBACK && q == p->ipc_port) {
        if (sum_evidence_foreign(ev, &a->host, q) == NULL)
            return LOWER_FREE;
        *evidence = SUM_EVIDENCE_TRAFFIC;
        return LOWER_FOREIGN;
    }
    if (shared && sum_evidence_sum_held_at(ev, &a->host, a->family, q, a->t_first))
        return LOWER_OWN;
    if (*evidence != SUM_EVIDENCE_INFERRED)
        return LOWER_FOREIGN;
    /* A port SUM itself used at another time in the capture, with nothing
     * seen holding it now: the guide also says "chosen at random", so this
     * allocation is not sequential and no conflict is inferred from its gaps
     * (positive evidence still counts). */
    if (shared && sum_evidence_sum_ever_used(ev, &a->host, a->family, q))
        return LOWER_UNEXPLAINED;
    /* A filtered view: SUM's own connections to hosts outside it may have
     * held the port; the capture cannot tell that from a conflict. */
    if (shared && sum_evidence_view_limited(ev))
        return LOWER_NOT_VISIBLE;
    return LOWER_INFERRED;
}

/* The cause once every lower port was judged. */
static SumCause
cause_of(const SumProfile *p, const SumPortRule *rule, const SumPortPos *pos,
         const SumAllocation *a, gboolean own_seen, gboolean unexplained, gboolean not_visible)
{
    if (pos->overflow && rule->overflow_counts)
        return SUM_CAUSE_OVERFLOW;
    if (a->conflicting_ports->len > 0)
        return SUM_CAUSE_CONFLICT;
    if (not_visible)
        return SUM_CAUSE_NOT_VISIBLE;
    if (a->family == SUM_FAMILY_CALLBACK && pos->offset == 1 && p->ipc_port == rule->base)
        return SUM_CAUSE_IPC_RESERVED;
    if (own_seen)
        return SUM_CAUSE_CONCURRENT;
    if (a->family == SUM_FAMILY_CALLBACK && p->ipc_port == rule->base && !unexplained)
        return SUM_CAUSE_CONCURRENT;
    return SUM_CAUSE_UNKNOWN;
}

static void
decide_cause(const SumProfile *p, const SumEvidenceIndex *ev, SumAllocation *a)
{
    const SumPortRule *rule = sum_plan_rule_for_port(p, a->family, SUM_TRANSPORT_TCP, a->port,
                                                     a->carried);
    SumPortPos pos;
    if (rule == NULL || !sum_plan_position(rule, a->port, &pos)) {
        a->cause = SUM_CAUSE_UNKNOWN;
        return;
    }
    a->base = pos.base;
    a->offset = pos.offset;
    a->range_end = pos.range_end;
    /* A port that does not search was set where it is (7.x --port). */
    if (!sum_plan_family_searches(a->family)) {
        a->cause = pos.offset == 0 ? SUM_CAUSE_DEFAULT : SUM_CAUSE_CONFIGURED;
        return;
    }
    if (a->family == SUM_FAMILY_IPC || pos.offset == 0) {
        a->cause = SUM_CAUSE_DEFAULT;
        return;
    }
    gboolean own_seen = FALSE, unexplained = FALSE, not_visible = FALSE;
    GArray *inferred = g_array_new(FALSE, FALSE, sizeof(guint16));
    for (guint16 k = 0; k < pos.offset; k++) {
        guint16 q = sum_plan_port_at(rule, k);
        SumEvidence e;
        if (q == 0)
            break;
        switch (ledger_lower_port(p, ev, a, q, &e)) {
        case LOWER_OWN:
            own_seen = TRUE;
            break;
        case LOWER_UNEXPLAINED:
            unexplained = TRUE;
            break;
        case LOWER_INFERRED:
            g_array_append_val(inferred, q);
            break;
        case LOWER_NOT_VISIBLE:
            not_visible = TRUE;
            break;
        case LOWER_FOREIGN:
            add_conflict(a->conflicting_ports, q);
            a->conflict_evidence = stronger(a->conflict_evidence, e);
            break;
        default:
            break;
        }
    }
    /* Inferred conflicts only where the allocation looks sequential. */
    if (!unexplained) {
        for (guint i = 0; i < inferred->len; i++)
            add_conflict(a->conflicting_ports, g_array_index(inferred, guint16, i));
        if (inferred->len > 0)
            a->conflict_evidence = stronger(a->conflict_evidence, SUM_EVIDENCE_INFERRED);
    }
    g_array_free(inferred, TRUE);
    g_array_sort(a->conflicting_ports, port_cmp);
    if (a->conflict_evidence == SUM_EVIDENCE_INFERRED && a->confidence > SUM_CONFIDENCE_LOW)
        a->confidence = MIN(a->confidence, SUM_CONFIDENCE_MEDIUM);
    a->cause = cause_of(p, rule, &pos, a, own_seen, unexplained, not_visible);
    if (unexplained || a->cause == SUM_CAUSE_NOT_VISIBLE)
        a->confidence = SUM_CONFIDENCE_LOW;
}

/* --- the ledger --------------------------------------------------------- */

GPtrArray *
sum_ledger_build(const SumProfile *p, GPtrArray *chs, const SumEvidenceIndex *ev)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(sum_allocation_free);
    GHashTable *index = g_hash_table_new_full(alloc_key_hash, alloc_key_equal, g_free, NULL);
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        switch (ch->family) {
        case SUM_FAMILY_MESSAGE:
            /* The source port is SUM's from the first SYN, answered or not. */
            ch->alloc = alloc_add(out, index, ch, SUM_FAMILY_MESSAGE, &ch->port_holder,
                                  ch->sum_port);
            /* The control listener: answered with TLS. */
            if (sum_classify_resp_speaks_tls(&ch->conn)) {
                guint16 cport = sum_addr_equal(&ch->conn.resp, &ch->target)
                                    ? ch->conn.resp_port
                                    : ch->conn.orig_port;
                ch->peer_alloc = alloc_add(out, index, ch, SUM_FAMILY_CONTROL, &ch->target,
                                           cport);
            }
            break;
        case SUM_FAMILY_CALLBACK:
        case SUM_FAMILY_FIRMWARE:
        case SUM_FAMILY_IPC:
        case SUM_FAMILY_WEB:
            ch->alloc = alloc_add(out, index, ch, ch->family, &ch->port_holder, ch->sum_port);
            break;
        default:
            break;
        }
    }
    g_hash_table_destroy(index);
    for (guint i = 0; i < out->len; i++)
        decide_cause(p, ev, g_ptr_array_index(out, i));
    return out;
}
