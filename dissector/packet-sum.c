/* packet-sum.c: HP Smart Update Manager (SUM) port labels for Wireshark.
 *
 * The port plan and every port decision come from core/ (sum-plan.c), the
 * same tables the sumscope analyzer reads; the allocation story on a second
 * pass (tshark -2, or the GUI) comes from core's reconstruction
 * (sum-recon.c). Domain: docs/sum-ports.md; rules: docs/reconstruction.md.
 *
 * Two parts:
 *  - "sum.port": a thin dissector on the plan's TCP ports (range preferences)
 *    that hands TLS to TLS and firmware HTTP to HTTP, and says "not mine"
 *    for anything else (62286 is also an msrpc dynamic endpoint);
 *  - a postdissector that follows every TCP/UDP conversation touching the
 *    plan, labels its frames (family, SUM host, target, port, base, offset,
 *    cause, confidence, session) and raises the expert items. Port 80 and
 *    the bootstrap ports are labelled only between a known SUM host and its
 *    target: HTTP, SMB and SSH in general are never taken.
 * Bytes are read only through tvb accessors; all state is in file scope.
 */
#include "config-sum.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/expert.h>
#include <epan/prefs.h>
#include <epan/tap.h>
#include <epan/proto_data.h>
#include <wsutil/wmem/wmem.h>

#include "packet-sum.h"

static int proto_sum = -1;
static int proto_sum_port = -1;
static int sum_tap = -1;

static int hf_sum_family = -1;
static int hf_sum_sum_host = -1;
static int hf_sum_target = -1;
static int hf_sum_port = -1;
static int hf_sum_port_base = -1;
static int hf_sum_port_offset = -1;
static int hf_sum_port_range_end = -1;
static int hf_sum_overflow = -1;
static int hf_sum_cause = -1;
static int hf_sum_conflicting = -1;
static int hf_sum_confidence = -1;
static int hf_sum_session = -1;
static int hf_sum_holder = -1;
static int hf_sum_peer_family = -1;
static int hf_sum_peer_port = -1;
static int hf_sum_peer_cause = -1;
static int hf_sum_state = -1;

static gint ett_sum = -1;

static expert_field ei_sum_fallback = EI_INIT;
static expert_field ei_sum_fallback_normal = EI_INIT;
static expert_field ei_sum_overflow = EI_INIT;
static expert_field ei_sum_outside_range = EI_INIT;
static expert_field ei_sum_blocked = EI_INIT;
static expert_field ei_sum_refused = EI_INIT;
static expert_field ei_sum_not_sum_service = EI_INIT;

static dissector_handle_t sum_post_handle;
static dissector_handle_t sum_port_handle;
static dissector_handle_t tls_handle;
static dissector_handle_t http_handle;

/* Fields of other protocols the postdissector reads. */
static int hf_tcp_srcport = -1;
static int hf_tcp_len = -1;
static int hf_udp_srcport = -1;

/* Preferences: one range per family, defaults from core's plan. */
static range_t *pref_message_ports;
static range_t *pref_callback_ports;
static range_t *pref_control_ports;
static range_t *pref_firmware_ports;
static range_t *registered_ports; /* what is on tcp.port now */
static SumProfile *active_profile; /* the classic plan with the preferences applied */

#define SUM_CLASSIFY_BYTES 16 /* first payload bytes looked at */

/* One conversation on SUM-relevant ports. */
typedef struct {
    SumConn conn;            /* kept up to date on the first pass */
    SumTcpTrack tcp;         /* core's state machine, shared with the analyzer */
    gint channel;            /* index in the refined result, -1 if none */
} sum_conv_t;

/* One (SUM host, target) pair, graded as frames go by (first pass). */
typedef struct {
    SumConfidence confidence;
    guint session;
} sum_pair_t;

/* Per-capture state (file scope). */
static wmem_list_t *convs;        /* sum_conv_t* in order of first frame */
static wmem_map_t *pairs;         /* sum_pair_key_t -> sum_pair_t* */
static wmem_map_t *sum_hosts;     /* SumAddr -> GUINT_TO_POINTER(confidence) */
static guint next_session;
static SumResult *refined;        /* core's reconstruction, on later passes */
static guint refined_convs;       /* how many conversations it saw */

/* What a frame is labelled with. */
typedef struct {
    SumFamily family;
    guint16 port;
    SumAddr holder;
    SumAddr sum_host;
    SumAddr target;
    SumCause cause;
    SumConfidence confidence;
    guint session;
    SumPortPos pos;
    gboolean have_pos;
    const SumAllocation *alloc;
    const SumAllocation *peer_alloc;
} sum_label_t;

const SumProfile *
sum_active_profile(void)
{
    return active_profile != NULL ? active_profile : sum_plan_profile_default();
}

/* --- small helpers ------------------------------------------------------ */

static gboolean
addr_from_ws(const address *a, SumAddr *out)
{
    if (a->type == AT_IPv4 && a->len == 4) {
        sum_addr_set_v4(out, (const guint8 *)a->data);
        return TRUE;
    }
    if (a->type == AT_IPv6 && a->len == 16) {
        sum_addr_set_v6(out, (const guint8 *)a->data);
        return TRUE;
    }
    return FALSE;
}

static const char *
addr_text(wmem_allocator_t *pool, const SumAddr *a)
{
    char buf[SUM_ADDR_STRLEN];
    return wmem_strdup(pool, sum_addr_to_string(a, buf, sizeof buf));
}

/* Pairs and SUM hosts are looked up for every relevant frame: binary keys,
 * no text formatting. */
typedef struct {
    SumAddr s, t;
} sum_pair_key_t;

static guint
pair_key_hash(gconstpointer k)
{
    const sum_pair_key_t *p = (const sum_pair_key_t *)k;
    return sum_addr_hash(&p->s) * 31u + sum_addr_hash(&p->t);
}

static gboolean
pair_key_equal(gconstpointer a, gconstpointer b)
{
    const sum_pair_key_t *x = (const sum_pair_key_t *)a, *y = (const sum_pair_key_t *)b;
    return sum_addr_equal(&x->s, &y->s) && sum_addr_equal(&x->t, &y->t);
}

static guint
addr_hash_cb(gconstpointer k)
{
    return sum_addr_hash((const SumAddr *)k);
}

static gboolean
addr_equal_cb(gconstpointer a, gconstpointer b)
{
    return sum_addr_equal((const SumAddr *)a, (const SumAddr *)b);
}

static guint32
finfo_uint(field_info *fi)
{
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
    return fvalue_get_uinteger(fi->value);
#else
    return fvalue_get_uinteger(&fi->value);
#endif
}

/* The last (innermost) occurrence of a field in this frame's tree. */
static field_info *
last_field(proto_tree *tree, int hf)
{
    if (tree == NULL || hf < 0)
        return NULL;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);
    if (a == NULL || a->len == 0)
        return NULL;
    return (field_info *)g_ptr_array_index(a, a->len - 1);
}

static gboolean
in_family(const SumProfile *p, SumFamily f, guint16 port, SumPortPos *pos)
{
    const SumPortRule *r = sum_plan_rule(p, f, SUM_TRANSPORT_TCP);
    return r != NULL && sum_plan_position(r, port, pos);
}

/* --- per-capture state -------------------------------------------------- */

static void
sum_init(void)
{
    convs = wmem_list_new(wmem_file_scope());
    pairs = wmem_map_new(wmem_file_scope(), pair_key_hash, pair_key_equal);
    sum_hosts = wmem_map_new(wmem_file_scope(), addr_hash_cb, addr_equal_cb);
    next_session = 0;
    refined = NULL;
    refined_convs = 0;
}

static void
sum_cleanup(void)
{
    sum_result_free(refined);
    refined = NULL;
    convs = NULL;
    pairs = NULL;
    sum_hosts = NULL;
}

static SumConnState
conv_state(const sum_conv_t *sc)
{
    return sum_tcp_state(&sc->tcp, sc->conn.transport);
}

void
sum_foreach_conn(void (*fn)(const SumConn *conn, gpointer user), gpointer user)
{
    if (convs == NULL)
        return;
    for (wmem_list_frame_t *f = wmem_list_head(convs); f != NULL; f = wmem_list_frame_next(f)) {
        sum_conv_t *sc = (sum_conv_t *)wmem_list_frame_data(f);
        SumConn c = sc->conn;
        c.state = conv_state(sc);
        fn(&c, user);
    }
}

static void
add_to_recon(const SumConn *conn, gpointer user)
{
    sum_recon_add((SumRecon *)user, conn);
}

/* On a later pass, run core's reconstruction once over everything the first
 * pass saw, and point each conversation at its channel. */
static void
refine(void)
{
    if (convs == NULL || (refined != NULL && refined_convs == wmem_list_count(convs)))
        return;
    sum_result_free(refined);
    SumRecon *r = sum_recon_new(sum_active_profile());
    sum_foreach_conn(add_to_recon, r);
    refined = sum_recon_finish(r);
    sum_recon_free(r);
    refined_convs = wmem_list_count(convs);
    GHashTable *by_frame = g_hash_table_new(g_direct_hash, g_direct_equal);
    for (wmem_list_frame_t *f = wmem_list_head(convs); f != NULL; f = wmem_list_frame_next(f)) {
        sum_conv_t *sc = (sum_conv_t *)wmem_list_frame_data(f);
        sc->channel = -1;
        g_hash_table_insert(by_frame, GUINT_TO_POINTER((guint)sc->conn.first_frame), sc);
    }
    for (guint i = 0; i < refined->channels->len; i++) {
        const SumChannel *ch = (const SumChannel *)g_ptr_array_index(refined->channels, i);
        sum_conv_t *sc = (sum_conv_t *)g_hash_table_lookup(
            by_frame, GUINT_TO_POINTER((guint)ch->conn.first_frame));
        if (sc != NULL && sc->conn.orig_port == ch->conn.orig_port &&
            sc->conn.resp_port == ch->conn.resp_port)
            sc->channel = (gint)i;
    }
    g_hash_table_destroy(by_frame);
}

/* --- first pass: follow the conversation -------------------------------- */

static void
note_sum_host(const SumAddr *a, SumConfidence conf)
{
    SumConfidence old = (SumConfidence)GPOINTER_TO_UINT(wmem_map_lookup(sum_hosts, a));
    if (conf > old)
        wmem_map_insert(sum_hosts, wmem_memdup(wmem_file_scope(), a, sizeof *a),
                        GUINT_TO_POINTER(conf));
}

static SumConfidence
sum_host_confidence(const SumAddr *a)
{
    return (SumConfidence)GPOINTER_TO_UINT(wmem_map_lookup(sum_hosts, a));
}

static sum_pair_t *
get_pair(const SumAddr *s, const SumAddr *t)
{
    sum_pair_key_t k;
    memset(&k, 0, sizeof k);
    k.s = *s;
    k.t = *t;
    return (sum_pair_t *)wmem_map_lookup(pairs, &k);
}

static sum_pair_t *
grade_pair(const SumAddr *s, const SumAddr *t, SumConfidence conf)
{
    sum_pair_t *p = get_pair(s, t);
    if (p == NULL) {
        p = wmem_new0(wmem_file_scope(), sum_pair_t);
        sum_pair_key_t *k = wmem_new0(wmem_file_scope(), sum_pair_key_t);
        k->s = *s;
        k->t = *t;
        wmem_map_insert(pairs, k, p);
    }
    if (conf > p->confidence)
        p->confidence = conf;
    if (p->confidence >= SUM_CONFIDENCE_MEDIUM && p->session == 0)
        p->session = ++next_session;
    if (p->confidence >= SUM_CONFIDENCE_MEDIUM)
        note_sum_host(s, p->confidence);
    return p;
}

static gboolean
from_orig(const sum_conv_t *sc, const SumAddr *src, guint16 sport)
{
    return sport == sc->conn.orig_port && sum_addr_equal(src, &sc->conn.orig);
}

typedef struct {
    SumTransport transport;
    SumAddr src, dst;
    guint16 sport, dport;
    guint8 flags;            /* TCP flags, 0 for UDP */
    guint32 seq;
    guint32 payload_len;
    SumPayload payload;      /* classified first bytes, NONE without payload */
} sum_seg_t;

/* Reads the transport header of this frame through the tvb it came from. */
static gboolean
read_segment(packet_info *pinfo, proto_tree *tree, sum_seg_t *seg)
{
    gboolean tcp = pinfo->ptype == PT_TCP;
    field_info *fi = last_field(tree, tcp ? hf_tcp_srcport : hf_udp_srcport);
    field_info *len = tcp ? last_field(tree, hf_tcp_len) : NULL;
    if (fi == NULL || fi->ds_tvb == NULL)
        return FALSE;
    tvbuff_t *t = fi->ds_tvb;
    gint start = fi->start;
    guint hdr = 8;
    seg->transport = tcp ? SUM_TRANSPORT_TCP : SUM_TRANSPORT_UDP;
    seg->sport = (guint16)pinfo->srcport;
    seg->dport = (guint16)pinfo->destport;
    if (tcp) {
        if (tvb_captured_length_remaining(t, start) < 20)
            return FALSE;
        seg->seq = tvb_get_ntohl(t, start + 4);
        hdr = (guint)(sum_tvb_get_u8(t, start + 12) >> 4) * 4;
        seg->flags = sum_tvb_get_u8(t, start + 13);
        seg->payload_len = len != NULL ? finfo_uint(len) : 0;
    } else {
        /* The UDP header says its own length: one field less to ask
         * Wireshark to keep in every frame's tree. */
        if (tvb_captured_length_remaining(t, start) < 8)
            return FALSE;
        guint32 ulen = tvb_get_ntohs(t, start + 4);
        seg->payload_len = ulen > 8 ? ulen - 8 : 0;
    }
    seg->payload = SUM_PAYLOAD_NONE;
    if (seg->payload_len > 0 && hdr >= 8) {
        gint avail = tvb_captured_length_remaining(t, start + (gint)hdr);
        if (avail > 0) {
            guint n = MIN((guint)avail, MIN(seg->payload_len, SUM_CLASSIFY_BYTES));
            guint8 bytes[SUM_CLASSIFY_BYTES];
            tvb_memcpy(t, bytes, start + (gint)hdr, n);
            seg->payload = sum_payload_classify(bytes, n, seg->transport, seg->sport,
                                                seg->dport);
        } else {
            seg->payload = SUM_PAYLOAD_OTHER; /* cut by the snap length */
        }
    }
    return TRUE;
}

static sum_conv_t *
conv_new(conversation_t *conv, const sum_seg_t *seg, packet_info *pinfo)
{
    sum_conv_t *sc = wmem_new0(wmem_file_scope(), sum_conv_t);
    gboolean synack = (seg->flags & (SUM_TCP_SYN | SUM_TCP_ACK)) ==
                      (SUM_TCP_SYN | SUM_TCP_ACK);
    /* The originator sent the SYN; a SYN-ACK first means the other side. */
    sc->conn.orig = synack ? seg->dst : seg->src;
    sc->conn.resp = synack ? seg->src : seg->dst;
    sc->conn.orig_port = synack ? seg->dport : seg->sport;
    sc->conn.resp_port = synack ? seg->sport : seg->dport;
    sc->conn.transport = seg->transport;
    sc->conn.first_frame = pinfo->num;
    sc->conn.t_first = (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000;
    sc->channel = -1;
    conversation_add_proto_data(conv, proto_sum, sc);
    wmem_list_append(convs, sc);
    return sc;
}

static void
conv_update(sum_conv_t *sc, const sum_seg_t *seg, packet_info *pinfo)
{
    SumConn *c = &sc->conn;
    gboolean orig = from_orig(sc, &seg->src, seg->sport);
    c->packets++;
    c->resp_packets += !orig;
    c->bytes += pinfo->fd->pkt_len;
    c->last_frame = pinfo->num;
    c->t_last = (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000;
    if (seg->transport == SUM_TRANSPORT_TCP)
        sum_tcp_track(&sc->tcp, c, seg->flags, seg->seq, orig, seg->payload_len, pinfo->num,
                      c->t_last);
    if (seg->payload_len > 0) {
        SumPayload *slot = orig ? &c->orig_payload : &c->resp_payload;
        if (*slot == SUM_PAYLOAD_NONE) {
            *slot = seg->payload == SUM_PAYLOAD_NONE ? SUM_PAYLOAD_OTHER : seg->payload;
            if (!orig)
                c->payload_frame = pinfo->num;
        }
    }
}

/* Grades the pair a message -> control conversation shows (first pass). */
static void
grade_conversation(const sum_conv_t *sc)
{
    const SumProfile *p = sum_active_profile();
    const SumConn *c = &sc->conn;
    SumPortPos mp, cp;
    const SumAddr *s = NULL, *t = NULL;
    if (c->transport != SUM_TRANSPORT_TCP)
        return;
    if (in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, &mp) &&
        in_family(p, SUM_FAMILY_CONTROL, c->resp_port, &cp))
        s = &c->orig, t = &c->resp;
    else if (in_family(p, SUM_FAMILY_MESSAGE, c->resp_port, &mp) &&
             in_family(p, SUM_FAMILY_CONTROL, c->orig_port, &cp))
        s = &c->resp, t = &c->orig;
    if (s != NULL) {
        SumConfidence conf = SUM_CONFIDENCE_LOW;
        gboolean failed = (sc->tcp.rst_resp && !sc->tcp.established) ||
                          (sc->conn.syn_count > 1 && !sc->tcp.established);
        if (sum_conn_is_tls(c))
            conf = SUM_CONFIDENCE_HIGH;
        else if ((failed && mp.documented && cp.offset == 0) ||
                 sum_host_confidence(s) >= SUM_CONFIDENCE_MEDIUM)
            conf = SUM_CONFIDENCE_MEDIUM;
        grade_pair(s, t, conf);
        return;
    }
    /* Callback (TLS) or firmware (HTTP from 63000 up) towards a known SUM host. */
    if (sum_host_confidence(&c->resp) >= SUM_CONFIDENCE_MEDIUM &&
        !sum_addr_equal(&c->orig, &c->resp) && !sum_addr_is_loopback(&c->orig)) {
        SumPortPos pos;
        if (in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, &pos) &&
            c->resp_port != p->ipc_port && sum_conn_is_tls(c))
            grade_pair(&c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM);
        else if (in_family(p, SUM_FAMILY_FIRMWARE, c->resp_port, &pos) && pos.offset > 0 &&
                 c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST)
            grade_pair(&c->resp, &c->orig, SUM_CONFIDENCE_MEDIUM);
    }
}

/* --- labels ------------------------------------------------------------- */

static void
label_position(sum_label_t *l)
{
    const SumPortRule *r = sum_plan_rule(sum_active_profile(), l->family,
                                         l->family == SUM_FAMILY_BOOTSTRAP &&
                                                 (l->port == 137 || l->port == 138)
                                             ? SUM_TRANSPORT_UDP
                                             : SUM_TRANSPORT_TCP);
    if (l->family == SUM_FAMILY_BOOTSTRAP) {
        /* Each bootstrap port is a rule of its own: find the one. */
        const SumProfile *p = sum_active_profile();
        for (gsize i = 0; i < p->n_rules; i++) {
            if (p->rules[i].family == SUM_FAMILY_BOOTSTRAP && p->rules[i].base == l->port)
                r = &p->rules[i];
        }
    }
    l->have_pos = r != NULL && sum_plan_position(r, l->port, &l->pos);
}

/* From core's reconstruction (later passes). */
static gboolean
label_refined(const sum_conv_t *sc, sum_label_t *l)
{
    if (refined == NULL || sc->channel < 0 || (guint)sc->channel >= refined->channels->len)
        return FALSE;
    const SumChannel *ch = (const SumChannel *)g_ptr_array_index(refined->channels,
                                                                 sc->channel);
    l->family = ch->family;
    l->port = ch->sum_port;
    l->holder = ch->port_holder;
    l->sum_host = ch->sum_host;
    l->target = ch->target;
    l->confidence = ch->confidence;
    l->session = ch->session;
    if (ch->alloc != NULL) {
        l->alloc = ch->alloc;
        l->cause = l->alloc->cause;
    } else if (ch->family == SUM_FAMILY_BOOTSTRAP) {
        l->cause = SUM_CAUSE_DEFAULT;
    }
    l->peer_alloc = ch->peer_alloc;
    label_position(l);
    return TRUE;
}

/* From what the first pass knows so far. */
static gboolean
label_live(const sum_conv_t *sc, sum_label_t *l)
{
    const SumProfile *p = sum_active_profile();
    const SumConn *c = &sc->conn;
    SumPortPos a, b;
    const sum_pair_t *pair = NULL;
    if (c->transport == SUM_TRANSPORT_TCP &&
        ((in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, &a) &&
          in_family(p, SUM_FAMILY_CONTROL, c->resp_port, &b)) ||
         (in_family(p, SUM_FAMILY_MESSAGE, c->resp_port, &a) &&
          in_family(p, SUM_FAMILY_CONTROL, c->orig_port, &b)))) {
        gboolean orig_msg = in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, &a) &&
                            in_family(p, SUM_FAMILY_CONTROL, c->resp_port, &b);
        l->family = SUM_FAMILY_MESSAGE;
        l->sum_host = orig_msg ? c->orig : c->resp;
        l->target = orig_msg ? c->resp : c->orig;
        l->holder = l->sum_host;
        l->port = orig_msg ? c->orig_port : c->resp_port;
        pair = get_pair(&l->sum_host, &l->target);
    } else if (c->transport == SUM_TRANSPORT_TCP &&
               sum_host_confidence(&c->resp) >= SUM_CONFIDENCE_MEDIUM &&
               (in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, &a) ||
                in_family(p, SUM_FAMILY_FIRMWARE, c->resp_port, &a) ||
                (c->resp_port == p->ipc_port && sum_addr_is_loopback(&c->resp)))) {
        l->family = a.rule->family;
        if (c->resp_port == p->ipc_port && sum_addr_is_loopback(&c->resp))
            l->family = SUM_FAMILY_IPC;
        l->sum_host = c->resp;
        l->target = c->orig;
        l->holder = c->resp;
        l->port = c->resp_port;
        pair = get_pair(&c->resp, &c->orig);
        /* Port 80 only from a known target. */
        if (l->family == SUM_FAMILY_FIRMWARE && a.offset == 0 &&
            (pair == NULL || pair->confidence < SUM_CONFIDENCE_MEDIUM))
            return FALSE;
    } else {
        /* Bootstrap: from a known SUM host to its target only. */
        pair = get_pair(&c->orig, &c->resp);
        if (pair == NULL || pair->confidence < SUM_CONFIDENCE_MEDIUM)
            goto port_only;
        const SumProfile *pp = sum_active_profile();
        gboolean found = FALSE;
        for (gsize i = 0; i < pp->n_rules && !found; i++) {
            const SumPortRule *r = &pp->rules[i];
            found = r->family == SUM_FAMILY_BOOTSTRAP && r->transport == c->transport &&
                    r->base == c->resp_port;
        }
        if (!found)
            goto port_only;
        l->family = SUM_FAMILY_BOOTSTRAP;
        l->sum_host = c->orig;
        l->target = c->resp;
        l->holder = c->resp;
        l->port = c->resp_port;
    }
    l->confidence = pair != NULL ? pair->confidence : SUM_CONFIDENCE_LOW;
    l->session = pair != NULL ? pair->session : 0;
    label_position(l);
    if (l->have_pos) {
        if (l->pos.overflow && l->pos.rule->overflow_counts)
            l->cause = SUM_CAUSE_OVERFLOW;
        else if (l->pos.offset == 0 || l->family == SUM_FAMILY_BOOTSTRAP)
            l->cause = SUM_CAUSE_DEFAULT;
        else if (l->family == SUM_FAMILY_CALLBACK && l->pos.offset == 1 &&
                 p->ipc_port == l->pos.base)
            l->cause = SUM_CAUSE_IPC_RESERVED;
    }
    return TRUE;
port_only:
    /* A listener on a SUM port with nothing else to go on: a hint only. */
    if (!sum_plan_is_sum_port(p, c->transport, c->resp_port) ||
        sum_plan_candidates(p, c->transport, c->resp_port, &a, 1) == 0 ||
        a.rule->strict_peers || (a.rule->family == SUM_FAMILY_FIRMWARE && a.offset == 0))
        return FALSE;
    l->family = a.rule->family;
    l->port = c->resp_port;
    l->holder = c->resp;
    l->confidence = SUM_CONFIDENCE_LOW;
    label_position(l);
    return TRUE;
}

/* --- the tree, the Info column, the expert items ------------------------ */

static void
add_tree(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sum_conv_t *sc,
         const sum_label_t *l, proto_item **top)
{
    proto_item *ti = proto_tree_add_item(tree, proto_sum, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    *top = ti;
    proto_item_append_text(ti, ": %s port %u (%s confidence)", sum_plan_family_name(l->family),
                           l->port, sum_plan_confidence_name(l->confidence));
    proto_tree *st = proto_item_add_subtree(ti, ett_sum);
#define GEN(x) proto_item_set_generated(x)
    GEN(proto_tree_add_string(st, hf_sum_family, tvb, 0, 0, sum_plan_family_name(l->family)));
    if (l->sum_host.family != 0)
        GEN(proto_tree_add_string(st, hf_sum_sum_host, tvb, 0, 0, addr_text(pinfo->pool, &l->sum_host)));
    if (l->target.family != 0)
        GEN(proto_tree_add_string(st, hf_sum_target, tvb, 0, 0, addr_text(pinfo->pool, &l->target)));
    if (l->holder.family != 0)
        GEN(proto_tree_add_string(st, hf_sum_holder, tvb, 0, 0, addr_text(pinfo->pool, &l->holder)));
    GEN(proto_tree_add_uint(st, hf_sum_port, tvb, 0, 0, l->port));
    if (l->have_pos) {
        GEN(proto_tree_add_uint(st, hf_sum_port_base, tvb, 0, 0, l->pos.base));
        GEN(proto_tree_add_uint(st, hf_sum_port_offset, tvb, 0, 0, l->pos.offset));
        GEN(proto_tree_add_uint(st, hf_sum_port_range_end, tvb, 0, 0, l->pos.range_end));
        GEN(proto_tree_add_boolean(st, hf_sum_overflow, tvb, 0, 0, l->pos.overflow));
    }
    if (l->cause != SUM_CAUSE_UNKNOWN)
        GEN(proto_tree_add_string(st, hf_sum_cause, tvb, 0, 0, sum_plan_cause_name(l->cause)));
    if (l->alloc != NULL && l->alloc->conflicting_ports->len > 0) {
        wmem_strbuf_t *b = wmem_strbuf_new(pinfo->pool, "");
        for (guint i = 0; i < l->alloc->conflicting_ports->len; i++)
            wmem_strbuf_append_printf(b, "%s%u", i ? "," : "",
                                      g_array_index(l->alloc->conflicting_ports, guint16, i));
        GEN(proto_tree_add_string(st, hf_sum_conflicting, tvb, 0, 0, wmem_strbuf_get_str(b)));
    }
    GEN(proto_tree_add_string(st, hf_sum_confidence, tvb, 0, 0,
                              sum_plan_confidence_name(l->confidence)));
    if (l->session != 0)
        GEN(proto_tree_add_uint(st, hf_sum_session, tvb, 0, 0, l->session));
    if (l->peer_alloc != NULL) {
        GEN(proto_tree_add_string(st, hf_sum_peer_family, tvb, 0, 0,
                                  sum_plan_family_name(l->peer_alloc->family)));
        GEN(proto_tree_add_uint(st, hf_sum_peer_port, tvb, 0, 0, l->peer_alloc->port));
        GEN(proto_tree_add_string(st, hf_sum_peer_cause, tvb, 0, 0,
                                  sum_plan_cause_name(l->peer_alloc->cause)));
    }
    GEN(proto_tree_add_string(st, hf_sum_state, tvb, 0, 0,
                              sum_conn_state_name(conv_state(sc))));
#undef GEN
}

/* The control listener a message connection reached: past its documented
 * port it moved (docs/sum-ports.md, "a control listener that moved"), in one pass
 * as soon as the connection starts, with the cause once core knows it. */
static void
add_listener_expert(packet_info *pinfo, proto_item *ti, const SumConn *c, const sum_label_t *l)
{
    const SumPortRule *r = sum_plan_rule(sum_active_profile(), SUM_FAMILY_CONTROL,
                                         SUM_TRANSPORT_TCP);
    gboolean orig_is_host = sum_addr_equal(&c->orig, &l->sum_host) && c->orig_port == l->port;
    guint16 port = orig_is_host ? c->resp_port : c->orig_port;
    SumPortPos pos;
    if (r == NULL || !sum_plan_position(r, port, &pos) || pos.offset == 0)
        return;
    SumCause cause = l->peer_alloc != NULL ? l->peer_alloc->cause : SUM_CAUSE_UNKNOWN;
    if (pos.overflow)
        expert_add_info_format(pinfo, ti, &ei_sum_outside_range,
                               "control listener on %u instead of %u%s%s%s, outside the "
                               "documented range (%u)", port, pos.base,
                               cause != SUM_CAUSE_UNKNOWN ? " (" : "",
                               cause != SUM_CAUSE_UNKNOWN ? sum_plan_cause_name(cause) : "",
                               cause != SUM_CAUSE_UNKNOWN ? ")" : "", pos.range_end);
    else
        expert_add_info_format(pinfo, ti, &ei_sum_fallback, "control listener on %u instead "
                               "of %u%s%s", port, pos.base,
                               cause != SUM_CAUSE_UNKNOWN ? ": " : "",
                               cause != SUM_CAUSE_UNKNOWN ? sum_plan_cause_name(cause) : "");
}

static void
add_experts(packet_info *pinfo, proto_item *ti, const sum_conv_t *sc, const sum_label_t *l,
            const sum_seg_t *seg)
{
    const SumConn *c = &sc->conn;
    gboolean first = pinfo->num == c->first_frame;
    gboolean orig = from_orig(sc, &seg->src, seg->sport);
    if (l->confidence < SUM_CONFIDENCE_MEDIUM)
        return;
    if (first && l->have_pos && l->pos.offset > 0 && l->family != SUM_FAMILY_BOOTSTRAP) {
        if (l->cause == SUM_CAUSE_CONCURRENT || l->cause == SUM_CAUSE_IPC_RESERVED)
            expert_add_info_format(pinfo, ti, &ei_sum_fallback_normal,
                                   "%s port %u instead of %u (%s)",
                                   sum_plan_family_name(l->family), l->port, l->pos.base,
                                   sum_plan_cause_name(l->cause));
        else
            expert_add_info_format(pinfo, ti, &ei_sum_fallback, "%s port %u instead of %u%s%s",
                                   sum_plan_family_name(l->family), l->port, l->pos.base,
                                   l->cause != SUM_CAUSE_UNKNOWN ? ": " : "",
                                   l->cause != SUM_CAUSE_UNKNOWN ? sum_plan_cause_name(l->cause)
                                                                 : "");
    }
    if (first && l->have_pos && l->pos.overflow) {
        if (l->pos.rule->overflow_counts)
            expert_add_info_format(pinfo, ti, &ei_sum_overflow,
                                   "%s port %u is outside the documented range %u-%u",
                                   sum_plan_family_name(l->family), l->port, l->pos.base,
                                   l->pos.range_end);
        else
            expert_add_info_format(pinfo, ti, &ei_sum_outside_range,
                                   "%s port %u is outside the documented range (%u)",
                                   sum_plan_family_name(l->family), l->port, l->pos.range_end);
    }
    if (first && l->family == SUM_FAMILY_MESSAGE)
        add_listener_expert(pinfo, ti, c, l);
    if (c->transport != SUM_TRANSPORT_TCP || l->family == SUM_FAMILY_IPC)
        return;
    gboolean syn = (seg->flags & (SUM_TCP_SYN | SUM_TCP_ACK)) == SUM_TCP_SYN;
    gboolean unanswered = c->synack_frame == 0 && !sc->tcp.rst_resp && !sc->tcp.established;
    /* A retransmitted SYN proves the first went unanswered; on a later pass
     * the whole conversation is known. */
    if (syn && orig && unanswered &&
        (pinfo->num != c->first_frame || PINFO_FD_VISITED(pinfo)) &&
        (PINFO_FD_VISITED(pinfo) || c->syn_count > 1))
        expert_add_info_format(pinfo, ti, &ei_sum_blocked,
                               "SYN to SUM %s port %u not answered: blocked (a firewall "
                               "drops it)", l->family == SUM_FAMILY_MESSAGE ? "control"
                                                                            : sum_plan_family_name(l->family),
                               c->resp_port);
    if ((seg->flags & SUM_TCP_RST) && !orig && !sc->tcp.established &&
        pinfo->num == c->rst_frame)
        expert_add_info_format(pinfo, ti, &ei_sum_refused,
                               "SYN to SUM port %u answered by a reset: refused", c->resp_port);
    if (!orig && pinfo->num == c->payload_frame && c->resp_payload != SUM_PAYLOAD_TLS &&
        (l->family == SUM_FAMILY_MESSAGE || l->family == SUM_FAMILY_CALLBACK))
        expert_add_info_format(pinfo, ti, &ei_sum_not_sum_service,
                               "SUM port %u answered with %s, not TLS: not a SUM service",
                               c->resp_port, sum_payload_name(c->resp_payload));
}

static void
set_info(packet_info *pinfo, const sum_label_t *l)
{
    gboolean fallback = l->have_pos && l->pos.offset > 0 && l->cause != SUM_CAUSE_DEFAULT &&
                        l->family != SUM_FAMILY_BOOTSTRAP;
    col_prepend_fstr(pinfo->cinfo, COL_INFO, "[SUM %s%s%s%s] ", sum_plan_family_name(l->family),
                     fallback ? " fallback" : "",
                     fallback && l->cause != SUM_CAUSE_UNKNOWN ? ": " : "",
                     fallback && l->cause != SUM_CAUSE_UNKNOWN ? sum_plan_cause_name(l->cause)
                                                               : "");
}

/* --- the postdissector --------------------------------------------------- */

/* Ports of the active plan, [0] TCP and [1] UDP, rebuilt with the
 * preferences: the test every frame goes through. */
static guint8 relevant_ports[2][65536 / 8];

static void
build_relevant_ports(void)
{
    const SumProfile *p = sum_active_profile();
    memset(relevant_ports, 0, sizeof relevant_ports);
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *r = &p->rules[i];
        int t = r->transport == SUM_TRANSPORT_UDP;
        for (guint16 k = 0;; k++) {
            guint16 port = sum_plan_port_at(r, k);
            if (port == 0)
                break;
            relevant_ports[t][port >> 3] |= (guint8)(1u << (port & 7));
        }
    }
}

static gboolean
relevant(SumTransport t, guint16 sport, guint16 dport)
{
    const guint8 *b = relevant_ports[t == SUM_TRANSPORT_UDP];
    return ((b[sport >> 3] >> (sport & 7)) & 1u) || ((b[dport >> 3] >> (dport & 7)) & 1u);
}

static int
dissect_sum_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    sum_seg_t seg;
    memset(&seg, 0, sizeof seg);
    if ((pinfo->ptype != PT_TCP && pinfo->ptype != PT_UDP) || convs == NULL)
        return 0;
    /* The cheapest test first: most frames are on no port of the plan. */
    SumTransport t = pinfo->ptype == PT_TCP ? SUM_TRANSPORT_TCP : SUM_TRANSPORT_UDP;
    if (!relevant(t, (guint16)pinfo->srcport, (guint16)pinfo->destport))
        return 0;
    /* A packet quoted inside an ICMP error is not a connection of its own. */
    if (proto_is_frame_protocol(pinfo->layers, "icmp") ||
        proto_is_frame_protocol(pinfo->layers, "icmpv6"))
        return 0;
    if (!addr_from_ws(&pinfo->src, &seg.src) || !addr_from_ws(&pinfo->dst, &seg.dst))
        return 0;
    /* The transport header is read on the first pass, when the fields the
     * postdissector asked for are in the tree, and kept with the frame:
     * later passes may build a tree without them. */
    sum_seg_t *kept = (sum_seg_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_sum, 0);
    if (kept != NULL) {
        seg = *kept;
    } else {
        if (!read_segment(pinfo, tree, &seg))
            return 0;
        if (!PINFO_FD_VISITED(pinfo)) {
            kept = wmem_new(wmem_file_scope(), sum_seg_t);
            *kept = seg;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_sum, 0, kept);
        }
    }
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (conv == NULL)
        return 0;
    sum_conv_t *sc = (sum_conv_t *)conversation_get_proto_data(conv, proto_sum);
    if (!PINFO_FD_VISITED(pinfo)) {
        if (sc == NULL)
            sc = conv_new(conv, &seg, pinfo);
        conv_update(sc, &seg, pinfo);
        grade_conversation(sc);
    } else {
        refine();
    }
    if (sc == NULL)
        return 0;
    sum_label_t l;
    memset(&l, 0, sizeof l);
    gboolean labelled = PINFO_FD_VISITED(pinfo) && refined != NULL
                            ? (label_refined(sc, &l) || label_live(sc, &l))
                            : label_live(sc, &l);
    if (!labelled)
        return 0;
    proto_item *ti = NULL;
    add_tree(tvb, pinfo, tree, sc, &l, &ti);
    if (l.confidence >= SUM_CONFIDENCE_MEDIUM)
        set_info(pinfo, &l);
    add_experts(pinfo, ti, sc, &l, &seg);
    sum_tap_info_t *ti_tap = wmem_new0(pinfo->pool, sum_tap_info_t);
    ti_tap->family = l.family;
    ti_tap->port = l.port;
    ti_tap->cause = l.cause;
    ti_tap->confidence = l.confidence;
    ti_tap->session = l.session;
    ti_tap->first_frame = pinfo->num == sc->conn.first_frame;
    ti_tap->overflow = l.have_pos && l.pos.overflow;
    ti_tap->holder = l.holder.family != 0 ? addr_text(pinfo->pool, &l.holder) : "?";
    tap_queue_packet(sum_tap, pinfo, ti_tap);
    return tvb_captured_length(tvb);
}

/* --- the port dissector: hand TLS to TLS, firmware HTTP to HTTP ---------- */

static int
dissect_sum_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint8 bytes[SUM_CLASSIFY_BYTES];
    guint n = MIN(tvb_captured_length(tvb), (guint)sizeof bytes);
    if (n == 0)
        return 0;
    tvb_memcpy(tvb, bytes, 0, n);
    SumPayload k = sum_payload_classify(bytes, n, SUM_TRANSPORT_TCP, (guint16)pinfo->srcport,
                                        (guint16)pinfo->destport);
    dissector_handle_t next = NULL;
    if (k == SUM_PAYLOAD_TLS)
        next = tls_handle;
    else if (k == SUM_PAYLOAD_HTTP_REQUEST || k == SUM_PAYLOAD_HTTP_RESPONSE)
        next = http_handle;
    if (next == NULL)
        return 0; /* not SUM's: let TCP try the other port and heuristics */
    /* The rest of the conversation goes straight there. */
    conversation_t *conv = find_or_create_conversation(pinfo);
    if (conv != NULL && !PINFO_FD_VISITED(pinfo))
        conversation_set_dissector(conv, next);
    return call_dissector_with_data(next, tvb, pinfo, tree, data);
}

/* --- preferences ---------------------------------------------------------- */

static range_t *
range_of(const SumProfile *p, SumFamily f, gboolean fallback_only)
{
    const SumPortRule *r = sum_plan_rule(p, f, SUM_TRANSPORT_TCP);
    range_t *range = NULL;
    gchar *s = r == NULL ? g_strdup("")
                         : g_strdup_printf("%u-%u",
                                           fallback_only && r->fallback_lo ? r->fallback_lo
                                                                           : r->base,
                                           r->documented_end);
    range_convert_str(wmem_epan_scope(), &range, s, 65535);
    g_free(s);
    return range;
}

static void
apply_range(SumFamily f, const range_t *range)
{
    if (range == NULL || range->nranges == 0)
        return;
    GError *err = NULL;
    /* The first range of the preference sets the family's documented range. */
    if (!sum_plan_profile_set_range(active_profile, f, (guint16)range->ranges[0].low,
                                    (guint16)range->ranges[0].high, &err))
        g_clear_error(&err);
}

static void
register_ports(void)
{
    if (registered_ports != NULL) {
        dissector_delete_uint_range("tcp.port", registered_ports, sum_port_handle);
        wmem_free(wmem_epan_scope(), registered_ports);
    }
    gchar *msg = range_convert_range(NULL, pref_message_ports);
    gchar *cb = range_convert_range(NULL, pref_callback_ports);
    gchar *ctl = range_convert_range(NULL, pref_control_ports);
    gchar *fw = range_convert_range(NULL, pref_firmware_ports);
    gchar *all = g_strjoin(",", msg, cb, ctl, fw, NULL);
    registered_ports = NULL;
    range_convert_str(wmem_epan_scope(), &registered_ports, all, 65535);
    if (registered_ports != NULL)
        dissector_add_uint_range("tcp.port", registered_ports, sum_port_handle);
    g_free(all);
    wmem_free(NULL, msg);
    wmem_free(NULL, cb);
    wmem_free(NULL, ctl);
    wmem_free(NULL, fw);
}

static void
apply_prefs(void)
{
    sum_plan_profile_free(active_profile);
    active_profile = sum_plan_profile_copy(sum_plan_profile_default());
    apply_range(SUM_FAMILY_MESSAGE, pref_message_ports);
    apply_range(SUM_FAMILY_CALLBACK, pref_callback_ports);
    apply_range(SUM_FAMILY_CONTROL, pref_control_ports);
    build_relevant_ports();
    if (sum_port_handle != NULL)
        register_ports();
}

/* --- registration --------------------------------------------------------- */

void proto_register_sum(void);
void proto_reg_handoff_sum(void);

void
proto_register_sum(void)
{
    static hf_register_info hf[] = {
        {&hf_sum_family, {"Family", "sum.family", FT_STRING, BASE_NONE, NULL, 0x0,
                          "SUM port family: bootstrap, control, message, callback, ipc, "
                          "firmware", HFILL}},
        {&hf_sum_sum_host, {"SUM host", "sum.sum_host", FT_STRING, BASE_NONE, NULL, 0x0,
                            "The machine SUM runs on", HFILL}},
        {&hf_sum_target, {"Target", "sum.target", FT_STRING, BASE_NONE, NULL, 0x0,
                          "The machine being updated", HFILL}},
        {&hf_sum_holder, {"Port holder", "sum.holder", FT_STRING, BASE_NONE, NULL, 0x0,
                          "The host that holds (binds) the SUM port", HFILL}},
        {&hf_sum_port, {"Port", "sum.port", FT_UINT16, BASE_DEC, NULL, 0x0,
                        "The family's port in this connection", HFILL}},
        {&hf_sum_port_base, {"Base port", "sum.port.base", FT_UINT16, BASE_DEC, NULL, 0x0,
                             "First port the family tries", HFILL}},
        {&hf_sum_port_offset, {"Offset", "sum.port.offset", FT_UINT16, BASE_DEC, NULL, 0x0,
                               "Index in the family's sequence (0 = base; firmware: 80, "
                               "63000, ...)", HFILL}},
        {&hf_sum_port_range_end, {"Documented range end", "sum.port.range_end", FT_UINT16,
                                  BASE_DEC, NULL, 0x0, NULL, HFILL}},
        {&hf_sum_overflow, {"Outside the documented range", "sum.overflow", FT_BOOLEAN,
                            BASE_NONE, NULL, 0x0, NULL, HFILL}},
        {&hf_sum_cause, {"Cause", "sum.cause", FT_STRING, BASE_NONE, NULL, 0x0,
                         "Why this port: default, concurrent, ipc-reserved, conflict, "
                         "overflow", HFILL}},
        {&hf_sum_conflicting, {"Ports in the way", "sum.conflicting_ports", FT_STRING,
                               BASE_NONE, NULL, 0x0,
                               "Lower ports held by another program", HFILL}},
        {&hf_sum_confidence, {"Confidence", "sum.confidence", FT_STRING, BASE_NONE, NULL,
                              0x0, "How sure the label is: low, medium, high", HFILL}},
        {&hf_sum_session, {"Session", "sum.session", FT_UINT32, BASE_DEC, NULL, 0x0,
                           "One id for all flows between the same SUM host and target",
                           HFILL}},
        {&hf_sum_peer_family, {"Peer family", "sum.peer.family", FT_STRING, BASE_NONE, NULL,
                               0x0, "The other end's SUM port family", HFILL}},
        {&hf_sum_peer_port, {"Peer port", "sum.peer.port", FT_UINT16, BASE_DEC, NULL, 0x0,
                             NULL, HFILL}},
        {&hf_sum_peer_cause, {"Peer cause", "sum.peer.cause", FT_STRING, BASE_NONE, NULL,
                              0x0, NULL, HFILL}},
        {&hf_sum_state, {"Connection state", "sum.state", FT_STRING, BASE_NONE, NULL, 0x0,
                         "Zeek-style: S0 unanswered, REJ refused, SF closed ...", HFILL}},
    };
    static gint *ett[] = {&ett_sum};
    static ei_register_info ei[] = {
        {&ei_sum_fallback, {"sum.fallback", PI_SEQUENCE, PI_WARN,
                            "SUM port allocation fell back", EXPFILL}},
        {&ei_sum_fallback_normal, {"sum.fallback.normal", PI_SEQUENCE, PI_NOTE,
                                   "SUM port allocation moved up (normal)", EXPFILL}},
        {&ei_sum_overflow, {"sum.overflow.expert", PI_SEQUENCE, PI_WARN,
                            "SUM port outside the documented range", EXPFILL}},
        {&ei_sum_outside_range, {"sum.outside_range", PI_SEQUENCE, PI_WARN,
                                 "SUM listener outside the documented range", EXPFILL}},
        {&ei_sum_blocked, {"sum.blocked", PI_RESPONSE_CODE, PI_ERROR,
                           "SYN to a SUM port never answered (blocked)", EXPFILL}},
        {&ei_sum_refused, {"sum.refused", PI_RESPONSE_CODE, PI_ERROR,
                           "SYN to a SUM port answered by a reset (refused)", EXPFILL}},
        {&ei_sum_not_sum_service, {"sum.not_sum_service", PI_PROTOCOL, PI_WARN,
                                   "SUM TLS port answered by something that is not TLS",
                                   EXPFILL}},
    };

    proto_sum = proto_register_protocol("HP Smart Update Manager", "SUM", "sum");
    proto_sum_port = proto_register_protocol_in_name_only(
        "HP Smart Update Manager (ports)", "SUM ports", "sum.ports", proto_sum, FT_PROTOCOL);
    proto_register_field_array(proto_sum, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto_sum);
    expert_register_field_array(em, ei, array_length(ei));

    active_profile = sum_plan_profile_copy(sum_plan_profile_default());
    build_relevant_ports();
    pref_message_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_MESSAGE, FALSE);
    pref_callback_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_CALLBACK, FALSE);
    pref_control_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_CONTROL, FALSE);
    pref_firmware_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_FIRMWARE, TRUE);
    module_t *m = prefs_register_protocol(proto_sum, apply_prefs);
    prefs_register_range_preference(m, "message_ports", "Message ports",
                                    "SUM host's TLS ports towards targets (documented "
                                    "60000-60007)", &pref_message_ports, 65535);
    prefs_register_range_preference(m, "callback_ports", "Callback ports",
                                    "SUM host's ports targets call back on (documented "
                                    "61000-61007; 61000 is SUM's own IPC)",
                                    &pref_callback_ports, 65535);
    prefs_register_range_preference(m, "control_ports", "Control ports",
                                    "Targets' SUM agent listener (documented 62286)",
                                    &pref_control_ports, 65535);
    prefs_register_range_preference(m, "firmware_ports", "Firmware fallback ports",
                                    "SUM host's web server when 80 is taken (documented "
                                    "63000-63005; port 80 is labelled only between a SUM "
                                    "host and its targets)", &pref_firmware_ports, 65535);

    sum_tap = register_tap("sum");
    register_init_routine(sum_init);
    register_cleanup_routine(sum_cleanup);
    sum_register_stats();
}

void
proto_reg_handoff_sum(void)
{
    GArray *wanted = g_array_new(FALSE, FALSE, sizeof(int));
    sum_post_handle = create_dissector_handle(dissect_sum_post, proto_sum);
    sum_port_handle = create_dissector_handle(dissect_sum_port, proto_sum_port);
    tls_handle = find_dissector_add_dependency("tls", proto_sum);
    http_handle = find_dissector_add_dependency("http", proto_sum);
    hf_tcp_srcport = proto_registrar_get_id_byname("tcp.srcport");
    hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
    hf_udp_srcport = proto_registrar_get_id_byname("udp.srcport");
    int ids[] = {hf_tcp_srcport, hf_tcp_len, hf_udp_srcport};
    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        if (ids[i] >= 0)
            g_array_append_val(wanted, ids[i]);
    }
    register_postdissector(sum_post_handle);
    set_postdissector_wanted_hfids(sum_post_handle, wanted);
    register_ports();
}
