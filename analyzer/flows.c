/* flows.c: connection tracking for the SUM-relevant flows.
 *
 * The hot path for a packet on no SUM port is two bit tests. A kept flow is
 * one hash-table entry plus one link in an LRU list; closed flows linger a
 * few seconds of capture time (for the last ACKs), idle ones expire, and past
 * the cap the least recently seen is evicted (and still emitted: its story is
 * told, only cut short).
 */
#include "flows.h"

#include <string.h>

#define FLOWS_DEFAULT_MAX_LIVE 200000u      /* flows tracked at once */
#define FLOWS_LINGER_US (5 * G_USEC_PER_SEC) /* after close, for the last ACKs */
#define FLOWS_IDLE_US (300 * G_USEC_PER_SEC) /* idle flows are folded out */
#define FLOWS_SWEEP_US (1 * G_USEC_PER_SEC)  /* how often expiry is checked */

typedef struct {
    SumAddr a, b;       /* a < b (or equal and port_a <= port_b) */
    guint16 port_a, port_b;
    guint8 proto;
} FlowKey;

typedef struct {
    FlowKey key;
    SumConn conn;
    GList link;         /* in the LRU list, data = this flow */
    SumTcpTrack tcp;    /* the state machine, shared with the plugin (core) */
    gint64 closed_at;   /* 0 while open */
} Flow;

struct _SumFlows {
    guint8 relevant[2][65536 / 8]; /* [0] TCP, [1] UDP: port bitmaps */
    GHashTable *table;             /* FlowKey* -> Flow* */
    GQueue lru;                    /* head = least recently seen */
    SumFlowEmit emit;
    gpointer user;
    guint max_live;
    guint64 evicted;
    gint64 last_sweep;
};

static guint
key_hash(gconstpointer p)
{
    const FlowKey *k = p;
    guint h = sum_addr_hash(&k->a) * 31u + sum_addr_hash(&k->b);
    return h * 31u + ((guint)k->port_a << 16 | k->port_b) + k->proto;
}

static gboolean
key_equal(gconstpointer x, gconstpointer y)
{
    const FlowKey *a = x, *b = y;
    return a->port_a == b->port_a && a->port_b == b->port_b && a->proto == b->proto &&
           sum_addr_equal(&a->a, &b->a) && sum_addr_equal(&a->b, &b->b);
}

static void
mark(SumFlows *f, int t, guint16 port)
{
    f->relevant[t][port >> 3] |= (guint8)(1u << (port & 7));
}

static gboolean
is_relevant(const SumFlows *f, int t, guint16 port)
{
    return (f->relevant[t][port >> 3] >> (port & 7)) & 1u;
}

static void
mark_profile(SumFlows *f, const SumProfile *p)
{
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *r = &p->rules[i];
        int t = r->transport == SUM_TRANSPORT_UDP;
        for (guint16 k = 0;; k++) {
            guint16 port = sum_plan_port_at(r, k);
            if (port == 0)
                break;
            mark(f, t, port);
        }
    }
}

SumFlows *
sum_flows_new(const SumProfile *profile, SumFlowEmit emit, gpointer user)
{
    SumFlows *f = g_new0(SumFlows, 1);
    f->table = g_hash_table_new(key_hash, key_equal);
    g_queue_init(&f->lru);
    f->emit = emit;
    f->user = user;
    f->max_live = FLOWS_DEFAULT_MAX_LIVE;
    if (profile != NULL) {
        mark_profile(f, profile);
    } else {
        for (int g = 0; g < SUM_GENERATION_COUNT; g++)
            mark_profile(f, sum_plan_profile((SumGeneration)g));
    }
    return f;
}

void
sum_flows_add_port(SumFlows *flows, SumTransport transport, guint16 port)
{
    mark(flows, transport == SUM_TRANSPORT_UDP, port);
}

void
sum_flows_set_max_live(SumFlows *flows, guint max)
{
    flows->max_live = MAX(max, 1u);
}

guint64
sum_flows_evicted(const SumFlows *flows)
{
    return flows->evicted;
}

guint
sum_flows_live(const SumFlows *flows)
{
    return g_hash_table_size(flows->table);
}

static void
flow_emit_free(SumFlows *f, Flow *fl)
{
    fl->conn.state = sum_tcp_state(&fl->tcp, fl->conn.transport);
    f->emit(&fl->conn, f->user);
    g_hash_table_remove(f->table, &fl->key);
    g_queue_unlink(&f->lru, &fl->link);
    g_free(fl);
}

static void
sweep(SumFlows *f, gint64 now)
{
    GList *l = f->lru.head;
    while (l != NULL) {
        Flow *fl = l->data;
        GList *next = l->next;
        gboolean expired = (fl->closed_at != 0 && now - fl->closed_at > FLOWS_LINGER_US) ||
                           now - fl->conn.t_last > FLOWS_IDLE_US;
        /* The list is in order of last activity: past the first flow that
         * is recent enough to be neither idle nor possibly lingering, stop. */
        if (!expired && now - fl->conn.t_last <= FLOWS_LINGER_US)
            break;
        if (expired)
            flow_emit_free(f, fl);
        l = next;
    }
}

static void
make_key(FlowKey *k, const pkt_info *p)
{
    SumAddr s, d;
    memset(k, 0, sizeof *k);
    if (p->src.family == 4) {
        sum_addr_set_v4(&s, p->src.bytes);
        sum_addr_set_v4(&d, p->dst.bytes);
    } else {
        sum_addr_set_v6(&s, p->src.bytes);
        sum_addr_set_v6(&d, p->dst.bytes);
    }
    int c = sum_addr_compare(&s, &d);
    if (c < 0 || (c == 0 && p->sport <= p->dport)) {
        k->a = s, k->b = d, k->port_a = p->sport, k->port_b = p->dport;
    } else {
        k->a = d, k->b = s, k->port_a = p->dport, k->port_b = p->sport;
    }
    k->proto = p->proto;
}

static Flow *
flow_new(SumFlows *f, const FlowKey *k, const pkt_info *p, SumFrame frame, gint64 t)
{
    if (g_hash_table_size(f->table) >= f->max_live && f->lru.head != NULL) {
        f->evicted++;
        flow_emit_free(f, f->lru.head->data);
    }
    Flow *fl = g_new0(Flow, 1);
    fl->key = *k;
    fl->link.data = fl;
    SumConn *c = &fl->conn;
    c->transport = p->proto == 17 ? SUM_TRANSPORT_UDP : SUM_TRANSPORT_TCP;
    if (p->src.family == 4) {
        sum_addr_set_v4(&c->orig, p->src.bytes);
        sum_addr_set_v4(&c->resp, p->dst.bytes);
    } else {
        sum_addr_set_v6(&c->orig, p->src.bytes);
        sum_addr_set_v6(&c->resp, p->dst.bytes);
    }
    c->orig_port = p->sport;
    c->resp_port = p->dport;
    c->first_frame = frame;
    c->t_first = t;
    c->vlan = p->n_vlan > 0 ? p->vlan[0] : 0;
    g_hash_table_insert(f->table, &fl->key, fl);
    g_queue_push_tail_link(&f->lru, &fl->link);
    return fl;
}

static gboolean
from_orig(const Flow *fl, const pkt_info *p)
{
    return p->sport == fl->conn.orig_port && p->src.family == fl->conn.orig.family &&
           memcmp(p->src.bytes, fl->conn.orig.bytes, p->src.family == 6 ? 16 : 4) == 0;
}

static void
tcp_update(Flow *fl, const pkt_info *p, gboolean orig, SumFrame frame, gint64 t)
{
    if (sum_tcp_track(&fl->tcp, &fl->conn, p->tcp_flags, p->seq, orig, p->payload_len, frame) &&
        fl->closed_at == 0)
        fl->closed_at = t;
}

static void
payload_update(Flow *fl, const pkt_info *p, gboolean orig, SumFrame frame)
{
    if (p->payload_len == 0)
        return;
    SumPayload *slot = orig ? &fl->conn.orig_payload : &fl->conn.resp_payload;
    if (*slot != SUM_PAYLOAD_NONE)
        return;
    SumPayload k = sum_payload_classify(p->payload, p->payload_caplen,
                                        p->proto == 17 ? SUM_TRANSPORT_UDP : SUM_TRANSPORT_TCP,
                                        p->sport, p->dport);
    /* Cut by the snap length before any byte: still "something was sent". */
    *slot = k == SUM_PAYLOAD_NONE ? SUM_PAYLOAD_OTHER : k;
    if (!orig && fl->conn.payload_frame == 0)
        fl->conn.payload_frame = frame;
}

/* An ICMP unreachable quoting a packet of a tracked flow. */
static void
icmp_update(SumFlows *f, const pkt_info *p, SumFrame frame)
{
    pkt_info q;
    memset(&q, 0, sizeof q);
    q.src = p->q_src;
    q.dst = p->q_dst;
    q.sport = p->q_sport;
    q.dport = p->q_dport;
    q.proto = p->q_proto;
    FlowKey k;
    make_key(&k, &q);
    Flow *fl = g_hash_table_lookup(f->table, &k);
    if (fl == NULL || fl->conn.icmp_unreachable)
        return;
    fl->conn.icmp_unreachable = TRUE;
    fl->conn.icmp_frame = frame;
    fl->conn.icmp_type = p->icmp_type;
    fl->conn.icmp_code = p->icmp_code;
}

void
sum_flows_packet(SumFlows *f, const pkt_info *p, SumFrame frame, gint64 t, guint32 wirelen)
{
    if (t - f->last_sweep > FLOWS_SWEEP_US || t < f->last_sweep) {
        sweep(f, t);
        f->last_sweep = t;
    }
    if (p->proto == 1 || p->proto == 58) {
        if (p->icmp_quoted)
            icmp_update(f, p, frame);
        return;
    }
    if (p->proto != 6 && p->proto != 17)
        return;
    int tu = p->proto == 17;
    if (!is_relevant(f, tu, p->sport) && !is_relevant(f, tu, p->dport))
        return;
    FlowKey k;
    make_key(&k, p);
    Flow *fl = g_hash_table_lookup(f->table, &k);
    gboolean new_syn = p->proto == 6 && (p->tcp_flags & 0x12) == 0x02;
    if (fl != NULL && new_syn) {
        gboolean same_orig = from_orig(fl, p);
        /* A SYN with another ISN after the old attempt ended, or from the
         * other side: a new connection on the same 4-tuple. */
        if (!same_orig || (fl->tcp.syn_seen && p->seq != fl->tcp.isn &&
                           (fl->closed_at != 0 || !fl->tcp.established))) {
            if (!(same_orig && !fl->tcp.established && fl->closed_at == 0 &&
                  t - fl->conn.t_last < FLOWS_IDLE_US && p->seq == fl->tcp.isn)) {
                flow_emit_free(f, fl);
                fl = NULL;
            }
        }
    }
    if (fl == NULL)
        fl = flow_new(f, &k, p, frame, t);
    else
        g_queue_unlink(&f->lru, &fl->link), g_queue_push_tail_link(&f->lru, &fl->link);
    gboolean orig = from_orig(fl, p);
    SumConn *c = &fl->conn;
    c->packets++;
    c->bytes += wirelen;
    c->t_last = t;
    c->last_frame = frame;
    if (p->proto == 6)
        tcp_update(fl, p, orig, frame, t);
    payload_update(fl, p, orig, frame);
}

void
sum_flows_flush(SumFlows *f)
{
    while (f->lru.head != NULL)
        flow_emit_free(f, f->lru.head->data);
}

void
sum_flows_free(SumFlows *f)
{
    if (f == NULL)
        return;
    while (f->lru.head != NULL) {
        Flow *fl = f->lru.head->data;
        g_queue_unlink(&f->lru, &fl->link);
        g_free(fl);
    }
    g_hash_table_destroy(f->table);
    g_free(f);
}
