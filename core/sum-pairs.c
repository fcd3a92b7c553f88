/* sum-pairs.c: the SUM host <-> target pair graph (sum-pairs.h).
 * Rules: docs/reconstruction.md, "Who is who". */
#include "sum-pairs.h"
#include "sum-pairs-graph.h"
#include "sum-classify.h"
#include "sum-result.h"

#include <string.h>

/* A host that only ever failed to reach control ports, on more distinct
 * targets than any deployment has, is scanning, not deploying. */
#define SUM_PAIRS_SCAN_TARGETS 32u
/* A device fetching from port 80 is SUM's firmware client when the SUM host
 * reached it over HTTPS at most this long before (µs). */
#define SUM_PAIRS_DEVICE_WINDOW_US (600 * G_USEC_PER_SEC)


/* --- keys --------------------------------------------------------------- */

/* A key for "S to T" (T unset: "S to PORT"): binary, since the tables see
 * every contact of the capture (HTTPS included) and string keys made each
 * lookup print two addresses. */
typedef struct {
    SumAddr s, t;
    guint16 port;
} PairKey;

static PairKey
pair_key(const SumAddr *s, const SumAddr *t, guint16 port)
{
    PairKey k;
    memset(&k, 0, sizeof k);
    k.s = *s;
    if (t != NULL)
        k.t = *t;
    k.port = port;
    return k;
}

static guint
pair_key_hash(gconstpointer p)
{
    const PairKey *k = p;
    return (sum_addr_hash(&k->s) * 31u + sum_addr_hash(&k->t)) * 31u + k->port;
}

static gboolean
pair_key_equal(gconstpointer a, gconstpointer b)
{
    const PairKey *x = a, *y = b;
    return x->port == y->port && sum_addr_equal(&x->s, &y->s) && sum_addr_equal(&x->t, &y->t);
}

static gpointer
pair_key_dup(const PairKey *k)
{
    return g_memdup2(k, sizeof *k);
}

static guint
pair_hash(gconstpointer k)
{
    const SumPair *p = k;
    return sum_addr_hash(&p->sum_host) * 31u + sum_addr_hash(&p->target);
}

static gboolean
pair_equal(gconstpointer a, gconstpointer b)
{
    const SumPair *x = a, *y = b;
    return sum_addr_equal(&x->sum_host, &y->sum_host) && sum_addr_equal(&x->target, &y->target);
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

SumPairs *
sum_pairs_new(const SumProfile *profile, const GArray *hints, SumPairsMode mode)
{
    SumPairs *g = g_new0(SumPairs, 1);
    g->profile = profile;
    g->hints = hints;
    g->mode = mode;
    g->pairs = g_ptr_array_new_with_free_func(g_free);
    g->index = g_hash_table_new(pair_hash, pair_equal);
    g->host_conf = g_hash_table_new(addr_hash, addr_equal);
    if (sum_plan_rule(profile, SUM_FAMILY_WEB, SUM_TRANSPORT_TCP) != NULL)
        g->web = g_hash_table_new_full(pair_hash, pair_equal, NULL, g_free);
    g->contacts = g_array_new(FALSE, FALSE, sizeof(Contact));
    g->contact_n = g_hash_table_new_full(pair_key_hash, pair_key_equal, g_free, NULL);
    g->https = g_hash_table_new_full(pair_key_hash, pair_key_equal, g_free, NULL);
    return g;
}

void
sum_pairs_free(SumPairs *g)
{
    if (g == NULL)
        return;
    g_hash_table_destroy(g->index);
    g_hash_table_destroy(g->host_conf);
    if (g->web != NULL)
        g_hash_table_destroy(g->web);
    g_hash_table_destroy(g->contact_n);
    g_hash_table_destroy(g->https);
    g_array_free(g->contacts, TRUE);
    g_ptr_array_unref(g->pairs);
    g_free(g);
}

/* --- lookups ------------------------------------------------------------ */

const SumPair *
sum_pairs_find(const SumPairs *g, const SumAddr *s, const SumAddr *t)
{
    SumPair k;
    k.sum_host = *s;
    k.target = *t;
    return g_hash_table_lookup(g->index, &k);
}

gboolean
sum_pairs_is_hinted(const SumPairs *g, const SumAddr *a)
{
    for (guint i = 0; g->hints != NULL && i < g->hints->len; i++) {
        if (sum_addr_equal(&g_array_index(g->hints, SumAddr, i), a))
            return TRUE;
    }
    return FALSE;
}

SumConfidence
sum_pairs_host_confidence(const SumPairs *g, const SumAddr *a)
{
    return (SumConfidence)GPOINTER_TO_UINT(g_hash_table_lookup(g->host_conf, a));
}

gboolean
sum_pairs_is_sum_host(const SumPairs *g, const SumAddr *a, SumConfidence min)
{
    return sum_pairs_is_hinted(g, a) || sum_pairs_host_confidence(g, a) >= min;
}

gboolean
sum_pairs_is_target_of(const SumPairs *g, const SumAddr *t, const SumAddr *s,
                       SumConfidence min)
{
    const SumPair *p = sum_pairs_find(g, s, t);
    return p != NULL && p->confidence >= min;
}

const SumPair *
sum_pairs_first(const SumPairs *g)
{
    for (guint i = 0; i < g->pairs->len; i++) {
        const SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->confidence >= SUM_CONFIDENCE_MEDIUM)
            return p;
    }
    return NULL;
}

guint
sum_pairs_count(const SumPairs *g)
{
    return g->pairs->len;
}

const SumPair *
sum_pairs_at(const SumPairs *g, guint i)
{
    return i < g->pairs->len ? g_ptr_array_index(g->pairs, i) : NULL;
}

/* --- grading ------------------------------------------------------------ */

static void
note_host(SumPairs *g, SumPair *p)
{
    if (p->confidence > sum_pairs_host_confidence(g, &p->sum_host))
        g_hash_table_replace(g->host_conf, &p->sum_host, GUINT_TO_POINTER(p->confidence));
}

static void
rebuild_host_conf(SumPairs *g)
{
    g_hash_table_remove_all(g->host_conf);
    for (guint i = 0; i < g->pairs->len; i++)
        note_host(g, g_ptr_array_index(g->pairs, i));
}

SumPair *
sum_pairs_note_pair(SumPairs *g, const SumAddr *s, const SumAddr *t, SumConfidence conf,
          const SumConn *c)
{
    SumPair *p = (SumPair *)sum_pairs_find(g, s, t);
    if (p == NULL) {
        p = g_new0(SumPair, 1);
        p->sum_host = *s;
        p->target = *t;
        p->first_frame = c->first_frame;
        p->t_first = c->t_first;
        g_ptr_array_add(g->pairs, p);
        g_hash_table_insert(g->index, p, p);
    }
    if (conf > p->confidence)
        p->confidence = conf;
    if (g->mode == SUM_PAIRS_LIVE && p->confidence >= SUM_CONFIDENCE_MEDIUM && p->session == 0)
        p->session = ++g->next_session;
    note_host(g, p);
    if (c->first_frame < p->first_frame) {
        p->first_frame = c->first_frame;
        p->t_first = c->t_first;
    }
    return p;
}

/* An attempt that failed, over the whole capture. */
static gboolean
conn_failed(const SumConn *c)
{
    return c->state == SUM_CONN_S0 || c->state == SUM_CONN_REJ || c->state == SUM_CONN_SH ||
           c->icmp_unreachable;
}

/* The pair evidence of one message -> control connection on its own: TLS is
 * certain; anything else is a port match (rule: one connection is an
 * anecdote; sum_pairs_settle_primary() weighs what corroborates it). */
static SumConfidence
grade_message_control(const SumPairs *g, const SumConn *c, const SumAddr *sum_host)
{
    if (sum_conn_is_tls(c))
        return SUM_CONFIDENCE_HIGH;
    if (sum_pairs_is_hinted(g, sum_host))
        return SUM_CONFIDENCE_MEDIUM;
    /* Frame by frame, a host already known as a SUM host is trusted at once;
     * the batch does the same in sum_pairs_settle_primary(). */
    if (g->mode == SUM_PAIRS_LIVE && sum_pairs_host_confidence(g, sum_host) >= SUM_CONFIDENCE_MEDIUM)
        return SUM_CONFIDENCE_MEDIUM;
    return SUM_CONFIDENCE_LOW;
}

static guint
contacts_between(const SumPairs *g, const SumAddr *s, const SumAddr *t)
{
    PairKey k = pair_key(s, t, 0);
    return GPOINTER_TO_UINT(g_hash_table_lookup(g->contact_n, &k));
}

/* C reaches a target-held port that counts only between SUM hosts and
 * targets: keep it as a contact. */
static void
observe_contact(SumPairs *g, const SumConn *c)
{
    SumPortPos pos[SUM_PLAN_MAX_CANDIDATES];
    if (g->mode != SUM_PAIRS_BATCH || sum_addr_equal(&c->orig, &c->resp) ||
        sum_addr_is_loopback(&c->orig))
        return;
    gsize n = sum_plan_candidates(g->profile, c->transport, c->resp_port, pos, G_N_ELEMENTS(pos));
    Contact k = {.conn = *c};
    gboolean any = FALSE;
    for (gsize i = 0; i < n; i++) {
        const SumPortRule *r = pos[i].rule;
        if (!r->strict_peers || r->holder != SUM_ROLE_TARGET || pos[i].offset != 0)
            continue;
        any = TRUE;
        k.bootstrap |= r->family == SUM_FAMILY_BOOTSTRAP;
        k.tls |= r->carried == SUM_CARRIED_TLS;
    }
    if (!any)
        return;
    g_array_append_val(g->contacts, k);
    PairKey key = pair_key(&c->orig, &c->resp, 0);
    guint have = GPOINTER_TO_UINT(g_hash_table_lookup(g->contact_n, &key));
    if (k.tls && sum_conn_answered(c) && !g_hash_table_contains(g->https, &key))
        g_hash_table_insert(g->https, pair_key_dup(&key), GUINT_TO_POINTER(g->contacts->len));
    g_hash_table_replace(g->contact_n, pair_key_dup(&key), GUINT_TO_POINTER(have + 1));
}

void
sum_pairs_observe_primary(SumPairs *g, const SumConn *c)
{
    SumMessageControl mc;
    if (!sum_classify_message_control(g->profile, c, &mc)) {
        observe_contact(g, c);
        return;
    }
    SumPair *p = sum_pairs_note_pair(g, mc.sum_host, mc.target, grade_message_control(g, c, mc.sum_host),
                           c);
    p->families |= 1u << SUM_FAMILY_MESSAGE;
    if (sum_conn_is_tls(c))
        p->tls_seen = TRUE;
    if (g->mode != SUM_PAIRS_BATCH)
        return;
    gboolean failed = conn_failed(c);
    p->ctl_failed_only = p->ctl_lo == 0 ? failed : p->ctl_failed_only && failed;
    p->ctl_lo = p->ctl_lo == 0 ? mc.ctl_port : MIN(p->ctl_lo, mc.ctl_port);
    p->ctl_hi = MAX(p->ctl_hi, mc.ctl_port);
    if (sum_conn_answered(c) && c->resp_payload != SUM_PAYLOAD_NONE && !sum_conn_is_tls(c))
        p->ctl_non_tls = TRUE;
}

/* A "SUM host" whose every attempt failed, towards more distinct targets
 * than a deployment has, is a scanner: its pairs are port matches only. */
static void
demote_scanners(SumPairs *g)
{
    GHashTable *failed = g_hash_table_new(addr_hash, addr_equal);
    GHashTable *tls = g_hash_table_new(addr_hash, addr_equal);
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->tls_seen) {
            g_hash_table_replace(tls, &p->sum_host, GUINT_TO_POINTER(1));
        } else {
            guint n = GPOINTER_TO_UINT(g_hash_table_lookup(failed, &p->sum_host));
            g_hash_table_replace(failed, &p->sum_host, GUINT_TO_POINTER(n + 1));
        }
    }
    gboolean changed = FALSE;
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        if (!g_hash_table_contains(tls, &p->sum_host) && !sum_pairs_is_hinted(g, &p->sum_host) &&
            GPOINTER_TO_UINT(g_hash_table_lookup(failed, &p->sum_host)) >
                SUM_PAIRS_SCAN_TARGETS &&
            p->confidence > SUM_CONFIDENCE_LOW) {
            p->confidence = SUM_CONFIDENCE_LOW;
            changed = TRUE;
        }
    }
    g_hash_table_destroy(failed);
    g_hash_table_destroy(tls);
    if (changed)
        rebuild_host_conf(g);
}

/* What corroborates a weak pair on its own (docs/reconstruction.md, "Who is
 * who"): bootstrap traffic between the two, or a search through several
 * control ports that all failed (an agent that is not running). Never a
 * pair whose control port answered with something that is not TLS (62286
 * is also an msrpc endpoint). */
static gboolean
pair_corroborated(const SumPairs *g, const SumPair *p)
{
    if (p->ctl_non_tls)
        return FALSE;
    if (contacts_between(g, &p->sum_host, &p->target) > 0)
        return TRUE;
    return p->ctl_failed_only && p->ctl_lo != p->ctl_hi;
}

/* A known SUM host's bootstrap attempt that failed makes a pair (the
 * finding needs one) when something says it was SUM's: other bootstrap
 * traffic to the same host, or the same port used towards its targets. */
static void
pair_failed_bootstraps(SumPairs *g)
{
    GHashTable *used = g_hash_table_new_full(pair_key_hash, pair_key_equal, g_free, NULL);
    for (guint i = 0; i < g->contacts->len; i++) {
        const Contact *k = &g_array_index(g->contacts, Contact, i);
        if (sum_pairs_is_target_of(g, &k->conn.resp, &k->conn.orig, SUM_CONFIDENCE_MEDIUM)) {
            PairKey key = pair_key(&k->conn.orig, NULL, k->conn.resp_port);
            g_hash_table_add(used, pair_key_dup(&key));
        }
    }
    for (guint i = 0; i < g->contacts->len; i++) {
        const Contact *k = &g_array_index(g->contacts, Contact, i);
        const SumConn *c = &k->conn;
        if (!k->bootstrap || c->transport != SUM_TRANSPORT_TCP || !conn_failed(c) ||
            !sum_pairs_is_sum_host(g, &c->orig, SUM_CONFIDENCE_MEDIUM) ||
            sum_pairs_is_target_of(g, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM))
            continue;
        PairKey key = pair_key(&c->orig, NULL, c->resp_port);
        gboolean same_port = g_hash_table_contains(used, &key);
        if (!same_port && contacts_between(g, &c->orig, &c->resp) < 2)
            continue;
        SumPair *p = sum_pairs_note_pair(g, &c->orig, &c->resp, SUM_CONFIDENCE_MEDIUM, c);
        p->families |= 1u << SUM_FAMILY_BOOTSTRAP;
    }
    g_hash_table_destroy(used);
}

void
sum_pairs_settle_primary(SumPairs *g)
{
    demote_scanners(g);
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->confidence == SUM_CONFIDENCE_LOW && pair_corroborated(g, p))
            p->confidence = SUM_CONFIDENCE_MEDIUM;
    }
    rebuild_host_conf(g);
    /* A weak pair of a host that is a SUM host elsewhere is part of its
     * sequence (an overflow attempt that was blocked, say). */
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->confidence == SUM_CONFIDENCE_LOW &&
            sum_pairs_is_sum_host(g, &p->sum_host, SUM_CONFIDENCE_MEDIUM))
            p->confidence = SUM_CONFIDENCE_MEDIUM;
    }
    rebuild_host_conf(g);
    pair_failed_bootstraps(g);
}

/* The SUM host S reached device D over HTTPS (an iLO, an OA) shortly before
 * C, D's HTTP request to S's port 80: SUM's firmware server, not a browser. */
static gboolean
device_fetch(const SumPairs *g, const SumConn *c)
{
    if (c->orig_payload != SUM_PAYLOAD_HTTP_REQUEST)
        return FALSE;
    PairKey key = pair_key(&c->resp, &c->orig, 0);
    guint at = GPOINTER_TO_UINT(g_hash_table_lookup(g->https, &key));
    if (at == 0)
        return FALSE;
    const SumConn *k = &g_array_index(g->contacts, Contact, at - 1).conn;
    return k->first_frame < c->first_frame && c->t_first - k->t_first <= SUM_PAIRS_DEVICE_WINDOW_US;
}


void
sum_pairs_observe_secondary(SumPairs *g, const SumConn *c)
{
    const SumProfile *prof = g->profile;
    SumPortPos pos;
    sum_pairs_observe_service_contact(g, c);
    if (c->transport != SUM_TRANSPORT_TCP ||
        !sum_pairs_is_sum_host(g, &c->resp, SUM_CONFIDENCE_MEDIUM))
        return;
    if (sum_addr_equal(&c->orig, &c->resp) || sum_addr_is_loopback(&c->orig))
        return;
    gboolean known = sum_pairs_is_target_of(g, &c->orig, &c->resp, SUM_CONFIDENCE_MEDIUM);
    if (sum_classify_in_family(prof, SUM_FAMILY_CALLBACK, c->resp_port, &pos) &&
        c->resp_port != prof->ipc_port) {
        if (known || sum_conn_is_tls(c)) {
            SumPair *p = sum_pairs_note_pair(g, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM, c);
            p->families |= 1u << SUM_FAMILY_CALLBACK;
        }
    } else if (sum_classify_in_family(prof, SUM_FAMILY_FIRMWARE, c->resp_port, &pos)) {
        /* Port 80 only from a known target: never steal HTTP in general. */
        if (known || (pos.offset > 0 && c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST) ||
            (pos.offset == 0 && device_fetch(g, c))) {
            SumPair *p = sum_pairs_note_pair(g, &c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM, c);
            p->families |= 1u << SUM_FAMILY_FIRMWARE;
        }
    }
}

static gint
pair_cmp(gconstpointer a, gconstpointer b)
{
    const SumPair *x = *(SumPair *const *)a, *y = *(SumPair *const *)b;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

void
sum_pairs_settle(SumPairs *g)
{
    /* Two independent SUM channels make a pair certain. */
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->confidence == SUM_CONFIDENCE_MEDIUM && (p->families & (p->families - 1)) != 0)
            p->confidence = SUM_CONFIDENCE_HIGH;
    }
    g_ptr_array_sort(g->pairs, pair_cmp);
    rebuild_host_conf(g);
    guint session = 0;
    for (guint i = 0; i < g->pairs->len; i++) {
        SumPair *p = g_ptr_array_index(g->pairs, i);
        p->session = p->confidence >= SUM_CONFIDENCE_MEDIUM ? ++session : 0;
    }
}

/* --- hosts -------------------------------------------------------------- */

static SumHost *
host_for(GPtrArray *hosts, const SumAddr *a, SumRole role, const SumPair *pair)
{
    for (guint i = 0; i < hosts->len; i++) {
        SumHost *h = g_ptr_array_index(hosts, i);
        if (sum_addr_equal(&h->addr, a) && h->role == role) {
            h->confidence = MAX(h->confidence, pair->confidence);
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
    h->confidence = pair->confidence;
    h->n_peers = 1;
    h->first_frame = pair->first_frame;
    h->t_first = pair->t_first;
    g_ptr_array_add(hosts, h);
    return h;
}

/* One line: what made H a SUM host or a target. */
static gchar *
host_why(const SumPairs *g, const SumHost *h)
{
    gboolean tls = FALSE;
    guint fams = 0;
    for (guint j = 0; j < g->pairs->len; j++) {
        const SumPair *p = g_ptr_array_index(g->pairs, j);
        if (p->confidence < SUM_CONFIDENCE_MEDIUM)
            continue;
        if (sum_addr_equal(h->role == SUM_ROLE_SUM_HOST ? &p->sum_host : &p->target, &h->addr)) {
            tls |= p->tls_seen;
            fams |= p->families;
        }
    }
    gboolean msg = (fams & (1u << SUM_FAMILY_MESSAGE)) != 0;
    gboolean web = (fams & (1u << SUM_FAMILY_WEB)) != 0;
    gboolean boot_only = fams == (1u << SUM_FAMILY_BOOTSTRAP);
    GString *why = g_string_new(NULL);
    if (h->role == SUM_ROLE_SUM_HOST)
        g_string_append(why, msg ? "opens connections from message ports to control listeners"
                             : web ? "serves targets from SUM's web server, after reaching "
                                     "them on their own services"
                                   : "reached by targets on SUM's callback or firmware ports");
    else
        g_string_append(why, msg ? "holds a control listener reached from message ports"
                             : web ? "fetches from or posts to a SUM host's web server"
                             : boot_only ? "reached by a SUM host on its own services"
                                         : "reaches a SUM host's callback or firmware port");
    if (tls)
        g_string_append(why, ", with TLS");
    if (sum_pairs_is_hinted(g, &h->addr))
        g_string_append(why, " (--sum-host)");
    return g_string_free(why, FALSE);
}

GPtrArray *
sum_pairs_hosts(const SumPairs *g)
{
    GPtrArray *hosts = g_ptr_array_new_with_free_func(sum_host_free);
    for (guint i = 0; i < g->pairs->len; i++) {
        const SumPair *p = g_ptr_array_index(g->pairs, i);
        if (p->confidence < SUM_CONFIDENCE_MEDIUM)
            continue;
        host_for(hosts, &p->sum_host, SUM_ROLE_SUM_HOST, p);
        host_for(hosts, &p->target, SUM_ROLE_TARGET, p);
    }
    for (guint i = 0; i < hosts->len; i++) {
        SumHost *h = g_ptr_array_index(hosts, i);
        h->id = i + 1;
        h->why = host_why(g, h);
    }
    return hosts;
}
