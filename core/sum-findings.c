/* sum-findings.c: findings from the ledger and the failed attempts
 * (sum-findings.h). Rules: docs/reconstruction.md, "Findings". */
#include "sum-findings.h"

#include <string.h>

#define SUM_FINDINGS_MAX_FRAMES 32u /* frames kept as evidence per finding */

typedef struct {
    GPtrArray *out;
    GHashTable *index;       /* "code host port" key -> SumFinding* */
} Findings;

typedef struct {
    SumAddr host;
    guint16 port;
    guint8 code;
} FindingKey;

static guint
fkey_hash(gconstpointer p)
{
    const FindingKey *k = p;
    return sum_addr_hash(&k->host) ^ ((guint)k->port << 4) ^ k->code;
}

static gboolean
fkey_equal(gconstpointer a, gconstpointer b)
{
    const FindingKey *x = a, *y = b;
    return x->code == y->code && x->port == y->port && sum_addr_equal(&x->host, &y->host);
}

static SumFinding *
finding_get(Findings *fs, SumFindingCode code, const SumAddr *host, guint16 port,
            gboolean *fresh)
{
    FindingKey k;
    memset(&k, 0, sizeof k);
    k.host = *host;
    k.port = port;
    k.code = (guint8)code;
    SumFinding *f = g_hash_table_lookup(fs->index, &k);
    *fresh = f == NULL;
    if (f != NULL)
        return f;
    f = sum_finding_new(code);
    f->host = *host;
    f->port = port;
    g_ptr_array_add(fs->out, f);
    g_hash_table_insert(fs->index, g_memdup2(&k, sizeof k), f);
    return f;
}

/* A frame that proves F (once each, capped). */
static void
finding_frame(SumFinding *f, SumFrame frame, gint64 t)
{
    if (t < f->t_first)
        f->t_first = t;
    for (guint i = 0; i < f->frames->len; i++) {
        if (g_array_index(f->frames, SumFrame, i) == frame)
            return;
    }
    if (frame != 0 && f->frames->len < SUM_FINDINGS_MAX_FRAMES)
        g_array_append_val(f->frames, frame);
}

static void
finding_peer(SumFinding *f, const SumAddr *peer)
{
    for (guint i = 0; i < f->peers->len; i++) {
        if (sum_addr_equal(&g_array_index(f->peers, SumAddr, i), peer))
            return;
    }
    g_array_append_val(f->peers, *peer);
}

/* --- from the ledger ---------------------------------------------------- */

static void
conflict_finding(Findings *fs, const SumEvidenceIndex *ev, const SumAllocation *a, guint16 q)
{
    gboolean fresh;
    SumFinding *f = finding_get(fs, SUM_FINDING_PORT_CONFLICT, &a->host, q, &fresh);
    const SumConn *fc = sum_evidence_foreign(ev, &a->host, q);
    const SumChannel *probe = sum_evidence_probe(ev, &a->host, q);
    if (fc != NULL)
        finding_frame(f, fc->first_frame, fc->t_first);
    if (probe != NULL)
        finding_frame(f, probe->conn.first_frame, probe->conn.t_first);
    finding_frame(f, a->first_frame, a->t_first);
    finding_peer(f, &a->first_peer);
    f->count += a->n_connections;
    if (!fresh)
        return;
    f->family = a->family;
    f->peer = a->first_peer;
    f->evidence = sum_evidence_conflict(ev, &a->host, q);
    f->confidence = f->evidence == SUM_EVIDENCE_INFERRED ? MIN(a->confidence,
                                                               SUM_CONFIDENCE_MEDIUM)
                                                         : a->confidence;
    f->used_instead = a->port;
}

static void
overflow_finding(Findings *fs, const SumAllocation *a)
{
    gboolean fresh;
    SumFinding *f = finding_get(fs, SUM_FINDING_RANGE_OVERFLOW, &a->host, a->port, &fresh);
    finding_frame(f, a->first_frame, a->t_first);
    finding_peer(f, &a->first_peer);
    f->count += a->n_connections;
    if (!fresh)
        return;
    f->family = a->family;
    f->peer = a->first_peer;
    f->evidence = SUM_EVIDENCE_TRAFFIC;
    f->confidence = a->confidence;
}

/* --- from the failed attempts ------------------------------------------- */

/* An attempt never answered: SYNs only, or an ICMP unreachable other than
 * "port unreachable" (an administratively prohibited one is a firewall). */
static gboolean
attempt_blocked(const SumConn *c)
{
    if (c->icmp_unreachable)
        return !((c->resp.family == 4 && c->icmp_type == 3 && c->icmp_code == 3) ||
                 (c->resp.family == 6 && c->icmp_type == 1 && c->icmp_code == 4));
    return c->state == SUM_CONN_S0 || c->state == SUM_CONN_SH;
}

static gboolean
attempt_refused(const SumConn *c)
{
    if (c->icmp_unreachable)
        return !attempt_blocked(c);
    return c->state == SUM_CONN_REJ;
}

gboolean
sum_findings_attempt_failed(const SumConn *c, SumFamily family, gboolean final,
                            SumFindingCode *code)
{
    if (c->transport != SUM_TRANSPORT_TCP || family == SUM_FAMILY_IPC)
        return FALSE;
    if (attempt_blocked(c) && (final || c->syn_count > 1 || c->icmp_unreachable))
        *code = SUM_FINDING_PORT_BLOCKED;
    else if (attempt_refused(c))
        *code = SUM_FINDING_PORT_REFUSED;
    else if (c->resp_payload != SUM_PAYLOAD_NONE && c->resp_payload != SUM_PAYLOAD_TLS &&
             (family == SUM_FAMILY_MESSAGE || family == SUM_FAMILY_CALLBACK))
        *code = SUM_FINDING_NOT_SUM_SERVICE;
    else
        return FALSE;
    return TRUE;
}

/* What failure CH shows, if any. */
static gboolean
failure_code(const SumChannel *ch, const SumEvidenceIndex *ev, SumFindingCode *code)
{
    const SumConn *c = &ch->conn;
    if (ch->family == SUM_FAMILY_IPC)
        return FALSE;
    if (attempt_blocked(c))
        *code = SUM_FINDING_PORT_BLOCKED;
    else if (attempt_refused(c) && !ch->search_step)
        *code = SUM_FINDING_PORT_REFUSED;
    else if ((ch->family == SUM_FAMILY_MESSAGE || ch->family == SUM_FAMILY_CALLBACK) &&
             sum_conn_answered(c) && c->resp_payload != SUM_PAYLOAD_NONE &&
             c->resp_payload != SUM_PAYLOAD_TLS)
        *code = SUM_FINDING_NOT_SUM_SERVICE;
    else
        return FALSE;
    return *code == SUM_FINDING_NOT_SUM_SERVICE || !sum_evidence_answered_later(ev, ch);
}

static void
failure_finding(Findings *fs, const SumEvidenceIndex *ev, SumChannel *ch, SumFindingCode code)
{
    const SumConn *c = &ch->conn;
    /* One SYN, no retry, from a host only whose side was captured, and
     * nothing at all from resp back to it: a reset would not show either,
     * so it may as well have been refused. (Retried SYNs are the client's
     * own word that nothing came back.) */
    gboolean unseen_reply = code == SUM_FINDING_PORT_BLOCKED && !c->icmp_unreachable &&
                            c->syn_count <= 1 && sum_evidence_one_way(ev, &c->orig) &&
                            sum_evidence_sent(ev, &c->resp, &c->orig) == 0;
    gboolean fresh;
    SumFinding *f = finding_get(fs, code, &c->resp, c->resp_port, &fresh);
    ch->finding = f;
    f->count++;
    finding_peer(f, &c->orig);
    finding_frame(f, c->first_frame, c->t_first);
    if (c->icmp_frame != 0)
        finding_frame(f, c->icmp_frame, c->t_first);
    if (c->rst_frame != 0 && code == SUM_FINDING_PORT_REFUSED)
        finding_frame(f, c->rst_frame, c->t_first);
    if (!fresh)
        return;
    /* The family of the listening port: a message channel fails at the
     * target's control port. */
    f->family = ch->family == SUM_FAMILY_MESSAGE ? SUM_FAMILY_CONTROL : ch->family;
    f->transport = c->transport;
    f->peer = c->orig;
    f->evidence = SUM_EVIDENCE_PROBE;
    f->confidence = ch->confidence;
    f->syn_count = c->syn_count;
    f->icmp = c->icmp_unreachable;
    f->answer = c->resp_payload;
    if (unseen_reply) { /* still an error (sum-plan.c), on weaker evidence */
        f->one_way = TRUE;
        f->evidence = SUM_EVIDENCE_INFERRED;
        f->confidence = MIN(f->confidence, SUM_CONFIDENCE_MEDIUM);
    }
}

static gint
finding_cmp(gconstpointer a, gconstpointer b)
{
    const SumFinding *x = *(SumFinding *const *)a, *y = *(SumFinding *const *)b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    /* A target SUM cannot bootstrap (ADMIN$, SSH unreachable) is the
     * commonest failure in the field, and it hides everything after it. */
    gboolean bx = x->family == SUM_FAMILY_BOOTSTRAP, by = y->family == SUM_FAMILY_BOOTSTRAP;
    if (bx != by)
        return bx ? -1 : 1;
    if (x->t_first != y->t_first)
        return x->t_first < y->t_first ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

GPtrArray *
sum_findings_build(const SumProfile *p, const GPtrArray *as, GPtrArray *chs,
                   const SumEvidenceIndex *ev)
{
    (void)p;
    Findings fs;
    fs.out = g_ptr_array_new_with_free_func(sum_finding_free);
    fs.index = g_hash_table_new_full(fkey_hash, fkey_equal, g_free, NULL);
    for (guint i = 0; i < as->len; i++) {
        const SumAllocation *a = g_ptr_array_index(as, i);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            conflict_finding(&fs, ev, a, g_array_index(a->conflicting_ports, guint16, k));
        if (a->cause == SUM_CAUSE_OVERFLOW)
            overflow_finding(&fs, a);
    }
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        SumFindingCode code;
        if (failure_code(ch, ev, &code))
            failure_finding(&fs, ev, ch, code);
    }
    g_hash_table_destroy(fs.index);
    g_ptr_array_sort(fs.out, finding_cmp);
    return fs.out;
}
