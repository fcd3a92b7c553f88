/* sum-recon.c: the allocation reconstruction.
 *
 * Rules: docs/reconstruction.md. Domain: SUM-PORTS.md. In short:
 *   1. keep the connections that touch a port of the plan;
 *   2. find (SUM host, target) pairs from message -> control connections and
 *      grade them (TLS: high; an unanswered or refused attempt from a
 *      documented message port to 62286: medium; anything else: low);
 *   3. label every connection between known pairs (and callback/firmware
 *      connections towards a known SUM host) as a channel;
 *   4. per host and family, one allocation per port, with its cause decided
 *      from what else held the lower ports at that moment;
 *   5. findings from the allocations and the failed attempts.
 * Nothing here prints.
 */
#include "sum-recon.h"
#include "sum-mem.h"

#include <stdlib.h>
#include <string.h>

#define SUM_RECON_DEFAULT_MAX_CONNS 200000u /* ~40 MiB of SumConn */
/* Connections on ports that count only between known SUM hosts and targets
 * (80, 443, SMB, SSH: everyday traffic) get a budget of their own, so a busy
 * network's HTTPS cannot fill the memory the SUM story needs. */
#define SUM_RECON_MAX_STRICT_CONNS 50000u
#define SUM_RECON_MAX_FRAMES 32u /* frames kept as evidence per item */
#define SUM_RECON_WHY_MAX 2u
/* A host that only ever failed to reach control ports, on more distinct
 * targets than any deployment has, is scanning, not deploying. */
#define SUM_RECON_SCAN_TARGETS 32u

struct _SumRecon {
    const SumProfile *profile; /* NULL: auto */
    GPtrArray *chunks;         /* SumConn[CONNS_PER_CHUNK] blocks (sum-mem.h): the candidates */
    guint n_conns;
    GArray *hints;             /* SumAddr */
    guint max_conns;
    guint strict_kept;
    guint64 seen;
    guint64 dropped;
    guint8 *port_class;        /* [transport][port]: PORT_* bits, every profile in use */
    GArray *relevant;          /* guint8 per conn: bit g, sum_plan_conn_relevant in profile g
                                * (bit 0 alone for a chosen profile) */
    guint score[3];            /* --profile auto: classic, web server, 8.x-only signs */
};

/* The connection records live in blocks that never move (a growing array
 * would copy and fault in its whole self again at every doubling). */
#define CONNS_PER_CHUNK (SUM_MEM_BLOCK_BYTES / sizeof(SumConn))

static SumConn *
conn_at(const SumRecon *r, guint i)
{
    SumConn *chunk = g_ptr_array_index(r->chunks, i / CONNS_PER_CHUNK);
    return &chunk[i % CONNS_PER_CHUNK];
}

/* What a port is in the plans in use, precomputed: sum_recon_add runs for
 * every connection of the capture. */
#define PORT_SUM 0x01           /* a port of the plan */
#define PORT_LISTENER 0x02      /* a port some SUM side listens on */
#define PORT_OPEN_PEERS 0x04    /* counts whoever talks on it (not 80, 443, SMB, SSH) */
#define PORT_OPEN_LISTENER 0x08 /* both of the above in one rule */

/* A (SUM host, target) pair while it is being graded. */
typedef struct {
    SumAddr sum_host;
    SumAddr target;
    SumConfidence confidence;
    SumFrame first_frame;
    gint64 t_first;
    guint session;
    gboolean tls_seen;
    guint families;            /* bit set of SumFamily seen */
} Pair;

/* Working state of one finish(). */
typedef struct {
    const SumProfile *profile;
    SumResult *result;
    GArray *conns;             /* SumConn, sorted by first frame */
    GArray *pairs;             /* Pair */
    GHashTable *pair_index;    /* "s>t" address bytes -> index + 1 in pairs */
    GHashTable *host_conf;     /* SumAddr bytes of a SUM host -> best pair confidence */
    /* Indexes built once channels are known, so that verdicts on a capture
     * with many connections stay linear. */
    GHashTable *foreign;       /* host:port -> first non-SUM conn (index + 1) there */
    GHashTable *probes;        /* host:port -> first search-step channel there */
    GHashTable *by_port;       /* holder:family:port -> GPtrArray of its channels */
    GHashTable *answered;      /* orig>resp:port -> last answered first frame */
    GHashTable *one_way;       /* host: a connection it opened was answered, yet nothing
                                * came back in the capture (only its side was captured) */
    GHashTable *sent;          /* from>to: packets captured from one address to another */
    GArray *hints;
    gint *conn_channel;        /* per conn: channel index or -1 */
} Work;

static const SumProfile *
work_profile(const Work *w)
{
    return w->profile;
}

/* --- Construction ------------------------------------------------------- */

SumRecon *
sum_recon_new(const SumProfile *profile)
{
    SumRecon *r = g_new0(SumRecon, 1);
    r->profile = profile;
    r->chunks = g_ptr_array_new();
    r->hints = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    r->relevant = g_array_new(FALSE, FALSE, sizeof(guint8));
    r->max_conns = SUM_RECON_DEFAULT_MAX_CONNS;
    r->port_class = g_malloc0(2u * 65536u);
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *p = profile != NULL ? profile : sum_plan_profile((SumGeneration)g);
        for (gsize i = 0; i < p->n_rules; i++) {
            const SumPortRule *rule = &p->rules[i];
            guint8 *cls = r->port_class + (rule->transport == SUM_TRANSPORT_UDP ? 65536u : 0u);
            for (guint16 k = 0;; k++) {
                guint16 port = sum_plan_port_at(rule, k);
                if (port == 0)
                    break;
                gboolean open = !rule->strict_peers &&
                                !(rule->family == SUM_FAMILY_FIRMWARE && k == 0);
                cls[port] |= PORT_SUM;
                if (!rule->holder_is_client)
                    cls[port] |= PORT_LISTENER | (open ? PORT_OPEN_LISTENER : 0);
                if (open)
                    cls[port] |= PORT_OPEN_PEERS;
            }
        }
        if (profile != NULL)
            break;
    }
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
    g_free(recon->port_class);
    g_free(recon);
}

void
sum_recon_hint_sum_host(SumRecon *recon, const SumAddr *addr)
{
    g_return_if_fail(recon != NULL && addr != NULL);
    g_array_append_val(recon->hints, *addr);
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

static void score_profiles(guint score[3], const SumConn *c);

void
sum_recon_add(SumRecon *recon, const SumConn *conn)
{
    g_return_if_fail(recon != NULL && conn != NULL);
    recon->seen++;
    const guint8 *cls = recon->port_class +
                        (conn->transport == SUM_TRANSPORT_UDP ? 65536u : 0u);
    guint8 resp = cls[conn->resp_port], orig = cls[conn->orig_port];
    /* As sum_plan_conn_relevant and sum_plan_conn_strict_only, over every
     * profile in use. */
    if (!(resp & PORT_SUM) && !(orig & PORT_LISTENER))
        return;
    if (!(resp & PORT_OPEN_PEERS) && !(orig & PORT_OPEN_LISTENER)) {
        if (recon->strict_kept >= MIN(SUM_RECON_MAX_STRICT_CONNS, recon->max_conns)) {
            recon->dropped++;
            return;
        }
        recon->strict_kept++;
    }
    /* Past the cap only strong connections are kept, up to twice the cap:
     * a SYN flood towards SUM ports must not push the real story out. */
    if (recon->n_conns >= recon->max_conns &&
        (recon->n_conns >= 2u * recon->max_conns || !conn_is_strong(conn))) {
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
        score_profiles(recon->score, conn);
}

/* --- Profile choice (--profile auto) ------------------------------------ */

static gboolean
in_family(const SumProfile *p, SumFamily f, guint16 port, SumPortPos *pos)
{
    const SumPortRule *r = sum_plan_rule(p, f, SUM_TRANSPORT_TCP);
    return r != NULL && sum_plan_position(r, port, pos);
}

/* What one connection says about the SUM generation: SCORE[0] classic
 * (message ports talking to control listeners), [1] the 7.x+ web server
 * (63001 HTTP, 63002 HTTPS), [2] 8.x-only (63002 between SUM's own
 * processes on loopback). */
static void
score_profiles(guint score[3], const SumConn *c)
{
    if (c->transport != SUM_TRANSPORT_TCP)
        return;
    const SumProfile *classic = sum_plan_profile(SUM_GENERATION_CLASSIC);
    SumPortPos a, b;
    if ((in_family(classic, SUM_FAMILY_MESSAGE, c->orig_port, &a) &&
         in_family(classic, SUM_FAMILY_CONTROL, c->resp_port, &b)) ||
        (in_family(classic, SUM_FAMILY_MESSAGE, c->resp_port, &a) &&
         in_family(classic, SUM_FAMILY_CONTROL, c->orig_port, &b)))
        score[0] += sum_conn_is_tls(c) ? 3 : 1;
    const SumProfile *g7 = sum_plan_profile(SUM_GENERATION_7);
    const SumPortRule *web = sum_plan_rule(g7, SUM_FAMILY_FIRMWARE, SUM_TRANSPORT_TCP);
    const SumPortRule *sweb = sum_plan_rule(g7, SUM_FAMILY_CALLBACK, SUM_TRANSPORT_TCP);
    if (c->resp_port == web->base && c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST)
        score[1] += 2;
    if (c->resp_port == sweb->base && sum_conn_is_tls(c)) {
        score[1] += 2;
        if (sum_addr_is_loopback(&c->resp))
            score[2]++;
    }
}

static const SumProfile *
choose_profile(const guint score[3], gchar **reason)
{
    const SumProfile *classic = sum_plan_profile(SUM_GENERATION_CLASSIC);
    guint classic_score = score[0], web_score = score[1], gen8_score = score[2];
    if (classic_score == 0 && web_score == 0) {
        *reason = g_strdup("no sign of any SUM generation; the classic plan by default");
        return classic;
    }
    if (classic_score >= web_score) {
        *reason = g_strdup("message ports (60000 and up) talking to control listeners "
                           "(62286 and up): the classic SUM (4.x-6.x)");
        return classic;
    }
    if (gen8_score > 0) {
        *reason = g_strdup("the web server on 63002 also used on loopback between SUM's own "
                           "processes: SUM 8.x or later");
        return sum_plan_profile(SUM_GENERATION_8);
    }
    *reason = g_strdup("targets fetching from SUM's web server on 63001/63002: SUM 7.x or "
                       "later (no 8.x-only sign)");
    return sum_plan_profile(SUM_GENERATION_7);
}

/* --- Pairs -------------------------------------------------------------- */

/* Hash keys: the address family and bytes, so lookups need no allocation. */
static GBytes *
addr_key(const SumAddr *a)
{
    return g_bytes_new(a, sizeof *a);
}

static GBytes *
pair_key(const SumAddr *s, const SumAddr *t)
{
    SumAddr both[2] = {*s, *t};
    return g_bytes_new(both, sizeof both);
}

typedef struct {
    SumAddr a;
    SumAddr b;
    guint16 port;
    guint8 family;
} IndexKey; /* 37 bytes: no padding to hash */

static GBytes *
index_key(const SumAddr *a, const SumAddr *b, guint16 port, guint8 family)
{
    IndexKey k;
    memset(&k, 0, sizeof k);
    k.a = *a;
    if (b != NULL)
        k.b = *b;
    k.port = port;
    k.family = family;
    return g_bytes_new(&k, sizeof k);
}

static gpointer
index_get(GHashTable *t, const SumAddr *a, const SumAddr *b, guint16 port, guint8 family)
{
    GBytes *k = index_key(a, b, port, family);
    gpointer v = g_hash_table_lookup(t, k);
    g_bytes_unref(k);
    return v;
}

static Pair *
find_pair(Work *w, const SumAddr *s, const SumAddr *t)
{
    GBytes *k = pair_key(s, t);
    guint idx = GPOINTER_TO_UINT(g_hash_table_lookup(w->pair_index, k));
    g_bytes_unref(k);
    return idx == 0 ? NULL : &g_array_index(w->pairs, Pair, idx - 1);
}

static void
note_host(Work *w, const SumAddr *s, SumConfidence conf)
{
    GBytes *k = addr_key(s);
    SumConfidence old = (SumConfidence)GPOINTER_TO_UINT(g_hash_table_lookup(w->host_conf, k));
    if (conf > old)
        g_hash_table_replace(w->host_conf, g_bytes_ref(k), GUINT_TO_POINTER(conf));
    g_bytes_unref(k);
}

/* After pairs were re-graded or re-ordered. */
static void
reindex_pairs(Work *w)
{
    g_hash_table_remove_all(w->pair_index);
    g_hash_table_remove_all(w->host_conf);
    for (guint i = 0; i < w->pairs->len; i++) {
        const Pair *p = &g_array_index(w->pairs, Pair, i);
        g_hash_table_insert(w->pair_index, pair_key(&p->sum_host, &p->target),
                            GUINT_TO_POINTER(i + 1));
        note_host(w, &p->sum_host, p->confidence);
    }
}

static Pair *
note_pair(Work *w, const SumAddr *s, const SumAddr *t, SumConfidence conf, const SumConn *c)
{
    Pair *p = find_pair(w, s, t);
    if (p == NULL) {
        Pair np = {0};
        np.sum_host = *s;
        np.target = *t;
        np.first_frame = c->first_frame;
        np.t_first = c->t_first;
        g_array_append_val(w->pairs, np);
        g_hash_table_insert(w->pair_index, pair_key(s, t), GUINT_TO_POINTER(w->pairs->len));
        p = &g_array_index(w->pairs, Pair, w->pairs->len - 1);
    }
    if (conf > p->confidence)
        p->confidence = conf;
    note_host(w, s, p->confidence);
    if (c->first_frame < p->first_frame) {
        p->first_frame = c->first_frame;
        p->t_first = c->t_first;
    }
    return p;
}

static gboolean
is_hinted(const Work *w, const SumAddr *a)
{
    for (guint i = 0; i < w->hints->len; i++) {
        if (sum_addr_equal(&g_array_index(w->hints, SumAddr, i), a))
            return TRUE;
    }
    return FALSE;
}

static gboolean
is_sum_host(const Work *w, const SumAddr *a, SumConfidence min)
{
    if (is_hinted(w, a))
        return TRUE;
    GBytes *k = addr_key(a);
    SumConfidence c = (SumConfidence)GPOINTER_TO_UINT(g_hash_table_lookup(w->host_conf, k));
    g_bytes_unref(k);
    return c >= min;
}

static gboolean
is_target_of(const Work *w, const SumAddr *t, const SumAddr *s, SumConfidence min)
{
    const Pair *p = find_pair((Work *)w, s, t);
    return p != NULL && p->confidence >= min;
}

/* The message -> control shape, in either direction: the side holding the
 * message port is the SUM host (SUM-PORTS.md: classify by which side holds
 * the port, not by who sent the SYN). */
static gboolean
message_control_shape(const SumProfile *p, const SumConn *c, const SumAddr **sum_host,
                      const SumAddr **target, guint16 *msg_port, guint16 *ctl_port)
{
    SumPortPos a, b;
    if (c->transport != SUM_TRANSPORT_TCP)
        return FALSE;
    if (in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, &a) &&
        in_family(p, SUM_FAMILY_CONTROL, c->resp_port, &b)) {
        *sum_host = &c->orig;
        *target = &c->resp;
        *msg_port = c->orig_port;
        *ctl_port = c->resp_port;
        return TRUE;
    }
    if (in_family(p, SUM_FAMILY_MESSAGE, c->resp_port, &a) &&
        in_family(p, SUM_FAMILY_CONTROL, c->orig_port, &b)) {
        *sum_host = &c->resp;
        *target = &c->orig;
        *msg_port = c->resp_port;
        *ctl_port = c->orig_port;
        return TRUE;
    }
    return FALSE;
}

/* The responder itself spoke TLS (or answered a ClientHello without data
 * seen back yet): a SUM TLS listener, not something else on its port. */
static gboolean
resp_speaks_tls(const SumConn *c)
{
    if (!sum_conn_answered(c))
        return FALSE;
    return c->resp_payload == SUM_PAYLOAD_TLS ||
           (c->resp_payload == SUM_PAYLOAD_NONE && c->orig_payload == SUM_PAYLOAD_TLS);
}

static gboolean
conn_failed(const SumConn *c)
{
    return c->state == SUM_CONN_S0 || c->state == SUM_CONN_REJ || c->state == SUM_CONN_SH;
}

/* Grade the pair evidence of one message -> control connection. */
static SumConfidence
grade_message_control(const Work *w, const SumConn *c, const SumAddr *sum_host,
                      guint16 msg_port, guint16 ctl_port)
{
    const SumProfile *p = work_profile(w);
    SumPortPos mp, cp;
    in_family(p, SUM_FAMILY_MESSAGE, msg_port, &mp);
    in_family(p, SUM_FAMILY_CONTROL, ctl_port, &cp);
    if (sum_conn_is_tls(c))
        return SUM_CONFIDENCE_HIGH;
    if (is_hinted(w, sum_host))
        return SUM_CONFIDENCE_MEDIUM;
    if (conn_failed(c) && mp.documented && cp.offset == 0)
        return SUM_CONFIDENCE_MEDIUM;
    return SUM_CONFIDENCE_LOW;
}

/* A "SUM host" whose every attempt failed, towards more distinct targets
 * than a deployment has, is a scanner: its pairs are port matches only. */
static void
demote_scanners(Work *w)
{
    GHashTable *failed = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                               (GDestroyNotify)g_bytes_unref, NULL);
    GHashTable *tls = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                            (GDestroyNotify)g_bytes_unref, NULL);
    for (guint i = 0; i < w->pairs->len; i++) {
        const Pair *p = &g_array_index(w->pairs, Pair, i);
        GBytes *k = addr_key(&p->sum_host);
        if (p->tls_seen) {
            g_hash_table_replace(tls, k, GUINT_TO_POINTER(1));
        } else {
            guint n = GPOINTER_TO_UINT(g_hash_table_lookup(failed, k));
            g_hash_table_replace(failed, k, GUINT_TO_POINTER(n + 1));
        }
    }
    gboolean changed = FALSE;
    for (guint i = 0; i < w->pairs->len; i++) {
        Pair *p = &g_array_index(w->pairs, Pair, i);
        GBytes *k = addr_key(&p->sum_host);
        if (!g_hash_table_contains(tls, k) && !is_hinted(w, &p->sum_host) &&
            GPOINTER_TO_UINT(g_hash_table_lookup(failed, k)) > SUM_RECON_SCAN_TARGETS &&
            p->confidence > SUM_CONFIDENCE_LOW) {
            p->confidence = SUM_CONFIDENCE_LOW;
            changed = TRUE;
        }
        g_bytes_unref(k);
    }
    if (changed)
        reindex_pairs(w);
    g_hash_table_destroy(failed);
    g_hash_table_destroy(tls);
}

static void
find_pairs(Work *w)
{
    const SumProfile *p = work_profile(w);
    /* Pass 1: message -> control connections. */
    for (guint i = 0; i < w->conns->len; i++) {
        const SumConn *c = &g_array_index(w->conns, SumConn, i);
        const SumAddr *s, *t;
        guint16 mport, cport;
        if (!message_control_shape(p, c, &s, &t, &mport, &cport))
            continue;
        Pair *pair = note_pair(w, s, t, grade_message_control(w, c, s, mport, cport), c);
        pair->families |= 1u << SUM_FAMILY_MESSAGE;
        if (sum_conn_is_tls(c))
            pair->tls_seen = TRUE;
    }
    demote_scanners(w);
    /* A weak pair of a host that is a SUM host elsewhere is part of its
     * sequence (an overflow attempt that was blocked, say). */
    for (guint i = 0; i < w->pairs->len; i++) {
        Pair *pair = &g_array_index(w->pairs, Pair, i);
        if (pair->confidence == SUM_CONFIDENCE_LOW &&
            is_sum_host(w, &pair->sum_host, SUM_CONFIDENCE_MEDIUM))
            pair->confidence = SUM_CONFIDENCE_MEDIUM;
    }
    /* Pass 2: callback and firmware connections towards a known SUM host. */
    for (guint i = 0; i < w->conns->len; i++) {
        const SumConn *c = &g_array_index(w->conns, SumConn, i);
        SumPortPos pos;
        if (c->transport != SUM_TRANSPORT_TCP || !is_sum_host(w, &c->resp, SUM_CONFIDENCE_MEDIUM))
            continue;
        if (sum_addr_equal(&c->orig, &c->resp) || sum_addr_is_loopback(&c->orig))
            continue;
        gboolean known = is_target_of(w, &c->orig, &c->resp, SUM_CONFIDENCE_MEDIUM);
        if (in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, &pos) && c->resp_port != p->ipc_port) {
            if (known || sum_conn_is_tls(c)) {
                Pair *pair = note_pair(w, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM, c);
                pair->families |= 1u << SUM_FAMILY_CALLBACK;
            }
        } else if (in_family(p, SUM_FAMILY_FIRMWARE, c->resp_port, &pos)) {
            /* Port 80 only from a known target: never steal HTTP in general. */
            if (known || (pos.offset > 0 && c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST)) {
                Pair *pair = note_pair(w, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM, c);
                pair->families |= 1u << SUM_FAMILY_FIRMWARE;
            }
        }
    }
    /* Two independent SUM channels make a pair certain. */
    for (guint i = 0; i < w->pairs->len; i++) {
        Pair *pair = &g_array_index(w->pairs, Pair, i);
        if (pair->confidence == SUM_CONFIDENCE_MEDIUM && g_bit_nth_lsf(pair->families, -1) >= 0 &&
            (pair->families & (pair->families - 1)) != 0)
            pair->confidence = SUM_CONFIDENCE_HIGH;
    }
}

/* --- Channels ----------------------------------------------------------- */

/* The first graded pair: loopback IPC belongs to the capture's SUM host. */
static const Pair *
first_sum_pair(const Work *w)
{
    for (guint i = 0; i < w->pairs->len; i++) {
        const Pair *p = &g_array_index(w->pairs, Pair, i);
        if (p->confidence >= SUM_CONFIDENCE_MEDIUM)
            return p;
    }
    return NULL;
}

/* Which family a connection between a known pair belongs to. */
static SumFamily
channel_family(const Work *w, const SumConn *c, const SumAddr **holder, guint16 *port)
{
    const SumProfile *p = work_profile(w);
    const SumAddr *s, *t;
    guint16 mport, cport;
    SumPortPos pos;
    if (message_control_shape(p, c, &s, &t, &mport, &cport)) {
        const Pair *pair = find_pair((Work *)w, s, t);
        if (pair != NULL && pair->confidence >= SUM_CONFIDENCE_MEDIUM) {
            *holder = s;
            *port = mport;
            return SUM_FAMILY_MESSAGE;
        }
        return SUM_FAMILY_NONE;
    }
    if (c->transport == SUM_TRANSPORT_TCP && is_target_of(w, &c->orig, &c->resp,
                                                          SUM_CONFIDENCE_MEDIUM)) {
        if (in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, &pos) &&
            c->resp_port != p->ipc_port) {
            *holder = &c->resp;
            *port = c->resp_port;
            return SUM_FAMILY_CALLBACK;
        }
        if (in_family(p, SUM_FAMILY_FIRMWARE, c->resp_port, &pos)) {
            *holder = &c->resp;
            *port = c->resp_port;
            return SUM_FAMILY_FIRMWARE;
        }
    }
    /* SUM's own IPC on loopback, on a host already known as a SUM host. */
    if (c->transport == SUM_TRANSPORT_TCP && p->ipc_port != 0 && c->resp_port == p->ipc_port &&
        sum_addr_is_loopback(&c->resp) && first_sum_pair(w) != NULL) {
        *holder = &c->resp;
        *port = c->resp_port;
        return SUM_FAMILY_IPC;
    }
    /* Bootstrap: only from a SUM host to one of its targets. */
    if (is_target_of(w, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM)) {
        const SumPortRule *r;
        for (gsize i = 0; i < p->n_rules; i++) {
            r = &p->rules[i];
            if (r->family == SUM_FAMILY_BOOTSTRAP && r->transport == c->transport &&
                r->base == c->resp_port) {
                *holder = &c->resp;
                *port = c->resp_port;
                return SUM_FAMILY_BOOTSTRAP;
            }
        }
    }
    return SUM_FAMILY_NONE;
}

static void
build_channels(Work *w)
{
    for (guint i = 0; i < w->conns->len; i++) {
        const SumConn *c = &g_array_index(w->conns, SumConn, i);
        const SumAddr *holder = NULL;
        guint16 port = 0;
        SumFamily f = channel_family(w, c, &holder, &port);
        w->conn_channel[i] = -1;
        if (f == SUM_FAMILY_NONE)
            continue;
        SumChannel *ch = g_new0(SumChannel, 1);
        ch->conn = *c;
        ch->family = f;
        ch->sum_port = port;
        ch->port_holder = *holder;
        ch->allocation = -1;
        ch->peer_allocation = -1;
        const Pair *pair = NULL;
        switch (f) {
        case SUM_FAMILY_MESSAGE:
            pair = find_pair(w, holder, sum_addr_equal(holder, &c->orig) ? &c->resp : &c->orig);
            break;
        case SUM_FAMILY_BOOTSTRAP:
            pair = find_pair(w, &c->orig, &c->resp);
            break;
        case SUM_FAMILY_IPC:
            pair = first_sum_pair(w);
            break;
        default:
            pair = find_pair(w, &c->resp, &c->orig);
            break;
        }
        ch->sum_host = pair->sum_host;
        ch->target = f == SUM_FAMILY_IPC ? c->resp : pair->target;
        /* IPC is seen on loopback, but the port is the SUM host's. */
        if (f == SUM_FAMILY_IPC)
            ch->port_holder = pair->sum_host;
        ch->session = pair->session;
        ch->confidence = pair->confidence;
        w->conn_channel[i] = (gint)w->result->channels->len;
        g_ptr_array_add(w->result->channels, ch);
    }
}

/* --- Hosts and sessions ------------------------------------------------- */

static SumHost *
host_for(Work *w, const SumAddr *a, SumRole role, SumConfidence conf, const Pair *pair)
{
    GPtrArray *hosts = w->result->hosts;
    for (guint i = 0; i < hosts->len; i++) {
        SumHost *h = g_ptr_array_index(hosts, i);
        if (sum_addr_equal(&h->addr, a) && h->role == role) {
            h->confidence = MAX(h->confidence, conf);
            h->n_peers++;
            if (pair->first_frame < h->first_frame) {
                h->first_frame = pair->first_frame;
                h->t_first = pair->t_first;
            }
            return h;
        }
    }
    SumHost *h = g_new0(SumHost, 1);
    h->addr = *a;
    h->role = role;
    h->confidence = conf;
    h->n_peers = 1;
    h->first_frame = pair->first_frame;
    h->t_first = pair->t_first;
    g_ptr_array_add(hosts, h);
    return h;
}

static gint
pair_cmp(gconstpointer a, gconstpointer b)
{
    const Pair *x = a, *y = b;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

static void
build_hosts(Work *w)
{
    g_array_sort(w->pairs, pair_cmp);
    reindex_pairs(w);
    guint session = 0;
    for (guint i = 0; i < w->pairs->len; i++) {
        Pair *p = &g_array_index(w->pairs, Pair, i);
        if (p->confidence < SUM_CONFIDENCE_MEDIUM)
            continue;
        p->session = ++session;
    }
    for (guint i = 0; i < w->pairs->len; i++) {
        const Pair *p = &g_array_index(w->pairs, Pair, i);
        if (p->confidence < SUM_CONFIDENCE_MEDIUM)
            continue;
        host_for(w, &p->sum_host, SUM_ROLE_SUM_HOST, p->confidence, p);
        host_for(w, &p->target, SUM_ROLE_TARGET, p->confidence, p);
    }
    GPtrArray *hosts = w->result->hosts;
    for (guint i = 0; i < hosts->len; i++) {
        SumHost *h = g_ptr_array_index(hosts, i);
        h->id = i + 1;
        gboolean tls = FALSE;
        guint fams = 0;
        for (guint j = 0; j < w->pairs->len; j++) {
            const Pair *p = &g_array_index(w->pairs, Pair, j);
            if (p->confidence < SUM_CONFIDENCE_MEDIUM)
                continue;
            if (sum_addr_equal(h->role == SUM_ROLE_SUM_HOST ? &p->sum_host : &p->target,
                               &h->addr)) {
                tls |= p->tls_seen;
                fams |= p->families;
            }
        }
        GString *why = g_string_new(NULL);
        if (h->role == SUM_ROLE_SUM_HOST)
            g_string_append(why, (fams & (1u << SUM_FAMILY_MESSAGE))
                                     ? "opens connections from message ports to control "
                                       "listeners"
                                     : "reached by targets on SUM's callback or firmware ports");
        else
            g_string_append(why, (fams & (1u << SUM_FAMILY_MESSAGE))
                                     ? "holds a control listener reached from message ports"
                                     : "reaches a SUM host's callback or firmware port");
        if (tls)
            g_string_append(why, ", with TLS");
        if (is_hinted(w, &h->addr))
            g_string_append(why, " (--sum-host)");
        h->why = g_string_free(why, FALSE);
    }
}

/* --- Allocations -------------------------------------------------------- */

typedef struct {
    SumAddr host;
    guint16 port;
} HostPort;

static gboolean
channel_active_at(const SumChannel *ch, gint64 t)
{
    return ch->conn.t_first <= t && t <= ch->conn.t_last;
}

/* Non-SUM connections on HOST:PORT (the host holding the port). */
static const SumConn *
foreign_traffic(const Work *w, const SumAddr *host, guint16 port)
{
    guint idx = GPOINTER_TO_UINT(index_get(w->foreign, host, NULL, port, 0));
    return idx == 0 ? NULL : &g_array_index(w->conns, SumConn, idx - 1);
}

/* A SUM peer that reached HOST:PORT and found a reset or a non-TLS service. */
static const SumChannel *
probe_evidence(const Work *w, const SumAddr *host, guint16 port)
{
    return index_get(w->probes, host, NULL, port, 0);
}

/* Whether this host's SUM used PORT for FAMILY at any time in the capture. */
static gboolean
sum_ever_used(const Work *w, const SumAddr *host, SumFamily f, guint16 port)
{
    return index_get(w->by_port, host, NULL, port, (guint8)f) != NULL;
}

static gboolean
sum_held_at(const Work *w, const SumAddr *host, SumFamily f, guint16 port, gint64 t)
{
    const GPtrArray *chs = index_get(w->by_port, host, NULL, port, (guint8)f);
    for (guint i = 0; chs != NULL && i < chs->len; i++) {
        if (channel_active_at(g_ptr_array_index(chs, i), t))
            return TRUE;
    }
    return FALSE;
}

static SumAllocation *
alloc_new(const SumChannel *ch, SumFamily f, const SumAddr *host, guint16 port)
{
    SumAllocation *a = g_new0(SumAllocation, 1);
    a->host = *host;
    a->family = f;
    a->port = port;
    a->conflicting_ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    a->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    a->first_peer = sum_addr_equal(&ch->conn.orig, host) ? ch->conn.resp : ch->conn.orig;
    a->t_first = ch->conn.t_first;
    a->t_last = ch->conn.t_last;
    a->first_frame = ch->conn.first_frame;
    a->session = ch->session;
    a->confidence = ch->confidence;
    return a;
}

static gint
find_alloc(const Work *w, const SumAddr *host, SumFamily f, guint16 port)
{
    GPtrArray *as = w->result->allocations;
    for (guint i = 0; i < as->len; i++) {
        const SumAllocation *a = g_ptr_array_index(as, i);
        if (a->family == f && a->port == port && sum_addr_equal(&a->host, host))
            return (gint)i;
    }
    return -1;
}

static gint
alloc_add(Work *w, const SumChannel *ch, SumFamily f, const SumAddr *host, guint16 port)
{
    gint idx = find_alloc(w, host, f, port);
    SumAllocation *a;
    if (idx < 0) {
        a = alloc_new(ch, f, host, port);
        idx = (gint)w->result->allocations->len;
        g_ptr_array_add(w->result->allocations, a);
    } else {
        a = g_ptr_array_index(w->result->allocations, idx);
        a->t_first = MIN(a->t_first, ch->conn.t_first);
        a->t_last = MAX(a->t_last, ch->conn.t_last);
        a->confidence = MAX(a->confidence, ch->confidence);
    }
    a->n_connections++;
    if (a->frames->len < SUM_RECON_MAX_FRAMES)
        g_array_append_val(a->frames, ch->conn.first_frame);
    return idx;
}

/* Marks control probes: the SUM host reached a control port and found a
 * reset or a non-TLS service there, then reached a higher control port of the
 * same target that answered TLS (SUM-PORTS.md: a control listener that
 * moved). */
static void
mark_search_steps(Work *w)
{
    GPtrArray *chs = w->result->channels;
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
                resp_speaks_tls(&later->conn)) {
                ch->search_step = TRUE;
                break;
            }
        }
    }
}

static void
add_conflict(GArray *ports, guint16 q)
{
    for (guint i = 0; i < ports->len; i++) {
        if (g_array_index(ports, guint16, i) == q)
            return;
    }
    g_array_append_val(ports, q);
}

/* How strongly a lower port is known to be held by another program. */
static SumEvidence
conflict_evidence_of(const Work *w, const SumAddr *host, guint16 q)
{
    if (foreign_traffic(w, host, q) != NULL)
        return SUM_EVIDENCE_TRAFFIC;
    if (probe_evidence(w, host, q) != NULL)
        return SUM_EVIDENCE_PROBE;
    return SUM_EVIDENCE_INFERRED;
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

static void
decide_cause(Work *w, SumAllocation *a)
{
    const SumProfile *p = work_profile(w);
    const SumPortRule *rule = sum_plan_rule(p, a->family, SUM_TRANSPORT_TCP);
    SumPortPos pos;
    if (rule == NULL || !sum_plan_position(rule, a->port, &pos)) {
        a->cause = SUM_CAUSE_UNKNOWN;
        return;
    }
    a->base = pos.base;
    a->offset = pos.offset;
    a->range_end = pos.range_end;
    if (a->family == SUM_FAMILY_IPC || pos.offset == 0) {
        a->cause = SUM_CAUSE_DEFAULT;
        return;
    }
    gboolean own_seen = FALSE, unexplained = FALSE;
    GArray *inferred = g_array_new(FALSE, FALSE, sizeof(guint16));
    for (guint16 k = 0; k < pos.offset; k++) {
        guint16 q = sum_plan_port_at(rule, k);
        if (q == 0)
            break;
        /* The callback's base is SUM's own IPC (SUM-PORTS.md: 61001 is the
         * normal callback port), unless another program is seen on it. */
        if (a->family == SUM_FAMILY_CALLBACK && q == p->ipc_port) {
            if (foreign_traffic(w, &a->host, q) != NULL) {
                add_conflict(a->conflicting_ports, q);
                a->conflict_evidence = stronger(a->conflict_evidence, SUM_EVIDENCE_TRAFFIC);
            }
            continue;
        }
        gboolean shared = a->family == SUM_FAMILY_MESSAGE || a->family == SUM_FAMILY_CALLBACK;
        if (shared && sum_held_at(w, &a->host, a->family, q, a->t_first)) {
            own_seen = TRUE;
            continue;
        }
        SumEvidence ev = conflict_evidence_of(w, &a->host, q);
        /* A port SUM itself used at another time in the capture, with
         * nothing seen holding it now: the guide also says "chosen at
         * random", so this allocation is not sequential and no conflict is
         * inferred from its gaps (positive evidence still counts). */
        if (ev == SUM_EVIDENCE_INFERRED && shared && sum_ever_used(w, &a->host, a->family, q)) {
            unexplained = TRUE;
            continue;
        }
        if (ev == SUM_EVIDENCE_INFERRED) {
            g_array_append_val(inferred, q);
            continue;
        }
        add_conflict(a->conflicting_ports, q);
        a->conflict_evidence = stronger(a->conflict_evidence, ev);
    }
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
    if (pos.overflow && rule->overflow_counts)
        a->cause = SUM_CAUSE_OVERFLOW;
    else if (a->conflicting_ports->len > 0)
        a->cause = SUM_CAUSE_CONFLICT;
    else if (a->family == SUM_FAMILY_CALLBACK && pos.offset == 1 && p->ipc_port == rule->base)
        a->cause = SUM_CAUSE_IPC_RESERVED;
    else if (own_seen)
        a->cause = SUM_CAUSE_CONCURRENT;
    else if (a->family == SUM_FAMILY_CALLBACK && p->ipc_port == rule->base && !unexplained)
        a->cause = SUM_CAUSE_CONCURRENT;
    else
        a->cause = SUM_CAUSE_UNKNOWN;
    if (unexplained)
        a->confidence = SUM_CONFIDENCE_LOW;
}

static GHashTable *
bytes_table(GDestroyNotify free_value)
{
    return g_hash_table_new_full(g_bytes_hash, g_bytes_equal, (GDestroyNotify)g_bytes_unref,
                                 free_value);
}

static void
index_put_first(GHashTable *t, GBytes *k, gpointer v)
{
    if (g_hash_table_contains(t, k))
        g_bytes_unref(k);
    else
        g_hash_table_insert(t, k, v);
}

static void
add_sent(GHashTable *t, const SumAddr *from, const SumAddr *to, guint64 n)
{
    if (n == 0)
        return;
    GBytes *k = index_key(from, to, 0, 0);
    gsize have = GPOINTER_TO_SIZE(g_hash_table_lookup(t, k));
    g_hash_table_replace(t, k, GSIZE_TO_POINTER(have + (gsize)MIN(n, G_MAXSIZE - have)));
}

/* Once channels and search steps are known. */
static void
build_indexes(Work *w)
{
    w->foreign = bytes_table(NULL);
    w->probes = bytes_table(NULL);
    w->by_port = bytes_table((GDestroyNotify)g_ptr_array_unref);
    w->answered = bytes_table(g_free);
    w->one_way = bytes_table(NULL);
    w->sent = bytes_table(NULL);
    for (guint i = 0; i < w->conns->len; i++) {
        const SumConn *c = &g_array_index(w->conns, SumConn, i);
        /* Established by the originator's own ACKs and data, with no packet
         * back in the capture: only its side was captured (sum_tcp_track,
         * "one direction"). */
        if (c->transport == SUM_TRANSPORT_TCP && c->roles_known && c->packets > 0 &&
            c->resp_packets == 0 && sum_conn_answered(c))
            index_put_first(w->one_way, index_key(&c->orig, NULL, 0, 0), GUINT_TO_POINTER(1));
        add_sent(w->sent, &c->resp, &c->orig, c->resp_packets);
        add_sent(w->sent, &c->orig, &c->resp, c->packets - c->resp_packets);
        if (w->conn_channel[i] >= 0)
            continue;
        if (sum_conn_answered(c))
            index_put_first(w->foreign, index_key(&c->resp, NULL, c->resp_port, 0),
                            GUINT_TO_POINTER(i + 1));
        index_put_first(w->foreign, index_key(&c->orig, NULL, c->orig_port, 0),
                        GUINT_TO_POINTER(i + 1));
    }
    GPtrArray *chs = w->result->channels;
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        if (ch->search_step)
            index_put_first(w->probes, index_key(&ch->conn.resp, NULL, ch->conn.resp_port, 0),
                            ch);
        else {
            GBytes *k = index_key(&ch->port_holder, NULL, ch->sum_port, (guint8)ch->family);
            GPtrArray *list = g_hash_table_lookup(w->by_port, k);
            if (list == NULL) {
                list = g_ptr_array_new();
                g_hash_table_insert(w->by_port, g_bytes_ref(k), list);
            }
            g_ptr_array_add(list, ch);
            g_bytes_unref(k);
        }
        if (sum_conn_answered(&ch->conn)) {
            GBytes *k = index_key(&ch->conn.orig, &ch->conn.resp, ch->conn.resp_port, 0);
            SumFrame *last = g_hash_table_lookup(w->answered, k);
            if (last == NULL) {
                last = g_new0(SumFrame, 1);
                g_hash_table_insert(w->answered, g_bytes_ref(k), last);
            }
            *last = MAX(*last, ch->conn.first_frame);
            g_bytes_unref(k);
        }
    }
}

static void
free_indexes(Work *w)
{
    g_clear_pointer(&w->foreign, g_hash_table_destroy);
    g_clear_pointer(&w->probes, g_hash_table_destroy);
    g_clear_pointer(&w->by_port, g_hash_table_destroy);
    g_clear_pointer(&w->answered, g_hash_table_destroy);
    g_clear_pointer(&w->one_way, g_hash_table_destroy);
    g_clear_pointer(&w->sent, g_hash_table_destroy);
}

static void
build_allocations(Work *w)
{
    GPtrArray *chs = w->result->channels;
    for (guint i = 0; i < chs->len; i++) {
        SumChannel *ch = g_ptr_array_index(chs, i);
        switch (ch->family) {
        case SUM_FAMILY_MESSAGE:
            /* The source port is SUM's from the first SYN, answered or not. */
            ch->allocation = alloc_add(w, ch, SUM_FAMILY_MESSAGE, &ch->port_holder,
                                       ch->sum_port);
            /* The control listener: answered with TLS. */
            if (resp_speaks_tls(&ch->conn)) {
                guint16 cport = sum_addr_equal(&ch->conn.resp, &ch->target)
                                    ? ch->conn.resp_port
                                    : ch->conn.orig_port;
                ch->peer_allocation = alloc_add(w, ch, SUM_FAMILY_CONTROL, &ch->target, cport);
            }
            break;
        case SUM_FAMILY_CALLBACK:
        case SUM_FAMILY_FIRMWARE:
        case SUM_FAMILY_IPC:
            ch->allocation = alloc_add(w, ch, ch->family, &ch->port_holder, ch->sum_port);
            break;
        default:
            break;
        }
    }
    GPtrArray *as = w->result->allocations;
    for (guint i = 0; i < as->len; i++)
        decide_cause(w, g_ptr_array_index(as, i));
}

/* --- Findings ----------------------------------------------------------- */

static SumFinding *
finding_get(Work *w, SumFindingCode code, const SumAddr *host, guint16 port, gboolean *fresh)
{
    GPtrArray *fs = w->result->findings;
    for (guint i = 0; i < fs->len; i++) {
        SumFinding *f = g_ptr_array_index(fs, i);
        if (f->code == code && f->port == port && sum_addr_equal(&f->host, host)) {
            *fresh = FALSE;
            return f;
        }
    }
    SumFinding *f = g_new0(SumFinding, 1);
    f->code = code;
    f->severity = sum_plan_finding_severity(code);
    f->host = *host;
    f->port = port;
    f->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    f->t_first = G_MAXINT64;
    g_ptr_array_add(fs, f);
    *fresh = TRUE;
    return f;
}

static void
finding_frame(SumFinding *f, SumFrame frame, gint64 t)
{
    f->count++;
    if (t < f->t_first)
        f->t_first = t;
    for (guint i = 0; i < f->frames->len; i++) {
        if (g_array_index(f->frames, SumFrame, i) == frame)
            return;
    }
    if (frame != 0 && f->frames->len < SUM_RECON_MAX_FRAMES)
        g_array_append_val(f->frames, frame);
}

static const char *
addr_str(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

static const char *
evidence_words(SumEvidence e)
{
    switch (e) {
    case SUM_EVIDENCE_TRAFFIC:
        return "another program's traffic was seen on it";
    case SUM_EVIDENCE_PROBE:
        return "a peer that reached it found something that is not SUM";
    default:
        return "nothing in the capture shows what held it (inferred)";
    }
}

static void
conflict_findings(Work *w)
{
    GPtrArray *as = w->result->allocations;
    char hb[SUM_ADDR_STRLEN];
    for (guint i = 0; i < as->len; i++) {
        const SumAllocation *a = g_ptr_array_index(as, i);
        for (guint k = 0; k < a->conflicting_ports->len; k++) {
            guint16 q = g_array_index(a->conflicting_ports, guint16, k);
            gboolean fresh;
            SumFinding *f = finding_get(w, SUM_FINDING_PORT_CONFLICT, &a->host, q, &fresh);
            SumEvidence ev = conflict_evidence_of(w, &a->host, q);
            const SumConn *fc = foreign_traffic(w, &a->host, q);
            const SumChannel *probe = probe_evidence(w, &a->host, q);
            if (fc != NULL)
                finding_frame(f, fc->first_frame, fc->t_first);
            if (probe != NULL)
                finding_frame(f, probe->conn.first_frame, probe->conn.t_first);
            finding_frame(f, a->first_frame, a->t_first);
            if (!fresh)
                continue;
            f->family = a->family;
            f->peer = a->first_peer;
            f->evidence = ev;
            f->message = g_strdup_printf(
                "%s port %u on %s was taken, so SUM used %u instead: %s",
                sum_plan_family_name(a->family), q, addr_str(&a->host, hb), a->port,
                evidence_words(ev));
            f->advice = g_strdup_printf(
                "open %u (the port SUM actually used) rather than %u in the firewall of %s; "
                "to see what holds %u: 'ss -ltnp' on Linux, 'netstat -abno' and "
                "'netsh interface ipv4 show excludedportrange protocol=tcp' on Windows",
                a->port, q, hb, q);
        }
        if (a->cause == SUM_CAUSE_OVERFLOW) {
            gboolean fresh;
            SumFinding *f = finding_get(w, SUM_FINDING_RANGE_OVERFLOW, &a->host, a->port, &fresh);
            finding_frame(f, a->first_frame, a->t_first);
            if (fresh) {
                f->family = a->family;
                f->peer = a->first_peer;
                f->evidence = SUM_EVIDENCE_TRAFFIC;
                const SumPortRule *rule = sum_plan_rule(w->profile, a->family,
                                                        SUM_TRANSPORT_TCP);
                guint16 lo = rule->fallback_lo != 0 ? rule->fallback_lo : a->base;
                f->message = g_strdup_printf("%s port %u on %s is past the documented range "
                                             "%u-%u", sum_plan_family_name(a->family), a->port,
                                             addr_str(&a->host, hb), lo, a->range_end);
                f->advice = g_strdup_printf(
                    "firewall rules that allow only %u-%u miss this port: open %u on %s too", lo,
                    a->range_end, a->port, hb);
            }
        }
    }
}

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

/* A later attempt from the same peer to the same host and port was answered. */
static gboolean
answered_later(const Work *w, const SumChannel *ch)
{
    const SumFrame *last = index_get(w->answered, &ch->conn.orig, &ch->conn.resp,
                                     ch->conn.resp_port, 0);
    return last != NULL && *last > ch->conn.first_frame;
}

static void
failure_findings(Work *w)
{
    GPtrArray *chs = w->result->channels;
    char hb[SUM_ADDR_STRLEN], pb[SUM_ADDR_STRLEN];
    for (guint i = 0; i < chs->len; i++) {
        const SumChannel *ch = g_ptr_array_index(chs, i);
        const SumConn *c = &ch->conn;
        SumFindingCode code;
        if (ch->family == SUM_FAMILY_IPC)
            continue;
        if (attempt_blocked(c))
            code = SUM_FINDING_PORT_BLOCKED;
        else if (attempt_refused(c) && !ch->search_step)
            code = SUM_FINDING_PORT_REFUSED;
        else if ((ch->family == SUM_FAMILY_MESSAGE || ch->family == SUM_FAMILY_CALLBACK) &&
                 sum_conn_answered(c) && c->resp_payload != SUM_PAYLOAD_NONE &&
                 c->resp_payload != SUM_PAYLOAD_TLS)
            code = SUM_FINDING_NOT_SUM_SERVICE;
        else
            continue;
        if (code != SUM_FINDING_NOT_SUM_SERVICE && answered_later(w, ch))
            continue;
        /* One SYN, no retry, from a host only whose side was captured, and
         * nothing at all from resp back to it: a reset would not show
         * either, so it may as well have been refused. (Retried SYNs are the
         * client's own word that nothing came back.) */
        gboolean unseen_reply = code == SUM_FINDING_PORT_BLOCKED && !c->icmp_unreachable &&
                                c->syn_count <= 1 &&
                                index_get(w->one_way, &c->orig, NULL, 0, 0) != NULL &&
                                index_get(w->sent, &c->resp, &c->orig, 0, 0) == NULL;
        gboolean fresh;
        SumFinding *f = finding_get(w, code, &c->resp, c->resp_port, &fresh);
        finding_frame(f, c->first_frame, c->t_first);
        if (c->icmp_frame != 0)
            finding_frame(f, c->icmp_frame, c->t_first);
        if (c->rst_frame != 0 && code == SUM_FINDING_PORT_REFUSED)
            finding_frame(f, c->rst_frame, c->t_first);
        if (!fresh)
            continue;
        /* The family of the listening port: a message channel fails at the
         * target's control port. */
        f->family = ch->family == SUM_FAMILY_MESSAGE ? SUM_FAMILY_CONTROL : ch->family;
        f->peer = c->orig;
        f->evidence = SUM_EVIDENCE_PROBE;
        addr_str(&c->resp, hb);
        addr_str(&c->orig, pb);
        if (unseen_reply) {
            f->severity = SUM_SEVERITY_WARNING;
            f->evidence = SUM_EVIDENCE_INFERRED;
            f->message = g_strdup_printf(
                "%s port %u on %s: no answer to %s's SYN in the capture, which holds only "
                "what %s sent (its answered connections show no packet back): refused or "
                "dropped, the capture cannot tell (one SYN, no retry: more likely refused)",
                sum_plan_family_name(f->family), c->resp_port, hb, pb, pb);
            f->advice = g_strdup_printf(
                "capture both directions, or check that SUM's listener runs on %s and that "
                "TCP %u is allowed inbound from %s", hb, c->resp_port, pb);
            continue;
        }
        switch (code) {
        case SUM_FINDING_PORT_BLOCKED:
            f->message = g_strdup_printf(
                "%s port %u on %s never answered %s (%u SYN%s%s): a firewall drops it",
                sum_plan_family_name(f->family), c->resp_port, hb, pb, c->syn_count,
                c->syn_count == 1 ? "" : "s", c->icmp_unreachable ? ", ICMP unreachable" : "");
            f->advice = g_strdup_printf("allow TCP %u inbound on %s from %s", c->resp_port, hb,
                                        pb);
            break;
        case SUM_FINDING_PORT_REFUSED:
            f->message = g_strdup_printf(
                "%s port %u on %s refused %s (%s): nothing listens there, or a firewall "
                "rejects", sum_plan_family_name(f->family), c->resp_port, hb, pb,
                c->icmp_unreachable ? "ICMP port unreachable" : "TCP reset");
            f->advice = g_strdup_printf(
                "check that SUM's listener runs on %s ('ss -ltnp' / 'netstat -abno') and "
                "allow TCP %u inbound from %s", hb, c->resp_port, pb);
            break;
        default:
            f->message = g_strdup_printf(
                "%s port %u on %s answered %s with %s, not TLS: another service holds it",
                sum_plan_family_name(f->family), c->resp_port, hb, pb,
                sum_payload_name(c->resp_payload));
            f->advice = g_strdup_printf("find what listens on %u on %s ('ss -ltnp' / "
                                        "'netstat -abno')", c->resp_port, hb);
            break;
        }
    }
}

static gint
finding_cmp(gconstpointer a, gconstpointer b)
{
    const SumFinding *x = *(SumFinding *const *)a, *y = *(SumFinding *const *)b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->t_first != y->t_first)
        return x->t_first < y->t_first ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
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

static GHashTable *sort_ranks; /* host address -> rank + 1, while sorting */

static guint
host_rank(const SumResult *r, const SumAddr *a)
{
    (void)r;
    GBytes *k = g_bytes_new(a, sizeof *a);
    guint rank = GPOINTER_TO_UINT(g_hash_table_lookup(sort_ranks, k));
    g_bytes_unref(k);
    return rank == 0 ? G_MAXUINT : rank - 1;
}

static const SumResult *sort_result; /* only during g_ptr_array_sort below */

static gint
alloc_cmp(gconstpointer a, gconstpointer b)
{
    const SumAllocation *x = *(SumAllocation *const *)a, *y = *(SumAllocation *const *)b;
    guint hx = host_rank(sort_result, &x->host), hy = host_rank(sort_result, &y->host);
    if (hx != hy)
        return hx < hy ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

static void
renumber_allocations(SumResult *r, GPtrArray *before)
{
    /* Channels point at allocations by index: map the old order to the new. */
    gint *map = g_new(gint, MAX(before->len, 1u));
    for (guint i = 0; i < before->len; i++) {
        gpointer a = g_ptr_array_index(before, i);
        guint j = 0;
        g_ptr_array_find(r->allocations, a, &j);
        map[i] = (gint)j;
    }
    for (guint i = 0; i < r->channels->len; i++) {
        SumChannel *ch = g_ptr_array_index(r->channels, i);
        if (ch->allocation >= 0)
            ch->allocation = map[ch->allocation];
        if (ch->peer_allocation >= 0)
            ch->peer_allocation = map[ch->peer_allocation];
    }
    g_free(map);
}

static void
host_free(gpointer p)
{
    SumHost *h = p;
    g_free(h->why);
    g_free(h);
}

static void
alloc_free(gpointer p)
{
    SumAllocation *a = p;
    g_array_free(a->conflicting_ports, TRUE);
    g_array_free(a->frames, TRUE);
    g_free(a);
}

static void
finding_free(gpointer p)
{
    SumFinding *f = p;
    g_free(f->message);
    g_free(f->advice);
    g_array_free(f->frames, TRUE);
    g_free(f);
}

SumResult *
sum_recon_finish(SumRecon *recon)
{
    g_return_val_if_fail(recon != NULL, NULL);
    SumResult *r = g_new0(SumResult, 1);
    r->hosts = g_ptr_array_new_with_free_func(host_free);
    r->channels = g_ptr_array_new_with_free_func(g_free);
    r->allocations = g_ptr_array_new_with_free_func(alloc_free);
    r->findings = g_ptr_array_new_with_free_func(finding_free);
    r->conns_seen = recon->seen;
    r->conns_dropped = recon->dropped;

    if (recon->profile != NULL) {
        r->profile = recon->profile;
        r->profile_reason = g_strdup_printf("chosen: %s", recon->profile->description);
    } else {
        r->profile = choose_profile(recon->score, &r->profile_reason);
    }
    guint8 bit = 1; /* the chosen profile's bit in recon->relevant */
    for (int g = 0; recon->profile == NULL && g < SUM_GENERATION_COUNT; g++) {
        if (sum_plan_profile((SumGeneration)g) == r->profile)
            bit = (guint8)(1u << g);
    }

    Work w = {0};
    w.profile = r->profile;
    w.result = r;
    w.hints = recon->hints;
    /* Keep only what the chosen profile knows, in capture order. */
    w.conns = conns_kept_sorted(recon, bit);
    r->conns_kept = w.conns->len;
    w.pairs = g_array_new(FALSE, TRUE, sizeof(Pair));
    w.pair_index = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                         (GDestroyNotify)g_bytes_unref, NULL);
    w.host_conf = g_hash_table_new_full(g_bytes_hash, g_bytes_equal,
                                        (GDestroyNotify)g_bytes_unref, NULL);
    w.conn_channel = g_new(gint, MAX(w.conns->len, 1u));

    find_pairs(&w);
    build_hosts(&w);
    build_channels(&w);
    mark_search_steps(&w);
    build_indexes(&w);
    build_allocations(&w);
    conflict_findings(&w);
    failure_findings(&w);

    GPtrArray *before = g_ptr_array_copy(r->allocations, NULL, NULL);
    g_ptr_array_set_free_func(before, NULL); /* a view: the result owns them */
    sort_result = r;
    sort_ranks = bytes_table(NULL);
    for (guint i = r->hosts->len; i-- > 0;) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        g_hash_table_replace(sort_ranks, g_bytes_new(&h->addr, sizeof h->addr),
                             GUINT_TO_POINTER(i + 1));
    }
    g_ptr_array_sort(r->allocations, alloc_cmp);
    g_clear_pointer(&sort_ranks, g_hash_table_destroy);
    sort_result = NULL;
    renumber_allocations(r, before);
    g_ptr_array_unref(before);
    g_ptr_array_sort(r->findings, finding_cmp);

    g_free(w.conn_channel);
    free_indexes(&w);
    g_hash_table_destroy(w.pair_index);
    g_hash_table_destroy(w.host_conf);
    g_array_free(w.pairs, TRUE);
    g_array_free(w.conns, TRUE);
    return r;
}

void
sum_result_free(SumResult *result)
{
    if (result == NULL)
        return;
    g_free(result->profile_reason);
    g_ptr_array_unref(result->hosts);
    g_ptr_array_unref(result->channels);
    g_ptr_array_unref(result->allocations);
    g_ptr_array_unref(result->findings);
    g_free(result);
}

const SumHost *
sum_result_host(const SumResult *result, const SumAddr *addr)
{
    for (guint i = 0; i < result->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(result->hosts, i);
        if (sum_addr_equal(&h->addr, addr))
            return h;
    }
    return NULL;
}

guint
sum_result_count_severity(const SumResult *result, SumSeverity min)
{
    guint n = 0;
    for (guint i = 0; i < result->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(result->findings, i);
        if (f->severity >= min)
            n++;
    }
    return n;
}

const char *
sum_evidence_name(SumEvidence evidence)
{
    static const char *const names[SUM_EVIDENCE_COUNT] = {
        "none", "traffic", "probe", "inferred",
    };
    return (guint)evidence < SUM_EVIDENCE_COUNT ? names[evidence] : "none";
}
