/* sum-follow.c: follows SUM conversations and labels their frames.
 *
 * The decision half of the plugin (the presentation is sum-present.c): a
 * postdissector's view of every TCP/UDP conversation touching the port plan,
 * kept as core's SumConn and SumTcpTrack (the analyzer's own structures), so
 * that core's reconstruction (sum-recon.c) can run over them on a later pass.
 * The first pass grades (SUM host, target) pairs as frames go by, in one
 * live pair graph per port plan in use (the port_plan preference; auto:
 * every plan): a connection from a message port (6000x) to a control port
 * (62286+) makes a pair, high with TLS; callback and firmware connections
 * count towards a known SUM host; 7.x+: a target fetching from and posting
 * to a host's web server (63001/63002), or that the host reached on one of
 * its services first; port 80 and the bootstrap ports are labelled only
 * between a known SUM host and its target. A frame is labelled under the
 * plan its SUM host's evidence so far supports best (sum-generation.h).
 * Later passes label from core's result, each SUM host under its plan.
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
#include "sum-generation.h"
#include "sum-pairs.h"
#include "sum-portmap.h"

static int proto_sum = -1;      /* conversation and frame data are kept under it */

/* One conversation on SUM-relevant ports. */
typedef struct {
    SumConn conn;            /* kept up to date on the first pass */
    SumTcpTrack tcp;         /* core's state machine, shared with the analyzer */
    gint channel;            /* index in the refined result, -1 if none */
    guint64 observed;        /* what the live graph was last shown (observed_sign) */
} sum_conv_t;

/* Per-capture state (file scope). */
static wmem_list_t *convs;        /* sum_conv_t* in order of first frame */
static SumPairs *live[SUM_GENERATION_COUNT]; /* core's pair graph per plan in use, fed as
                                              * frames go by (first pass) */
static SumGenEvidence *live_ev;   /* what each address shows of each plan, so far */
static SumPortMap *live_ports;    /* the ports of the plans in use */
static GHashTable *activated;     /* "src>dst" of TCP conversations to a DCOM port (135) */
static SumResult *refined;        /* core's reconstruction, on later passes */
static guint refined_convs;       /* how many conversations it saw */
static guint refined_generation;  /* changes whenever REFINED is recomputed */

/* --- per-capture state -------------------------------------------------- */

static void
free_live(void)
{
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        sum_pairs_free(live[g]);
        live[g] = NULL;
    }
    sum_generation_free(live_ev);
    live_ev = NULL;
    sum_portmap_free(live_ports);
    live_ports = NULL;
    if (activated != NULL)
        g_hash_table_destroy(activated);
    activated = NULL;
}

void
sum_follow_init(void)
{
    convs = wmem_list_new(wmem_file_scope());
    free_live();
    const SumProfile *plans[SUM_GENERATION_COUNT] = {NULL};
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        plans[g] = sum_plan_of((SumGeneration)g);
        if (plans[g] == NULL)
            continue;
        live[g] = sum_pairs_new(plans[g], NULL, SUM_PAIRS_LIVE);
        if (live_ports == NULL)
            live_ports = sum_portmap_new(plans[g]);
        else
            sum_portmap_add(live_ports, plans[g]);
    }
    live_ev = sum_generation_new(plans);
    activated = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    refined = NULL;
    refined_convs = 0;
}

void
sum_follow_cleanup(void)
{
    sum_result_free(refined);
    refined = NULL;
    convs = NULL;
    free_live();
}

/* --- 8.x WMI: the endpoint a DCOM activation hands out ------------------ */

static gchar *
pair_key(const SumAddr *a, const SumAddr *b)
{
    char x[SUM_ADDR_STRLEN], y[SUM_ADDR_STRLEN];
    return g_strdup_printf("%s>%s", sum_addr_to_string(a, x, sizeof x),
                           sum_addr_to_string(b, y, sizeof y));
}

static guint16
dcom_port(void)
{
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *p = sum_plan_of((SumGeneration)g);
        if (p != NULL && p->dcom_port != 0)
            return p->dcom_port;
    }
    return 0;
}

gboolean
sum_follow_dynamic_wanted(packet_info *pinfo)
{
    SumAddr src, dst;
    if (activated == NULL || g_hash_table_size(activated) == 0 || pinfo->ptype != PT_TCP ||
        !sum_seg_addr(&pinfo->src, &src) || !sum_seg_addr(&pinfo->dst, &dst))
        return FALSE;
    /* Either way: the SUM host's SYN to the endpoint, the target's answers. */
    gchar *k = pair_key(&src, &dst);
    gboolean yes = g_hash_table_contains(activated, k);
    g_free(k);
    if (!yes) {
        k = pair_key(&dst, &src);
        yes = g_hash_table_contains(activated, k);
        g_free(k);
    }
    return yes;
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

/* Core's reconstruction as the preference says: a forced plan, or auto with
 * the classic plan's range preferences. */
static SumRecon *
recon_new(void)
{
    const SumProfile *forced = sum_forced_profile();
    SumRecon *r = sum_recon_new(forced);
    if (forced == NULL)
        sum_recon_set_plan(r, sum_plan_of(SUM_GENERATION_CLASSIC));
    return r;
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
    SumRecon *r = recon_new();
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
    guint16 dcom = dcom_port();
    if (dcom != 0 && seg->transport == SUM_TRANSPORT_TCP && seg->dport == dcom &&
        g_hash_table_size(activated) < 4096)
        g_hash_table_add(activated, pair_key(&seg->src, &seg->dst));
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
/* All of a connection that core's live graph and generation evidence read
 * (its state, what each side sent, its retries, an ICMP error, whether it
 * was answered), in one number, +1 so that it is never 0 (never shown). */
static guint64
observed_sign(const SumConn *c)
{
    return ((guint64)c->state | (guint64)c->orig_payload << 8 | (guint64)c->resp_payload << 16 |
            (guint64)MIN(c->syn_count, 255u) << 24 | (guint64)(c->icmp_unreachable != 0) << 32 |
            (guint64)(c->synack_frame != 0) << 33) + 1;
}

static void
observe_conversation(sum_conv_t *sc)
{
    sc->conn.state = conv_state(sc);
    /* A frame that changed none of it (most of a connection's frames) tells
     * the graph nothing new. */
    guint64 sign = observed_sign(&sc->conn);
    if (sign == sc->observed)
        return;
    sc->observed = sign;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (live[g] == NULL)
            continue;
        sum_pairs_observe_primary(live[g], &sc->conn);
        sum_pairs_observe_web(live[g], &sc->conn);
        sum_pairs_observe_secondary(live[g], &sc->conn);
    }
    sum_generation_observe(live_ev, &sc->conn);
}

/* --- labels ------------------------------------------------------------- */

static void
label_position(sum_label_t *l)
{
    const SumProfile *p = l->plan != NULL ? l->plan : sum_active_profile();
    SumTransport t = l->family == SUM_FAMILY_BOOTSTRAP && (l->port == 137 || l->port == 138)
                         ? SUM_TRANSPORT_UDP
                         : SUM_TRANSPORT_TCP;
    /* Each bootstrap port is a rule of its own, and the web server has two
     * (63001 HTTP, 63002 HTTPS): the allocation's base says which. */
    const SumPortRule *r = NULL;
    if (l->alloc != NULL && l->alloc->base != 0)
        r = sum_plan_rule_for_port(p, l->family, t, l->alloc->base, l->alloc->carried);
    if (r == NULL || !sum_plan_position(r, l->port, NULL))
        r = sum_plan_rule_for_port(p, l->family, t, l->port, SUM_CARRIED_NONE);
    if (r == NULL && l->family != SUM_FAMILY_BOOTSTRAP)
        r = sum_plan_rule(p, l->family, t);
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
    l->plan = sum_result_profile_for(refined, &ch->sum_host);
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

/* Everyday traffic under every plan in use (core's sum_classify_everyday):
 * said without classifying, since an office capture is mostly such frames. */
static gboolean
everyday(const SumConn *c)
{
    if (live_ports == NULL)
        return FALSE;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (live[g] != NULL && !sum_classify_everyday(live_ports, live[g], c))
            return FALSE;
    }
    return TRUE;
}

static gboolean
label_live(const sum_conv_t *sc, sum_label_t *l)
{
    SumConn c = sc->conn;
    c.state = conv_state(sc);
    if (everyday(&c))
        return FALSE;
    /* Under every plan in use; the label is the one of the plan the SUM
     * host's evidence so far supports, else the first sure one, else the
     * first guess. */
    SumClass all[SUM_GENERATION_COUNT];
    int pick = -1, sure = -1, guess = -1;
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (live[g] == NULL || !sum_classify(sum_plan_of((SumGeneration)g), live[g], &c, &all[g]))
            continue;
        if (all[g].candidate || all[g].confidence < SUM_CONFIDENCE_MEDIUM) {
            if (guess < 0)
                guess = g;
            continue;
        }
        if (sure < 0)
            sure = g;
        SumGenVerdict v;
        sum_generation_host(live_ev, &all[g].sum_host, &v);
        if (pick < 0 && (int)v.generation == g)
            pick = g;
    }
    pick = pick >= 0 ? pick : sure >= 0 ? sure : guess;
    if (pick < 0)
        return FALSE;
    const SumProfile *p = sum_plan_of((SumGeneration)pick);
    const SumClass cls = all[pick];
    l->plan = p;
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
