/* sum-follow.c: follows SUM conversations and labels their frames.
 *
 * The decision half of the plugin (the presentation is sum-present.c): a
 * postdissector's view of every TCP/UDP conversation touching the port plan,
 * kept as core's SumConn and SumTcpTrack (the analyzer's own structures), so
 * that core's reconstruction (sum-recon.c) can run over them on a later pass.
 * The first pass grades (SUM host, target) pairs as frames go by: a
 * connection from a message port (6000x) to a control port (62286+) makes a
 * pair, high with TLS, medium when a documented message port's attempt to
 * 62286 failed; callback and firmware connections count towards a known SUM
 * host; port 80 and the bootstrap ports are labelled only between a known
 * SUM host and its target. Later passes label from core's result.
 * Domain: SUM-PORTS.md; rules: docs/reconstruction.md.
 * Bytes are read only in sum-seg.c, through tvb accessors; all state is in
 * file scope.
 */
#include "config-sum.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/proto_data.h>
#include <wsutil/wmem/wmem.h>

#include "packet-sum.h"
#include "sum-seg.h"
#include "sum-classify.h"
#include "sum-findings.h"
#include "sum-pairs.h"

static int proto_sum = -1;      /* conversation and frame data are kept under it */

/* One conversation on SUM-relevant ports. */
typedef struct {
    SumConn conn;            /* kept up to date on the first pass */
    SumTcpTrack tcp;         /* core's state machine, shared with the analyzer */
    gint channel;            /* index in the refined result, -1 if none */
} sum_conv_t;

/* Per-capture state (file scope). */
static wmem_list_t *convs;        /* sum_conv_t* in order of first frame */
static SumPairs *live;            /* core's pair graph, fed as frames go by (first pass) */
static SumResult *refined;        /* core's reconstruction, on later passes */
static guint refined_convs;       /* how many conversations it saw */
static guint refined_generation;  /* changes whenever REFINED is recomputed */

/* --- per-capture state -------------------------------------------------- */

void
sum_follow_init(void)
{
    convs = wmem_list_new(wmem_file_scope());
    sum_pairs_free(live);
    live = sum_pairs_new(sum_active_profile(), NULL, SUM_PAIRS_LIVE);
    refined = NULL;
    refined_convs = 0;
}

void
sum_follow_cleanup(void)
{
    sum_result_free(refined);
    refined = NULL;
    convs = NULL;
    sum_pairs_free(live);
    live = NULL;
}

static SumConnState
conv_state(const sum_conv_t *sc)
{
    return sum_tcp_state(&sc->tcp, sc->conn.transport);
}

/* Calls FN once per connection seen, in order of first frame. */
static void
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

/* On a later pass (or when a statistic is drawn, once the capture is read),
 * run core's reconstruction once over everything the first pass saw, and
 * point each conversation at its channel. */
static void
refine(void)
{
    if (convs == NULL || (refined != NULL && refined_convs == wmem_list_count(convs)))
        return;
    sum_result_free(refined);
    SumRecon *r = sum_recon_new(sum_active_profile());
    sum_foreach_conn(add_to_recon, r);
    refined = sum_recon_finish(r);
    refined_generation++;
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

static gboolean
from_orig(const sum_conv_t *sc, const SumAddr *src, guint16 sport)
{
    return sport == sc->conn.orig_port && sum_addr_equal(src, &sc->conn.orig);
}

static sum_conv_t *
conv_new(conversation_t *conv, const sum_seg_t *seg, packet_info *pinfo)
{
    sum_conv_t *sc = wmem_new0(wmem_file_scope(), sum_conv_t);
    sum_conn_begin(&sc->conn, seg->transport, &seg->src, &seg->dst, seg->sport, seg->dport,
                   seg->flags, pinfo->num,
                   (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000);
    sc->channel = -1;
    conversation_add_proto_data(conv, proto_sum, sc);
    wmem_list_append(convs, sc);
    return sc;
}

static void
conv_update(sum_conv_t *sc, const sum_seg_t *seg, packet_info *pinfo)
{
    SumSegment s = {
        .from_orig = from_orig(sc, &seg->src, seg->sport),
        .tcp_flags = seg->flags,
        .seq = seg->seq,
        .payload_len = seg->payload_len,
        .payload_kind = seg->payload, /* classified when the frame was read */
        .sport = seg->sport,
        .dport = seg->dport,
        .wire_len = pinfo->fd->pkt_len,
        .frame = pinfo->num,
        .time_us = (gint64)pinfo->abs_ts.secs * G_USEC_PER_SEC + pinfo->abs_ts.nsecs / 1000,
    };
    sum_conn_segment(&sc->conn, &sc->tcp, &s);
}

/* What the conversation says so far goes into core's live pair graph: the
 * same grading the reconstruction does over the whole capture. */
static void
observe_conversation(sum_conv_t *sc)
{
    sc->conn.state = conv_state(sc);
    sum_pairs_observe_primary(live, &sc->conn);
    sum_pairs_observe_secondary(live, &sc->conn);
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

/* The failure the connection shows so far (FINAL: over the whole capture),
 * as core judges one attempt. */
static void
label_verdict(const sum_conv_t *sc, sum_label_t *l, gboolean final)
{
    SumConn c = sc->conn;
    c.state = conv_state(sc);
    l->has_verdict = sum_findings_attempt_failed(&c, l->family, final, &l->verdict_code);
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
    l->candidate = l->confidence < SUM_CONFIDENCE_MEDIUM;
    /* The verdict is core's: each failed attempt points at its finding. */
    l->finding = ch->finding;
    l->has_verdict = ch->finding != NULL;
    if (l->has_verdict)
        l->verdict_code = ch->finding->code;
    return TRUE;
}

/* From what the first pass knows so far: core's classifier over the live
 * pair graph. */
static gboolean
label_live(const sum_conv_t *sc, sum_label_t *l)
{
    const SumProfile *p = sum_active_profile();
    SumConn c = sc->conn;
    c.state = conv_state(sc);
    SumClass cls;
    if (live == NULL || !sum_classify(p, live, &c, &cls))
        return FALSE;
    l->family = cls.family;
    l->port = cls.port;
    l->holder = cls.holder;
    l->sum_host = cls.sum_host;
    l->target = cls.target;
    l->confidence = cls.confidence;
    l->session = cls.session;
    l->candidate = cls.candidate || cls.confidence < SUM_CONFIDENCE_MEDIUM;
    label_position(l);
    if (l->have_pos)
        l->cause = sum_classify_provisional_cause(p, l->family, &l->pos);
    if (!cls.candidate)
        label_verdict(sc, l, FALSE);
    return TRUE;
}

/* --- the frame ------------------------------------------------------------ */

gboolean
sum_follow_frame(packet_info *pinfo, proto_tree *tree, sum_label_t *l, sum_frame_t *frame)
{
    sum_seg_t seg;
    memset(&seg, 0, sizeof seg);
    if ((pinfo->ptype != PT_TCP && pinfo->ptype != PT_UDP) || convs == NULL)
        return FALSE;
    /* A packet quoted inside an ICMP error is not a connection of its own. */
    if (proto_is_frame_protocol(pinfo->layers, "icmp") ||
        proto_is_frame_protocol(pinfo->layers, "icmpv6"))
        return FALSE;
    if (!sum_seg_addr(&pinfo->src, &seg.src) || !sum_seg_addr(&pinfo->dst, &seg.dst))
        return FALSE;
    /* The transport header is read on the first pass, when the fields the
     * postdissector asked for are in the tree, and kept with the frame:
     * later passes may build a tree without them. */
    sum_seg_t *kept = (sum_seg_t *)p_get_proto_data(wmem_file_scope(), pinfo, proto_sum, 0);
    if (kept != NULL) {
        seg = *kept;
    } else {
        if (!sum_seg_read(pinfo, tree, &seg))
            return FALSE;
        if (!PINFO_FD_VISITED(pinfo)) {
            kept = wmem_new(wmem_file_scope(), sum_seg_t);
            *kept = seg;
            p_add_proto_data(wmem_file_scope(), pinfo, proto_sum, 0, kept);
        }
    }
    conversation_t *conv = find_conversation_pinfo(pinfo, 0);
    if (conv == NULL)
        return FALSE;
    sum_conv_t *sc = (sum_conv_t *)conversation_get_proto_data(conv, proto_sum);
    if (!PINFO_FD_VISITED(pinfo)) {
        if (sc == NULL)
            sc = conv_new(conv, &seg, pinfo);
        conv_update(sc, &seg, pinfo);
        observe_conversation(sc);
    } else {
        refine();
    }
    if (sc == NULL)
        return FALSE;
    memset(l, 0, sizeof *l);
    gboolean labelled = PINFO_FD_VISITED(pinfo) && refined != NULL
                            ? (label_refined(sc, l) || label_live(sc, l))
                            : label_live(sc, l);
    if (!labelled)
        return FALSE;
    frame->conn = &sc->conn;
    frame->state = conv_state(sc);
    frame->first = pinfo->num == sc->conn.first_frame;
    return TRUE;
}

const SumResult *
sum_follow_result(guint *generation)
{
    refine();
    if (generation != NULL)
        *generation = refined_generation;
    return refined;
}

void
sum_follow_handoff(int proto, GArray *wanted)
{
    proto_sum = proto;
    sum_seg_handoff(wanted);
}
