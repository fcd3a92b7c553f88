/* sum-present.c: shows a frame's SUM label.
 *
 * The presentation half of the plugin: it reads a sum_label_t (what
 * sum-follow.c decided) and the frame's connection, and writes the protocol
 * tree, the Info and Protocol columns, the expert items and the tap. It
 * decides nothing about SUM; its words are core's (sum_plan_*_name), so the
 * packet list says what sumscope says.
 *
 * A candidate (a guess from the port number only) is shown under its own
 * field, sum.candidate, and never as the protocol: "sum" matches only frames
 * the plugin is sure enough of, and a capture with no SUM shows nothing.
 */
#include "config-sum.h"

#include <epan/packet.h>
#include <epan/expert.h>
#include <epan/tap.h>

#include "packet-sum.h"

static int proto_sum = -1;
static int proto_sum_port = -1;
static int proto_tcp = -1;
static int proto_udp = -1;
static int proto_data = -1;
static int sum_tap = -1;

static int hf_sum_family = -1;
static int hf_sum_generation = -1;
static int hf_sum_verdict = -1;
static int hf_sum_finding = -1;
static int hf_sum_sum_host = -1;
static int hf_sum_sum_host6 = -1;
static int hf_sum_target = -1;
static int hf_sum_target6 = -1;
static int hf_sum_holder = -1;
static int hf_sum_holder6 = -1;
static int hf_sum_port = -1;
static int hf_sum_port_base = -1;
static int hf_sum_port_offset = -1;
static int hf_sum_port_range_end = -1;
static int hf_sum_overflow = -1;
static int hf_sum_cause = -1;
static int hf_sum_conflicting = -1;
static int hf_sum_evidence = -1;
static int hf_sum_confidence = -1;
static int hf_sum_session = -1;
static int hf_sum_peer_family = -1;
static int hf_sum_peer_port = -1;
static int hf_sum_peer_cause = -1;
static int hf_sum_state = -1;
static int hf_sum_candidate = -1;
static int hf_sum_candidate_port = -1;
static int hf_sum_candidate_holder = -1;
static int hf_sum_candidate_holder6 = -1;

static gint ett_sum = -1;
static gint ett_sum_candidate = -1;

static expert_field ei_sum_fallback = EI_INIT;
static expert_field ei_sum_fallback_normal = EI_INIT;
static expert_field ei_sum_configured = EI_INIT;
static expert_field ei_sum_overflow = EI_INIT;
static expert_field ei_sum_outside_range = EI_INIT;
static expert_field ei_sum_blocked = EI_INIT;
static expert_field ei_sum_refused = EI_INIT;
static expert_field ei_sum_not_sum_service = EI_INIT;
static expert_field ei_sum_root_cause = EI_INIT;

/* --- the tree ------------------------------------------------------------- */

static void
add_addr(proto_tree *st, int hf4, int hf6, tvbuff_t *tvb, const SumAddr *a)
{
    if (a->family == 4) {
        ws_in4_addr v4;
        memcpy(&v4, a->bytes, sizeof v4);
        proto_item_set_generated(proto_tree_add_ipv4(st, hf4, tvb, 0, 0, v4));
    } else if (a->family == 6) {
        ws_in6_addr v6;
        memcpy(v6.bytes, a->bytes, sizeof v6.bytes);
        proto_item_set_generated(proto_tree_add_ipv6(st, hf6, tvb, 0, 0, &v6));
    }
}

static void
add_uint(proto_tree *st, int hf, tvbuff_t *tvb, guint32 v)
{
    proto_item_set_generated(proto_tree_add_uint(st, hf, tvb, 0, 0, v));
}

/* An integer field with value strings, shown as its word alone ("Cause:
 * conflict"): the number is for filters. */
static void
add_word(proto_tree *st, int hf, tvbuff_t *tvb, guint32 v, const char *word)
{
    proto_item_set_generated(
        proto_tree_add_uint_format_value(st, hf, tvb, 0, 0, v, "%s", word));
}

static void
add_allocation(proto_tree *st, tvbuff_t *tvb, const sum_label_t *l)
{
    if (l->have_pos) {
        add_uint(st, hf_sum_port_base, tvb, l->pos.base);
        add_uint(st, hf_sum_port_offset, tvb, l->pos.offset);
        add_uint(st, hf_sum_port_range_end, tvb, l->pos.range_end);
        proto_item_set_generated(
            proto_tree_add_boolean(st, hf_sum_overflow, tvb, 0, 0, l->pos.overflow));
    }
    if (l->cause != SUM_CAUSE_UNKNOWN)
        add_word(st, hf_sum_cause, tvb, l->cause, sum_plan_cause_name(l->cause));
    if (l->alloc != NULL && l->alloc->conflicting_ports->len > 0) {
        for (guint i = 0; i < l->alloc->conflicting_ports->len; i++)
            add_uint(st, hf_sum_conflicting, tvb,
                     g_array_index(l->alloc->conflicting_ports, guint16, i));
        add_word(st, hf_sum_evidence, tvb, l->alloc->conflict_evidence,
                 sum_evidence_name(l->alloc->conflict_evidence));
    }
}

static proto_item *
add_tree(tvbuff_t *tvb, proto_tree *tree, const sum_label_t *l, const sum_frame_t *f,
         const char *outcome)
{
    proto_item *ti = proto_tree_add_item(tree, proto_sum, tvb, 0, 0, ENC_NA);
    proto_item_set_generated(ti);
    if (l->plan != NULL)
        proto_item_append_text(ti, ": %s (%s confidence, port plan %s)", outcome + 4,
                               sum_plan_confidence_name(l->confidence), l->plan->name);
    else
        proto_item_append_text(ti, ": %s (%s confidence)", outcome + 4,
                               sum_plan_confidence_name(l->confidence));
    proto_tree *st = proto_item_add_subtree(ti, ett_sum);
    add_word(st, hf_sum_family, tvb, l->family, sum_plan_family_name(l->family));
    if (l->plan != NULL)
        add_word(st, hf_sum_generation, tvb, l->plan->generation, l->plan->name);
    if (l->has_verdict)
        add_word(st, hf_sum_verdict, tvb, l->verdict_code,
                 sum_plan_finding_name(l->verdict_code));
    if (l->finding != NULL)
        proto_item_set_generated(
            proto_tree_add_string(st, hf_sum_finding, tvb, 0, 0, l->finding->message));
    add_addr(st, hf_sum_sum_host, hf_sum_sum_host6, tvb, &l->sum_host);
    add_addr(st, hf_sum_target, hf_sum_target6, tvb, &l->target);
    add_addr(st, hf_sum_holder, hf_sum_holder6, tvb, &l->holder);
    add_uint(st, hf_sum_port, tvb, l->port);
    add_allocation(st, tvb, l);
    add_word(st, hf_sum_confidence, tvb, l->confidence,
             sum_plan_confidence_name(l->confidence));
    if (l->session != 0)
        add_uint(st, hf_sum_session, tvb, l->session);
    if (l->peer_alloc != NULL) {
        add_word(st, hf_sum_peer_family, tvb, l->peer_alloc->family,
                 sum_plan_family_name(l->peer_alloc->family));
        add_uint(st, hf_sum_peer_port, tvb, l->peer_alloc->port);
        add_word(st, hf_sum_peer_cause, tvb, l->peer_alloc->cause,
                 sum_plan_cause_name(l->peer_alloc->cause));
    }
    add_word(st, hf_sum_state, tvb, f->state, sum_conn_state_name(f->state));
    return ti;
}

/* A guess from the port number alone: its own item, not the protocol's. */
static void
add_candidate(tvbuff_t *tvb, proto_tree *tree, const sum_label_t *l)
{
    proto_item *ti = proto_tree_add_uint_format_value(
        tree, hf_sum_candidate, tvb, 0, 0, l->family,
        "%s port %u (port number only, not confirmed as SUM)", sum_plan_family_name(l->family),
        l->port);
    proto_item_set_generated(ti);
    proto_tree *st = proto_item_add_subtree(ti, ett_sum_candidate);
    add_uint(st, hf_sum_candidate_port, tvb, l->port);
    add_addr(st, hf_sum_candidate_holder, hf_sum_candidate_holder6, tvb, &l->holder);
}

/* --- columns -------------------------------------------------------------- */

/* SUM names the frame in the Protocol column where no protocol above the
 * transport took it (SYN, ACK, reset, undecoded data): TLS, HTTP, SMB, SSH
 * keep theirs. */
static void
set_protocol(packet_info *pinfo)
{
    for (wmem_list_frame_t *fr = wmem_list_tail(pinfo->layers); fr != NULL;
         fr = wmem_list_frame_prev(fr)) {
        int id = GPOINTER_TO_INT(wmem_list_frame_data(fr));
        if (id == proto_sum || id == proto_sum_port || id == proto_data)
            continue;
        if (id == proto_tcp || id == proto_udp)
            col_set_str(pinfo->cinfo, COL_PROTOCOL, "SUM");
        return;
    }
}

/* --- expert items ---------------------------------------------------------- */

/* A port other than the base, on the connection's first frame: the cause,
 * what was in the way, how it is known and how sure. */
static void
add_fallback_expert(packet_info *pinfo, proto_item *ti, const sum_label_t *l)
{
    const char *fam = sum_plan_family_name(l->family);
    if (l->cause == SUM_CAUSE_CONFIGURED) {
        /* The web server does not search: the port was set (--port, --ssl_port). */
        expert_add_info_format(pinfo, ti, &ei_sum_configured,
                               "%s port %u instead of %u: configured (the web server does not "
                               "search; --port/--ssl_port set it), %s confidence", fam, l->port,
                               l->pos.base, sum_plan_confidence_name(l->confidence));
    } else if (l->cause == SUM_CAUSE_CONCURRENT || l->cause == SUM_CAUSE_IPC_RESERVED) {
        expert_add_info_format(pinfo, ti, &ei_sum_fallback_normal,
                               "%s port %u instead of %u: %s (normal), %s confidence", fam,
                               l->port, l->pos.base, sum_plan_cause_name(l->cause),
                               sum_plan_confidence_name(l->confidence));
    } else if (l->cause == SUM_CAUSE_UNKNOWN) {
        expert_add_info_format(pinfo, ti, &ei_sum_fallback,
                               "%s port %u instead of %u (the cause is known over the whole "
                               "capture: tshark -2)", fam, l->port, l->pos.base);
    } else {
        /* How the cause is known and how sure it is: the allocation's. */
        const SumAllocation *a = l->alloc;
        wmem_strbuf_t *why = wmem_strbuf_new(pinfo->pool, "");
        if (a != NULL && a->conflicting_ports->len > 0) {
            sum_outcome_append_taken(why, a);
            wmem_strbuf_append_printf(why, ", %s evidence",
                                      sum_evidence_name(a->conflict_evidence));
        }
        expert_add_info_format(pinfo, ti, &ei_sum_fallback,
                               "%s port %u instead of %u: %s%s; %s confidence", fam, l->port,
                               l->pos.base, sum_plan_cause_name(l->cause),
                               wmem_strbuf_get_str(why),
                               sum_plan_confidence_name(a != NULL ? a->confidence
                                                                  : l->confidence));
    }
}

static void
add_range_expert(packet_info *pinfo, proto_item *ti, const sum_label_t *l)
{
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

/* The control listener a message connection reached moved: in one pass as
 * soon as the connection starts, with the cause once core knows it. */
static void
add_listener_expert(packet_info *pinfo, proto_item *ti, const sum_label_t *l,
                    const sum_frame_t *f)
{
    SumPortPos pos;
    if (!sum_outcome_listener_moved(l, f, &pos))
        return;
    const SumAllocation *peer = l->peer_alloc;
    wmem_strbuf_t *why = wmem_strbuf_new(pinfo->pool, "");
    if (peer != NULL && peer->cause != SUM_CAUSE_UNKNOWN) {
        wmem_strbuf_append_printf(why, ": %s", sum_plan_cause_name(peer->cause));
        sum_outcome_append_taken(why, peer);
        if (peer->conflicting_ports->len > 0)
            wmem_strbuf_append_printf(why, ", %s evidence; %s confidence",
                                      sum_evidence_name(peer->conflict_evidence),
                                      sum_plan_confidence_name(peer->confidence));
    }
    if (pos.overflow)
        expert_add_info_format(pinfo, ti, &ei_sum_outside_range,
                               "control listener on %u instead of %u, outside the documented "
                               "range (%u)%s", pos.port, pos.base, pos.range_end,
                               wmem_strbuf_get_str(why));
    else
        expert_add_info_format(pinfo, ti, &ei_sum_fallback,
                               "control listener on %u instead of %u%s", pos.port, pos.base,
                               wmem_strbuf_get_str(why));
}

/* The failure the connection shows, on the frames that show it: every
 * unanswered SYN of a blocked attempt, the reset of a refused one, the first
 * answer of something that is not SUM. */
static void
add_verdict_expert(packet_info *pinfo, proto_item *ti, const sum_label_t *l,
                   const sum_frame_t *f)
{
    const SumConn *c = f->conn;
    SumFamily fam;
    guint16 port;
    char host[SUM_ADDR_STRLEN];
    sum_outcome_verdict_port(l, f, &fam, &port);
    sum_addr_to_string(l->finding != NULL ? &l->finding->host : &c->resp, host, sizeof host);
    /* Its confidence and the evidence it rests on (the attempt's own answer). */
    gchar *conf = g_strdup_printf(
        "%s confidence, evidence: %s", sum_plan_confidence_name(l->confidence),
        sum_evidence_name(l->finding != NULL ? l->finding->evidence : SUM_EVIDENCE_PROBE));
    const char *said = l->finding != NULL ? l->finding->message : NULL;
    switch (l->verdict_code) {
    case SUM_FINDING_PORT_BLOCKED:
        expert_add_info_format(pinfo, ti, &ei_sum_blocked,
                               "%s%sSYN to SUM %s port %u on %s not answered (%u SYN%s): "
                               "blocked, a firewall drops it; %s",
                               said ? said : "", said ? "; " : "", sum_plan_family_name(fam),
                               port, host, c->syn_count, c->syn_count == 1 ? "" : "s", conf);
        break;
    case SUM_FINDING_PORT_REFUSED:
        if (pinfo->num == c->rst_frame)
            expert_add_info_format(pinfo, ti, &ei_sum_refused,
                                   "%s%sSYN to SUM %s port %u on %s answered by a reset: "
                                   "refused; %s", said ? said : "", said ? "; " : "",
                                   sum_plan_family_name(fam), port, host, conf);
        break;
    case SUM_FINDING_NOT_SUM_SERVICE:
        if (pinfo->num == c->payload_frame)
            expert_add_info_format(pinfo, ti, &ei_sum_not_sum_service,
                                   "%s%sSUM %s port %u on %s answered with %s, not TLS: not a "
                                   "SUM service; %s", said ? said : "",
                                   said ? "; " : "", sum_plan_family_name(fam), port, host,
                                   sum_payload_name(c->resp_payload), conf);
        break;
    default:
        break;
    }
    g_free(conf);
}

static void
add_experts(packet_info *pinfo, proto_item *ti, const sum_label_t *l, const sum_frame_t *f)
{
    if (f->first && l->have_pos && l->pos.offset > 0 && l->family != SUM_FAMILY_BOOTSTRAP)
        add_fallback_expert(pinfo, ti, l);
    if (f->first && l->have_pos && l->pos.overflow)
        add_range_expert(pinfo, ti, l);
    if (f->first)
        add_listener_expert(pinfo, ti, l, f);
    if (l->has_verdict)
        add_verdict_expert(pinfo, ti, l, f);
    /* What the finding comes down to, in core's words, on the attempt's first frame. */
    const SumRootCause *rc = l->finding != NULL ? l->finding->root_cause : NULL;
    if (f->first && rc != NULL)
        expert_add_info_format(pinfo, ti, &ei_sum_root_cause, "%s: %s; %s confidence, evidence: "
                               "%s", sum_root_cause_name(rc->code), rc->message,
                               sum_plan_confidence_name(rc->confidence),
                               sum_evidence_name(rc->evidence));
}

/* --- the frame ------------------------------------------------------------ */

void
sum_present(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sum_label_t *l,
            const sum_frame_t *f)
{
    if (l->candidate) {
        add_candidate(tvb, tree, l);
    } else {
        const char *outcome = sum_outcome_text(pinfo->pool, l, f);
        proto_item *ti = add_tree(tvb, tree, l, f, outcome);
        col_prepend_fstr(pinfo->cinfo, COL_INFO, "[%s] ", outcome);
        set_protocol(pinfo);
        add_experts(pinfo, ti, l, f);
    }
    sum_tap_info_t *tap = wmem_new0(pinfo->pool, sum_tap_info_t);
    tap->label = l;
    tap->first_frame = f->first;
    tap->later_pass = PINFO_FD_VISITED(pinfo);
    tap_queue_packet(sum_tap, pinfo, tap);
}

/* --- registration ---------------------------------------------------------- */

/* Value strings from core's vocabulary, so that sum.cause == "conflict"
 * filters on the words every front end prints. */
static value_string family_vals[SUM_FAMILY_COUNT + 1];
static value_string generation_vals[SUM_GENERATION_COUNT + 1];
static value_string cause_vals[SUM_CAUSE_COUNT + 1];
static value_string confidence_vals[SUM_CONFIDENCE_COUNT + 1];
static value_string state_vals[SUM_CONN_STATE_COUNT + 1];
static value_string verdict_vals[SUM_FINDING_COUNT + 1];
static value_string evidence_vals[SUM_EVIDENCE_COUNT + 1];

static void
build_vals(void)
{
    for (guint i = 0; i < SUM_FAMILY_COUNT; i++)
        family_vals[i] = (value_string){i, sum_plan_family_name((SumFamily)i)};
    for (guint i = 0; i < SUM_CAUSE_COUNT; i++)
        cause_vals[i] = (value_string){i, sum_plan_cause_name((SumCause)i)};
    for (guint i = 0; i < SUM_GENERATION_COUNT; i++)
        generation_vals[i] = (value_string){i, sum_plan_generation_name((SumGeneration)i)};
    for (guint i = 0; i < SUM_CONFIDENCE_COUNT; i++)
        confidence_vals[i] = (value_string){i, sum_plan_confidence_name((SumConfidence)i)};
    for (guint i = 0; i < SUM_CONN_STATE_COUNT; i++)
        state_vals[i] = (value_string){i, sum_conn_state_name((SumConnState)i)};
    for (guint i = 0; i < SUM_FINDING_COUNT; i++)
        verdict_vals[i] = (value_string){i, sum_plan_finding_name((SumFindingCode)i)};
    for (guint i = 0; i < SUM_EVIDENCE_COUNT; i++)
        evidence_vals[i] = (value_string){i, sum_evidence_name((SumEvidence)i)};
}

#define SUM_HF(id, name, abbr, type, display, strings, blurb)                               \
    {&(id), {(name), (abbr), (type), (display), (strings), 0x0, (blurb), HFILL}}

void
sum_present_register(int proto, int proto_ports)
{
    static hf_register_info hf[] = {
        SUM_HF(hf_sum_family, "Family", "sum.family", FT_UINT8, BASE_DEC, VALS(family_vals),
               "SUM port family: bootstrap, control, message, callback, ipc, firmware, web"),
        SUM_HF(hf_sum_generation, "Port plan", "sum.generation", FT_UINT8, BASE_DEC,
               VALS(generation_vals), "The SUM generation whose port plan the label was read "
               "with (classic, 7, 8): the SUM host's, chosen from what the capture shows"),
        SUM_HF(hf_sum_verdict, "Verdict", "sum.verdict", FT_UINT8, BASE_DEC,
               VALS(verdict_vals), "The failure this connection shows: PORT_BLOCKED, "
               "PORT_REFUSED, NOT_SUM_SERVICE"),
        SUM_HF(hf_sum_finding, "Finding", "sum.finding", FT_STRING, BASE_NONE, NULL,
               "The finding of the reconstruction this connection is evidence of"),
        SUM_HF(hf_sum_sum_host, "SUM host", "sum.sum_host", FT_IPv4, BASE_NONE, NULL,
               "The machine SUM runs on"),
        SUM_HF(hf_sum_sum_host6, "SUM host", "sum.sum_host6", FT_IPv6, BASE_NONE, NULL,
               "The machine SUM runs on (IPv6)"),
        SUM_HF(hf_sum_target, "Target", "sum.target", FT_IPv4, BASE_NONE, NULL,
               "The machine being updated"),
        SUM_HF(hf_sum_target6, "Target", "sum.target6", FT_IPv6, BASE_NONE, NULL,
               "The machine being updated (IPv6)"),
        SUM_HF(hf_sum_holder, "Port holder", "sum.holder", FT_IPv4, BASE_NONE, NULL,
               "The host that holds (binds) the SUM port"),
        SUM_HF(hf_sum_holder6, "Port holder", "sum.holder6", FT_IPv6, BASE_NONE, NULL,
               "The host that holds (binds) the SUM port (IPv6)"),
        SUM_HF(hf_sum_port, "Port", "sum.port", FT_UINT16, BASE_DEC, NULL,
               "The family's port in this connection (the source port for message)"),
        SUM_HF(hf_sum_port_base, "Base port", "sum.port.base", FT_UINT16, BASE_DEC, NULL,
               "First port the family tries"),
        SUM_HF(hf_sum_port_offset, "Offset", "sum.port.offset", FT_UINT16, BASE_DEC, NULL,
               "Index in the family's sequence (0 = base; firmware: 80, 63000, ...)"),
        SUM_HF(hf_sum_port_range_end, "Documented range end", "sum.port.range_end",
               FT_UINT16, BASE_DEC, NULL, NULL),
        SUM_HF(hf_sum_overflow, "Outside the documented range", "sum.overflow", FT_BOOLEAN,
               BASE_NONE, NULL, NULL),
        SUM_HF(hf_sum_cause, "Cause", "sum.cause", FT_UINT8, BASE_DEC, VALS(cause_vals),
               "Why this port: default, concurrent, ipc-reserved, conflict, overflow, "
               "configured"),
        SUM_HF(hf_sum_conflicting, "Port in the way", "sum.conflicting_ports", FT_UINT16,
               BASE_DEC, NULL, "A lower port held by another program (one item each)"),
        SUM_HF(hf_sum_evidence, "Evidence", "sum.evidence", FT_UINT8, BASE_DEC,
               VALS(evidence_vals), "How the ports in the way are known: traffic, probe, "
               "inferred"),
        SUM_HF(hf_sum_confidence, "Confidence", "sum.confidence", FT_UINT8, BASE_DEC,
               VALS(confidence_vals), "How sure the label is: low, medium, high"),
        SUM_HF(hf_sum_session, "Session", "sum.session", FT_UINT32, BASE_DEC, NULL,
               "One id for all flows between the same SUM host and target"),
        SUM_HF(hf_sum_peer_family, "Peer family", "sum.peer.family", FT_UINT8, BASE_DEC,
               VALS(family_vals), "The other end's SUM port family"),
        SUM_HF(hf_sum_peer_port, "Peer port", "sum.peer.port", FT_UINT16, BASE_DEC, NULL,
               "The other end's SUM port (a message connection's control listener)"),
        SUM_HF(hf_sum_peer_cause, "Peer cause", "sum.peer.cause", FT_UINT8, BASE_DEC,
               VALS(cause_vals), "Why the other end's port"),
        SUM_HF(hf_sum_state, "Connection state", "sum.state", FT_UINT8, BASE_DEC,
               VALS(state_vals), "Zeek-style: S0 unanswered, REJ refused, SF closed ..."),
        SUM_HF(hf_sum_candidate, "SUM candidate", "sum.candidate", FT_UINT8, BASE_DEC,
               VALS(family_vals), "A SUM port by its number only, not confirmed: the "
               "family it would be"),
        SUM_HF(hf_sum_candidate_port, "Port", "sum.candidate.port", FT_UINT16, BASE_DEC, NULL,
               NULL),
        SUM_HF(hf_sum_candidate_holder, "Port holder", "sum.candidate.holder", FT_IPv4,
               BASE_NONE, NULL, NULL),
        SUM_HF(hf_sum_candidate_holder6, "Port holder", "sum.candidate.holder6", FT_IPv6,
               BASE_NONE, NULL, NULL),
    };
    static gint *ett[] = {&ett_sum, &ett_sum_candidate};
    static ei_register_info ei[] = {
        {&ei_sum_fallback, {"sum.fallback", PI_SEQUENCE, PI_WARN,
                            "SUM port allocation fell back", EXPFILL}},
        {&ei_sum_fallback_normal, {"sum.fallback.normal", PI_SEQUENCE, PI_NOTE,
                                   "SUM port allocation moved up (normal)", EXPFILL}},
        {&ei_sum_configured, {"sum.configured", PI_SEQUENCE, PI_NOTE,
                              "SUM port set by configuration (7.x web server)", EXPFILL}},
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
        {&ei_sum_root_cause, {"sum.root_cause", PI_RESPONSE_CODE, PI_ERROR,
                              "What SUM's failures come down to", EXPFILL}},
    };
    proto_sum = proto;
    proto_sum_port = proto_ports;
    build_vals();
    proto_register_field_array(proto, hf, array_length(hf));
    proto_register_subtree_array(ett, array_length(ett));
    expert_module_t *em = expert_register_protocol(proto);
    expert_register_field_array(em, ei, array_length(ei));
    sum_tap = register_tap("sum");
}

void
sum_present_handoff(void)
{
    proto_tcp = proto_get_id_by_filter_name("tcp");
    proto_udp = proto_get_id_by_filter_name("udp");
    proto_data = proto_get_id_by_filter_name("data");
}
