/* flow-table.c: the SUM-relevant flows, one hash-table entry each.
 *
 * The hot path for a packet on no SUM port is two bit tests in a per-port
 * bitmap computed once from the plan. A kept flow is one allocation holding
 * its key, its SumConn and its link in a list ordered by last activity: expiry
 * walks that list from the oldest and stops at the first recent flow, and the
 * cap evicts from its head (the longest idle).
 */
#include "flow-table.h"
#include "sum-limits.h"
#include "sum-mem.h"
#include "sum-portmap.h"

#include <string.h>

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58

/* The 5-tuple with the lower (address, port) end first, so both directions
 * find the same flow. 38 bytes, no padding: hashed and compared as bytes. */
typedef struct {
    guint8 a[16], b[16]; /* addresses; IPv4 in the first 4 bytes, rest 0 */
    guint16 port_a, port_b;
    guint8 family;       /* 4 or 6 */
    guint8 proto;        /* 6 or 17 */
} FlowKey;

G_STATIC_ASSERT(sizeof(FlowKey) == 38);

typedef struct {
    FlowKey key;
    SumConn conn;
    SumTcpTrack tcp;     /* core's state machine, shared with the plugin */
    GList link;          /* in the activity list; data = this flow */
    gint64 closed_at;    /* µs of capture time the flow closed; 0 while open */
} Flow;

struct _SumFlowTable {
    guint8 relevant[2][SUM_PORTMAP_BITS_BYTES]; /* [0] TCP, [1] UDP: a bit per port */
    GHashTable *flows;                     /* FlowKey* -> Flow* (key inside the flow) */
    GQueue active;                         /* head = least recently seen */
    SumFlowTableEmit emit;
    void *user;
    guint max_live;
    guint64 evicted;
    guint64 emitted;
    gint64 last_sweep;                     /* µs of capture time */
    Flow *last;                            /* the flow of the last kept packet, or NULL */
    GPtrArray *spare;                      /* Flow*: finished flows' memory, for reuse */
    GPtrArray *slabs;                      /* blocks (sum-mem.h) the flows are cut from */
    guint slab_used;                       /* flows cut from the last slab */
};

/* Eight bytes at a time, multiply and fold (the byte-at-a-time FNV-1a this
 * replaces was the analyzer's single largest cost on busy HTTPS captures). */
static guint
key_hash(gconstpointer p)
{
    const guint8 *b = p;
    guint64 h = 0;
    gsize i = 0;
    for (; i + 8 <= sizeof(FlowKey); i += 8) {
        guint64 w;
        memcpy(&w, b + i, 8);
        h = (h ^ w) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
        h ^= h >> 29;
    }
    guint64 tail = 0;
    memcpy(&tail, b + i, sizeof(FlowKey) - i);
    h = (h ^ tail) * G_GUINT64_CONSTANT(0x9e3779b97f4a7c15);
    return (guint)(h ^ (h >> 32));
}

static gboolean
key_equal(gconstpointer x, gconstpointer y)
{
    return memcmp(x, y, sizeof(FlowKey)) == 0;
}

static int
transport_index(guint8 proto)
{
    return proto == PROTO_UDP;
}

static void
mark_port(SumFlowTable *t, int ti, guint16 port)
{
    t->relevant[ti][port >> 3] |= (guint8)(1u << (port & 7));
}

static gboolean
port_marked(const SumFlowTable *t, int ti, guint16 port)
{
    return (t->relevant[ti][port >> 3] >> (port & 7)) & 1u;
}


SumFlowTable *
sum_flow_table_new(const SumProfile *profile, SumFlowTableEmit emit, void *user)
{
    g_return_val_if_fail(emit != NULL, NULL);
    SumFlowTable *t = g_new0(SumFlowTable, 1);
    t->flows = g_hash_table_new(key_hash, key_equal);
    t->spare = g_ptr_array_new();
    t->slabs = g_ptr_array_new();
    g_queue_init(&t->active);
    t->emit = emit;
    t->user = user;
    t->max_live = SUM_FLOW_MAX_LIVE;
    /* Every port of the plan (NULL: of every profile), from core's port
     * map, packed so the per-packet test is a bit lookup. */
    SumPortMap *ports = sum_portmap_new(profile);
    sum_portmap_pack(ports, t->relevant);
    sum_portmap_free(ports);
    /* NetBIOS name and datagram services: bootstrap evidence in every plan. */
    mark_port(t, 1, 137);
    mark_port(t, 1, 138);
    return t;
}

void
sum_flow_table_add_port(SumFlowTable *t, SumTransport transport, guint16 port)
{
    g_return_if_fail(t != NULL);
    mark_port(t, transport == SUM_TRANSPORT_UDP, port);
}

gboolean
sum_flow_table_port_relevant(const SumFlowTable *t, SumTransport transport, guint16 sport,
                             guint16 dport)
{
    int ti = transport == SUM_TRANSPORT_UDP;
    return port_marked(t, ti, sport) || port_marked(t, ti, dport);
}

void
sum_flow_table_set_max_live(SumFlowTable *t, guint max)
{
    g_return_if_fail(t != NULL);
    t->max_live = MAX(max, 1u);
}

guint
sum_flow_table_live(const SumFlowTable *t)
{
    return g_hash_table_size(t->flows);
}

guint64
sum_flow_table_evicted(const SumFlowTable *t)
{
    return t->evicted;
}

guint64
sum_flow_table_emitted(const SumFlowTable *t)
{
    return t->emitted;
}

static void
addr_from_packet(SumAddr *out, const sum_packet_addr *in)
{
    if (in->family == 6)
        sum_addr_set_v6(out, in->bytes);
    else
        sum_addr_set_v4(out, in->bytes);
}

static void
make_key(FlowKey *k, guint8 proto, const sum_packet_addr *src, guint16 sport,
         const sum_packet_addr *dst, guint16 dport)
{
    gsize alen = src->family == 6 ? 16 : 4;
    int c = memcmp(src->bytes, dst->bytes, alen);
    gboolean src_first = c < 0 || (c == 0 && sport <= dport);
    memset(k, 0, sizeof *k);
    memcpy(k->a, src_first ? src->bytes : dst->bytes, alen);
    memcpy(k->b, src_first ? dst->bytes : src->bytes, alen);
    k->port_a = src_first ? sport : dport;
    k->port_b = src_first ? dport : sport;
    k->family = src->family;
    k->proto = proto;
}

/* Flows are cut from large blocks (sum-mem.h: one page fault per block
 * where huge pages are given, instead of one per 4 KiB) and a finished
 * flow's memory goes back on a list for the next one: flows come and go by
 * the hundred thousand, and malloc and page faults, not the analysis, had
 * become the cost. Memory stays what the most flows alive at once needed. */
#define FLOWS_PER_SLAB (SUM_MEM_BLOCK_BYTES / sizeof(Flow))

static void
flow_release(SumFlowTable *t, Flow *fl)
{
    g_ptr_array_add(t->spare, fl);
}

static Flow *
flow_alloc(SumFlowTable *t)
{
    if (t->spare->len > 0) {
        Flow *fl = g_ptr_array_steal_index_fast(t->spare, t->spare->len - 1);
        memset(fl, 0, sizeof *fl);
        return fl;
    }
    if (t->slabs->len == 0 || t->slab_used == FLOWS_PER_SLAB) {
        g_ptr_array_add(t->slabs, sum_mem_block_new(SUM_MEM_BLOCK_BYTES));
        t->slab_used = 0;
    }
    Flow *slab = g_ptr_array_index(t->slabs, t->slabs->len - 1);
    return &slab[t->slab_used++]; /* zeroed by sum_mem_block_new */
}

/* Folds a finished flow out: its final state, the callback, then free. */
static void
flow_finish(SumFlowTable *t, Flow *fl)
{
    fl->conn.state = sum_tcp_state(&fl->tcp, fl->conn.transport);
    t->emit(&fl->conn, t->user);
    t->emitted++;
    if (t->last == fl)
        t->last = NULL;
    g_hash_table_remove(t->flows, &fl->key);
    g_queue_unlink(&t->active, &fl->link);
    flow_release(t, fl);
}

static gboolean
flow_expired(const Flow *fl, gint64 now)
{
    if (fl->closed_at != 0 && now - fl->closed_at > SUM_FLOW_LINGER_US)
        return TRUE;
    return now - fl->conn.t_last > SUM_FLOW_IDLE_US;
}

/* The list is in order of last activity: past the first flow that is recent
 * enough to be neither idle nor done lingering, no later one can be. */
static void
sweep(SumFlowTable *t, gint64 now)
{
    GList *l = t->active.head;
    while (l != NULL) {
        Flow *fl = l->data;
        GList *next = l->next;
        gboolean expired = flow_expired(fl, now);
        if (!expired && now - fl->conn.t_last <= SUM_FLOW_LINGER_US)
            break;
        if (expired)
            flow_finish(t, fl);
        l = next;
    }
}

static Flow *
flow_new(SumFlowTable *t, const FlowKey *k, const sum_packet *p, SumFrame frame, gint64 now)
{
    if (g_hash_table_size(t->flows) >= t->max_live && t->active.head != NULL) {
        t->evicted++; /* its story is still told, only cut short */
        flow_finish(t, t->active.head->data);
    }
    Flow *fl = flow_alloc(t);
    fl->key = *k;
    fl->link.data = fl;
    SumConn *c = &fl->conn;
    SumAddr src, dst;
    addr_from_packet(&src, &p->src);
    addr_from_packet(&dst, &p->dst);
    sum_conn_begin(c, p->proto == PROTO_UDP ? SUM_TRANSPORT_UDP : SUM_TRANSPORT_TCP, &src, &dst,
                   p->sport, p->dport, p->proto == PROTO_TCP ? p->tcp_flags : 0, frame, now);
    c->vlan = p->n_vlan > 0 ? p->vlan[0] : 0;
    g_hash_table_insert(t->flows, &fl->key, fl);
    g_queue_push_tail_link(&t->active, &fl->link);
    return fl;
}

static gboolean
from_orig(const Flow *fl, const sum_packet *p)
{
    const SumConn *c = &fl->conn;
    return p->sport == c->orig_port &&
           memcmp(p->src.bytes, c->orig.bytes, p->src.family == 6 ? 16 : 4) == 0;
}

/* A SYN (no ACK) on a 4-tuple already tracked: the same attempt (a
 * retransmission, one ISN) or a new connection reusing the 4-tuple. */
static gboolean
syn_starts_new(const Flow *fl, const sum_packet *p, gboolean orig)
{
    const SumTcpTrack *tr = &fl->tcp;
    if (!tr->syn_seen)
        return TRUE; /* the mid-stream flow before it ended unseen */
    if (fl->closed_at != 0)
        return !(orig && p->seq == tr->isn); /* after a RST or FINs */
    return orig && p->seq != tr->isn; /* another ISN: the old attempt was given up */
}

/* An unreachable quoting a packet of a tracked flow: the attempt it answers. */
static gboolean
icmp_update(SumFlowTable *t, const sum_packet *p, SumFrame frame)
{
    if (!p->icmp_quoted)
        return FALSE;
    FlowKey k;
    make_key(&k, p->q_proto, &p->q_src, p->q_sport, &p->q_dst, p->q_dport);
    Flow *fl = g_hash_table_lookup(t->flows, &k);
    if (fl == NULL || fl->conn.icmp_unreachable)
        return fl != NULL;
    fl->conn.icmp_unreachable = TRUE;
    fl->conn.icmp_frame = frame;
    fl->conn.icmp_type = p->icmp_type;
    fl->conn.icmp_code = p->icmp_code;
    return TRUE;
}

gboolean
sum_flow_table_wants(const SumFlowTable *t, const sum_packet *p)
{
    g_return_val_if_fail(t != NULL && p != NULL, FALSE);
    if (p->ip_version == 0 || p->fragment)
        return FALSE;
    if (p->proto == PROTO_ICMP || p->proto == PROTO_ICMPV6) {
        /* Only a quote of a kept flow can be tied to one. */
        return p->icmp_quoted && (p->q_proto == PROTO_TCP || p->q_proto == PROTO_UDP) &&
               (port_marked(t, transport_index(p->q_proto), p->q_sport) ||
                port_marked(t, transport_index(p->q_proto), p->q_dport));
    }
    if (p->proto != PROTO_TCP && p->proto != PROTO_UDP)
        return FALSE;
    int ti = transport_index(p->proto);
    return port_marked(t, ti, p->sport) || port_marked(t, ti, p->dport);
}

void
sum_flow_table_tick(SumFlowTable *t, gint64 now)
{
    g_return_if_fail(t != NULL);
    if (sum_flow_sweep_due(t->last_sweep, now)) {
        sweep(t, now);
        t->last_sweep = now;
    }
}

gboolean
sum_flow_table_packet(SumFlowTable *t, const sum_packet *p, SumFrame frame, gint64 now)
{
    g_return_val_if_fail(t != NULL && p != NULL, FALSE);
    if (p->ip_version == 0 || p->fragment)
        return FALSE;
    sum_flow_table_tick(t, now);
    if (!sum_flow_table_wants(t, p))
        return FALSE; /* the cheap test first: no key, no lookup */
    if (p->proto == PROTO_ICMP || p->proto == PROTO_ICMPV6)
        return icmp_update(t, p, frame);
    FlowKey k;
    make_key(&k, p->proto, &p->src, p->sport, &p->dst, p->dport);
    /* Packets come in trains (a handshake, a transfer): the last flow first. */
    Flow *fl = t->last != NULL && key_equal(&k, &t->last->key)
                   ? t->last
                   : g_hash_table_lookup(t->flows, &k);
    gboolean pure_syn = p->proto == PROTO_TCP &&
                        (p->tcp_flags & (SUM_TCP_SYN | SUM_TCP_ACK)) == SUM_TCP_SYN;
    if (fl != NULL && pure_syn && syn_starts_new(fl, p, from_orig(fl, p))) {
        flow_finish(t, fl);
        fl = NULL;
    }
    if (fl == NULL) {
        fl = flow_new(t, &k, p, frame, now);
    } else if (t->active.tail != &fl->link) {
        g_queue_unlink(&t->active, &fl->link);
        g_queue_push_tail_link(&t->active, &fl->link);
    }
    t->last = fl;
    SumSegment seg = {
        .from_orig = from_orig(fl, p),
        .tcp_flags = p->proto == PROTO_TCP ? p->tcp_flags : 0,
        .seq = p->seq,
        .payload_len = p->payload_len,
        .payload = p->payload,
        .payload_caplen = p->payload_caplen,
        .sport = p->sport,
        .dport = p->dport,
        .wire_len = p->frame_len,
        .frame = frame,
        .time_us = now,
    };
    if (sum_conn_segment(&fl->conn, &fl->tcp, &seg) && fl->closed_at == 0)
        fl->closed_at = now;
    return TRUE;
}

void
sum_flow_table_flush(SumFlowTable *t)
{
    g_return_if_fail(t != NULL);
    while (t->active.head != NULL)
        flow_finish(t, t->active.head->data);
}

void
sum_flow_table_each_open(const SumFlowTable *t, SumFlowTableEmit fn, void *user)
{
    g_return_if_fail(t != NULL && fn != NULL);
    for (GList *l = t->active.head; l != NULL; l = l->next) {
        const Flow *fl = l->data;
        SumConn c = fl->conn;
        c.state = sum_tcp_state(&fl->tcp, c.transport);
        fn(&c, user);
    }
}

void
sum_flow_table_free(SumFlowTable *t)
{
    if (t == NULL)
        return;
    /* Live flows, spare ones and all: they are the slabs' memory. */
    g_hash_table_destroy(t->flows);
    g_ptr_array_free(t->spare, TRUE);
    for (guint i = 0; i < t->slabs->len; i++)
        sum_mem_block_free(g_ptr_array_index(t->slabs, i), SUM_MEM_BLOCK_BYTES);
    g_ptr_array_free(t->slabs, TRUE);
    g_free(t);
}
