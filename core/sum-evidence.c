/* sum-evidence.c: the capture-wide evidence index (sum-evidence.h). */
#include "sum-evidence.h"
#include "sum-classify.h"

#include <string.h>

/* One key shape for every table: (a, b, port, family), zero-padded, so it
 * can be hashed and compared as bytes. */
typedef struct {
    SumAddr a;
    SumAddr b;
    guint16 port;
    guint8 family;
} Key;

struct _SumEvidenceIndex {
    GHashTable *foreign;       /* host:port -> first non-SUM SumConn* there */
    GHashTable *probes;        /* host:port -> first search-step SumChannel* there */
    GHashTable *by_port;       /* holder:family:port -> GPtrArray of its SumChannel* */
    GHashTable *answered;      /* orig>resp:port -> SumFrame* last answered first frame */
    GHashTable *one_way;       /* host -> 1 */
    GHashTable *sent;          /* from>to -> packets */
    SumAddr common[2];         /* addresses every (non-loopback) connection involves */
    guint n_common;
    SumAddr seen[3];           /* the first distinct addresses, up to 3 */
    guint n_seen;
    gboolean any_conn;
    gboolean told_limited;
};

static guint
key_hash(gconstpointer p)
{
    const guint8 *b = p;
    guint h = 2166136261u; /* FNV-1a */
    for (gsize i = 0; i < sizeof(Key); i++)
        h = (h ^ b[i]) * 16777619u;
    return h;
}

static gboolean
key_equal(gconstpointer a, gconstpointer b)
{
    return memcmp(a, b, sizeof(Key)) == 0;
}

static Key
key(const SumAddr *a, const SumAddr *b, guint16 port, guint8 family)
{
    Key k;
    memset(&k, 0, sizeof k);
    k.a = *a;
    if (b != NULL)
        k.b = *b;
    k.port = port;
    k.family = family;
    return k;
}

static GHashTable *
table(GDestroyNotify free_value)
{
    return g_hash_table_new_full(key_hash, key_equal, g_free, free_value);
}

static gpointer
get(GHashTable *t, const SumAddr *a, const SumAddr *b, guint16 port, guint8 family)
{
    Key k = key(a, b, port, family);
    return g_hash_table_lookup(t, &k);
}

/* Keeps the first value put under a key. */
static void
put_first(GHashTable *t, Key k, gpointer v)
{
    if (!g_hash_table_contains(t, &k))
        g_hash_table_insert(t, g_memdup2(&k, sizeof k), v);
}

void
sum_evidence_mark_search_steps(GPtrArray *chs)
{
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        if (ch->family != SUM_FAMILY_MESSAGE)
            continue;
        gboolean rejected = ch->conn.state == SUM_CONN_REJ ||
                            (ch->conn.icmp_unreachable && ch->conn.state == SUM_CONN_S0);
        gboolean not_tls = sum_conn_answered(&ch->conn) &&
                           ch->conn.resp_payload != SUM_PAYLOAD_NONE &&
                           ch->conn.resp_payload != SUM_PAYLOAD_TLS;
        if (!rejected && !not_tls)
            continue;
        for (guint j = 0; j < chs->len; j++) {
            const SumChannel *later = g_ptr_array_index(chs, j);
            if (later->family == SUM_FAMILY_MESSAGE &&
                sum_addr_equal(&later->conn.resp, &ch->conn.resp) &&
                sum_addr_equal(&later->sum_host, &ch->sum_host) &&
                later->conn.resp_port > ch->conn.resp_port &&
                later->conn.first_frame > ch->conn.first_frame &&
                sum_classify_resp_speaks_tls(&later->conn)) {
                ch->search_step = TRUE;
                break;
            }
        }
    }
}

static void
add_sent(GHashTable *t, const SumAddr *from, const SumAddr *to, guint64 n)
{
    if (n == 0)
        return;
    Key k = key(from, to, 0, 0);
    guint64 *have = g_hash_table_lookup(t, &k);
    if (have == NULL) {
        have = g_new0(guint64, 1);
        g_hash_table_insert(t, g_memdup2(&k, sizeof k), have);
    }
    *have += n;
}

static void
note_seen(SumEvidenceIndex *idx, const SumAddr *a)
{
    for (guint i = 0; i < idx->n_seen; i++) {
        if (sum_addr_equal(&idx->seen[i], a))
            return;
    }
    if (idx->n_seen < G_N_ELEMENTS(idx->seen))
        idx->seen[idx->n_seen++] = *a;
}

/* Narrows the addresses every connection involves to those C involves. */
static void
note_view(SumEvidenceIndex *idx, const SumConn *c)
{
    if (sum_addr_is_loopback(&c->orig) || sum_addr_is_loopback(&c->resp))
        return;
    note_seen(idx, &c->orig);
    note_seen(idx, &c->resp);
    if (!idx->any_conn) {
        idx->any_conn = TRUE;
        idx->common[0] = c->orig;
        idx->common[1] = c->resp;
        idx->n_common = sum_addr_equal(&c->orig, &c->resp) ? 1 : 2;
        return;
    }
    guint k = 0;
    for (guint i = 0; i < idx->n_common; i++) {
        if (sum_addr_equal(&idx->common[i], &c->orig) || sum_addr_equal(&idx->common[i], &c->resp))
            idx->common[k++] = idx->common[i];
    }
    idx->n_common = k;
}

static void
index_conns(SumEvidenceIndex *idx, const SumConn *conns, guint n, const gboolean *is_channel)
{
    for (guint i = 0; i < n; i++) {
        const SumConn *c = &conns[i];
        note_view(idx, c);
        /* Established by the originator's own ACKs and data, with no packet
         * back in the capture: only its side was captured (sum_tcp_track,
         * "one direction"). */
        if (c->transport == SUM_TRANSPORT_TCP && c->roles_known && c->packets > 0 &&
            c->resp_packets == 0 && sum_conn_answered(c))
            put_first(idx->one_way, key(&c->orig, NULL, 0, 0), GUINT_TO_POINTER(1));
        add_sent(idx->sent, &c->resp, &c->orig, c->resp_packets);
        add_sent(idx->sent, &c->orig, &c->resp, c->packets - c->resp_packets);
        if (is_channel[i])
            continue;
        if (sum_conn_answered(c))
            put_first(idx->foreign, key(&c->resp, NULL, c->resp_port, 0), (gpointer)c);
        put_first(idx->foreign, key(&c->orig, NULL, c->orig_port, 0), (gpointer)c);
    }
}

static void
index_channels(SumEvidenceIndex *idx, const GPtrArray *chs)
{
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        if (ch->search_step) {
            put_first(idx->probes, key(&ch->conn.resp, NULL, ch->conn.resp_port, 0), ch);
        } else {
            Key k = key(&ch->port_holder, NULL, ch->sum_port, (guint8)ch->family);
            GPtrArray *list = g_hash_table_lookup(idx->by_port, &k);
            if (list == NULL) {
                list = g_ptr_array_new();
                g_hash_table_insert(idx->by_port, g_memdup2(&k, sizeof k), list);
            }
            g_ptr_array_add(list, ch);
        }
        if (sum_conn_answered(&ch->conn)) {
            Key k = key(&ch->conn.orig, &ch->conn.resp, ch->conn.resp_port, 0);
            SumFrame *last = g_hash_table_lookup(idx->answered, &k);
            if (last == NULL) {
                last = g_new0(SumFrame, 1);
                g_hash_table_insert(idx->answered, g_memdup2(&k, sizeof k), last);
            }
            *last = MAX(*last, ch->conn.first_frame);
        }
    }
}

SumEvidenceIndex *
sum_evidence_new(const SumConn *conns, guint n, const gboolean *is_channel,
                 const GPtrArray *channels)
{
    SumEvidenceIndex *idx = g_new0(SumEvidenceIndex, 1);
    idx->foreign = table(NULL);
    idx->probes = table(NULL);
    idx->by_port = table((GDestroyNotify)g_ptr_array_unref);
    idx->answered = table(g_free);
    idx->one_way = table(NULL);
    idx->sent = table(g_free);
    index_conns(idx, conns, n, is_channel);
    index_channels(idx, channels);
    return idx;
}

void
sum_evidence_free(SumEvidenceIndex *idx)
{
    if (idx == NULL)
        return;
    g_hash_table_destroy(idx->foreign);
    g_hash_table_destroy(idx->probes);
    g_hash_table_destroy(idx->by_port);
    g_hash_table_destroy(idx->answered);
    g_hash_table_destroy(idx->one_way);
    g_hash_table_destroy(idx->sent);
    g_free(idx);
}

const SumConn *
sum_evidence_foreign(const SumEvidenceIndex *idx, const SumAddr *host, guint16 port)
{
    return get(idx->foreign, host, NULL, port, 0);
}

const SumChannel *
sum_evidence_probe(const SumEvidenceIndex *idx, const SumAddr *host, guint16 port)
{
    return get(idx->probes, host, NULL, port, 0);
}

SumEvidence
sum_evidence_conflict(const SumEvidenceIndex *idx, const SumAddr *host, guint16 port)
{
    if (sum_evidence_foreign(idx, host, port) != NULL)
        return SUM_EVIDENCE_TRAFFIC;
    if (sum_evidence_probe(idx, host, port) != NULL)
        return SUM_EVIDENCE_PROBE;
    return SUM_EVIDENCE_INFERRED;
}

gboolean
sum_evidence_sum_ever_used(const SumEvidenceIndex *idx, const SumAddr *host, SumFamily f,
                           guint16 port)
{
    return get(idx->by_port, host, NULL, port, (guint8)f) != NULL;
}

gboolean
sum_evidence_sum_held_at(const SumEvidenceIndex *idx, const SumAddr *host, SumFamily f,
                         guint16 port, gint64 t)
{
    const GPtrArray *chs = get(idx->by_port, host, NULL, port, (guint8)f);
    for (guint i = 0; chs != NULL && i < chs->len; i++) {
        const SumChannel *ch = g_ptr_array_index(chs, i);
        if (ch->conn.t_first <= t && t <= ch->conn.t_last)
            return TRUE;
    }
    return FALSE;
}

gboolean
sum_evidence_answered_later(const SumEvidenceIndex *idx, const SumChannel *ch)
{
    const SumFrame *last = get(idx->answered, &ch->conn.orig, &ch->conn.resp,
                               ch->conn.resp_port, 0);
    return last != NULL && *last > ch->conn.first_frame;
}

gboolean
sum_evidence_one_way(const SumEvidenceIndex *idx, const SumAddr *host)
{
    return get(idx->one_way, host, NULL, 0, 0) != NULL;
}

guint64
sum_evidence_sent(const SumEvidenceIndex *idx, const SumAddr *from, const SumAddr *to)
{
    const guint64 *n = get(idx->sent, from, to, 0, 0);
    return n != NULL ? *n : 0;
}

void
sum_evidence_set_view_limited(SumEvidenceIndex *idx, gboolean limited)
{
    idx->told_limited = limited;
}

static SumRole
role_in(const GPtrArray *hosts, const SumAddr *a)
{
    gboolean sum = FALSE, target = FALSE;
    for (guint i = 0; hosts != NULL && i < hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(hosts, i);
        if (sum_addr_equal(&h->addr, a)) {
            sum |= h->role == SUM_ROLE_SUM_HOST;
            target |= h->role == SUM_ROLE_TARGET;
        }
    }
    return sum ? SUM_ROLE_SUM_HOST : target ? SUM_ROLE_TARGET : SUM_ROLE_NONE;
}

gboolean
sum_evidence_view_limited(const SumEvidenceIndex *idx)
{
    return idx->told_limited;
}

gboolean
sum_evidence_partial_view(const SumEvidenceIndex *idx, const GPtrArray *hosts, SumAddr *view)
{
    SumAddr none;
    memset(&none, 0, sizeof none);
    if (view != NULL)
        *view = none;
    gboolean partial = FALSE;
    if (idx->n_common == 2 && idx->n_seen == 2) {
        /* One SUM host and one target, nothing else: the target's view. */
        SumRole r0 = role_in(hosts, &idx->common[0]), r1 = role_in(hosts, &idx->common[1]);
        if ((r0 == SUM_ROLE_SUM_HOST && r1 == SUM_ROLE_TARGET) ||
            (r1 == SUM_ROLE_SUM_HOST && r0 == SUM_ROLE_TARGET)) {
            partial = TRUE;
            if (view != NULL)
                *view = idx->common[r0 == SUM_ROLE_TARGET ? 0 : 1];
        }
    } else if (idx->n_common == 1 && role_in(hosts, &idx->common[0]) == SUM_ROLE_TARGET) {
        partial = TRUE;
        if (view != NULL)
            *view = idx->common[0];
    }
    return partial;
}
