/* packet-sum.c: HP Smart Update Manager (SUM) port labels for Wireshark.
 *
 * The port plan and every port decision come from core/ (sum-plan.c), the
 * same tables the sumscope analyzer reads; the allocation story on a second
 * pass (tshark -2, or the GUI) comes from core's reconstruction
 * (sum-recon.c). Domain: SUM-PORTS.md; rules: docs/reconstruction.md.
 *
 * This file registers the protocol and its preferences and holds two
 * dissectors:
 *  - "sum.ports": a thin dissector on the TCP ports of the plans in use
 *    (the classic ranges of the preferences; the later plans' web server on
 *    63001/63002) that hands TLS to TLS and firmware or web HTTP to HTTP, and
 *    says "not mine" for anything else (62286 is also an msrpc dynamic
 *    endpoint);
 *  - a postdissector that lets sum-follow.c label the frame (family, SUM
 *    host, target, port, cause, confidence, verdict) and sum-present.c show
 *    the label (tree, columns, expert items, the tap).
 */
#include "config-sum.h"

#include <epan/packet.h>
#include <epan/conversation.h>
#include <epan/prefs.h>

#include "packet-sum.h"
#include "sum-portmap.h"

static int proto_sum = -1;
static int proto_sum_port = -1;

static dissector_handle_t sum_post_handle;
static dissector_handle_t sum_port_handle;
static dissector_handle_t tls_handle;
static dissector_handle_t http_handle;

/* Preferences: the port plan (auto: every plan, chosen per SUM host by its
 * evidence); one range per classic family, defaults from core's plan. */
enum { PLAN_AUTO = 0, PLAN_CLASSIC, PLAN_7, PLAN_8 };
static const enum_val_t plan_vals[] = {
    {"auto", "auto (per SUM host, from what the capture shows)", PLAN_AUTO},
    {"classic", "classic (SUM 4.x-6.x)", PLAN_CLASSIC},
    {"7", "7 (SUM 7.x)", PLAN_7},
    {"8", "8 (SUM 8.x and later)", PLAN_8},
    {NULL, NULL, -1},
};
static gint pref_plan = PLAN_AUTO;
static range_t *pref_message_ports;
static range_t *pref_callback_ports;
static range_t *pref_control_ports;
static range_t *pref_firmware_ports;
static range_t *registered_ports; /* what is on tcp.port now */
static SumProfile *active_profile; /* the classic plan with the preferences applied */

static const SumProfile *
classic_plan(void)
{
    return active_profile != NULL ? active_profile : sum_plan_profile_default();
}

const SumProfile *
sum_forced_profile(void)
{
    switch (pref_plan) {
    case PLAN_CLASSIC:
        return classic_plan();
    case PLAN_7:
        return sum_plan_profile(SUM_GENERATION_7);
    case PLAN_8:
        return sum_plan_profile(SUM_GENERATION_8);
    default:
        return NULL;
    }
}

const SumProfile *
sum_plan_of(SumGeneration g)
{
    const SumProfile *forced = sum_forced_profile();
    if (forced != NULL)
        return forced->generation == g ? forced : NULL;
    if (g >= SUM_GENERATION_COUNT)
        return NULL;
    return g == SUM_GENERATION_CLASSIC ? classic_plan() : sum_plan_profile(g);
}

const SumProfile *
sum_active_profile(void)
{
    const SumProfile *forced = sum_forced_profile();
    return forced != NULL ? forced : classic_plan();
}

/* --- the postdissector ---------------------------------------------------- */

/* Ports of the active plan, [0] TCP and [1] UDP, rebuilt with the
 * preferences: the test every frame goes through. */
static guint8 relevant_ports[2][SUM_PORTMAP_BITS_BYTES];

static void
build_relevant_ports(void)
{
    memset(relevant_ports, 0, sizeof relevant_ports);
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *p = sum_plan_of((SumGeneration)g);
        if (p == NULL)
            continue;
        SumPortMap *m = sum_portmap_new(p);
        sum_portmap_pack(m, relevant_ports);
        sum_portmap_free(m);
    }
}

static gboolean
relevant(SumTransport t, guint16 sport, guint16 dport)
{
    return sum_portmap_bit((const guint8(*)[SUM_PORTMAP_BITS_BYTES])relevant_ports, t, sport) ||
           sum_portmap_bit((const guint8(*)[SUM_PORTMAP_BITS_BYTES])relevant_ports, t, dport);
}

static int
dissect_sum_post(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
    if (pinfo->ptype != PT_TCP && pinfo->ptype != PT_UDP)
        return 0;
    /* The cheapest test first: most frames are on no port of the plan. */
    SumTransport t = pinfo->ptype == PT_TCP ? SUM_TRANSPORT_TCP : SUM_TRANSPORT_UDP;
    if (!relevant(t, (guint16)pinfo->srcport, (guint16)pinfo->destport) &&
        !(t == SUM_TRANSPORT_TCP && sum_follow_dynamic_wanted(pinfo)))
        return 0;
    /* The tap keeps a pointer to the label until the frame is done. */
    sum_label_t *label = wmem_new0(pinfo->pool, sum_label_t);
    sum_frame_t frame;
    memset(&frame, 0, sizeof frame);
    if (!sum_follow_frame(pinfo, tree, label, &frame))
        return 0;
    sum_present(tvb, pinfo, tree, label, &frame);
    return tvb_captured_length(tvb);
}

/* --- the port dissector: hand TLS to TLS, firmware HTTP to HTTP ---------- */

static int
dissect_sum_port(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data)
{
    guint8 bytes[SUM_PAYLOAD_CLASSIFY_BYTES];
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

/* The firmware preference names the web server's fallback ports (63000-63005
 * in the guide): port 80 stays the first port tried. core's set_range would
 * make the preference's first port the base, so our copy of the rule is
 * moved here, continuations keeping their distance past the end. */
static void
apply_firmware_range(const range_t *range)
{
    if (range == NULL || range->nranges == 0 || range->ranges[0].low == 0)
        return;
    guint lo = range->ranges[0].low, hi = range->ranges[0].high;
    SumPortRule *rules = (SumPortRule *)active_profile->rules;
    for (gsize i = 0; i < active_profile->n_rules; i++) {
        SumPortRule *r = &rules[i];
        if (r->family != SUM_FAMILY_FIRMWARE || r->transport != SUM_TRANSPORT_TCP ||
            r->fallback_lo == 0 || lo <= r->base)
            continue;
        guint extra = (guint)r->scan_end - r->documented_end;
        r->fallback_lo = (guint16)lo;
        r->documented_end = (guint16)hi;
        r->scan_end = (guint16)MIN(65535u, hi + extra);
    }
}

static void
register_ports(void)
{
    if (registered_ports != NULL) {
        dissector_delete_uint_range("tcp.port", registered_ports, sum_port_handle);
        wmem_free(wmem_epan_scope(), registered_ports);
    }
    /* The classic plan's ranges (the preferences), and the later plans' web
     * server (63001 HTTP, 63002 TLS): whichever plans are in use. */
    GString *all = g_string_new(NULL);
    if (sum_plan_of(SUM_GENERATION_CLASSIC) != NULL) {
        range_t *ranges[] = {pref_message_ports, pref_callback_ports, pref_control_ports,
                             pref_firmware_ports};
        for (gsize i = 0; i < G_N_ELEMENTS(ranges); i++) {
            gchar *r = range_convert_range(NULL, ranges[i]);
            if (r != NULL && r[0] != '\0')
                g_string_append_printf(all, "%s%s", all->len ? "," : "", r);
            wmem_free(NULL, r);
        }
    }
    for (int g = SUM_GENERATION_7; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *p = sum_plan_of((SumGeneration)g);
        for (gsize i = 0; p != NULL && i < p->n_rules; i++) {
            if (p->rules[i].family == SUM_FAMILY_WEB)
                g_string_append_printf(all, "%s%u", all->len ? "," : "", p->rules[i].base);
        }
    }
    registered_ports = NULL;
    range_convert_str(wmem_epan_scope(), &registered_ports, all->str, 65535);
    if (registered_ports != NULL)
        dissector_add_uint_range("tcp.port", registered_ports, sum_port_handle);
    g_string_free(all, TRUE);
}

static void
apply_prefs(void)
{
    sum_plan_profile_free(active_profile);
    active_profile = sum_plan_profile_copy(sum_plan_profile_default());
    apply_range(SUM_FAMILY_MESSAGE, pref_message_ports);
    apply_range(SUM_FAMILY_CALLBACK, pref_callback_ports);
    apply_range(SUM_FAMILY_CONTROL, pref_control_ports);
    apply_firmware_range(pref_firmware_ports);
    build_relevant_ports();
    if (sum_port_handle != NULL)
        register_ports();
}

static void
register_prefs(void)
{
    pref_message_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_MESSAGE, FALSE);
    pref_callback_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_CALLBACK, FALSE);
    pref_control_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_CONTROL, FALSE);
    pref_firmware_ports = range_of(sum_plan_profile_default(), SUM_FAMILY_FIRMWARE, TRUE);
    module_t *m = prefs_register_protocol(proto_sum, apply_prefs);
    prefs_register_enum_preference(m, "port_plan", "Port plan",
                                   "Which SUM generation's port plan to read the capture with: "
                                   "auto chooses per SUM host from what the capture shows "
                                   "(docs/generations.md); classic, 7 or 8 forces one",
                                   &pref_plan, plan_vals, FALSE);
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
}

/* --- registration --------------------------------------------------------- */

void proto_register_sum(void);
void proto_reg_handoff_sum(void);

void
proto_register_sum(void)
{
    proto_sum = proto_register_protocol("HP Smart Update Manager", "SUM", "sum");
    proto_sum_port = proto_register_protocol_in_name_only(
        "HP Smart Update Manager (ports)", "SUM ports", "sum.ports", proto_sum, FT_PROTOCOL);
    sum_present_register(proto_sum, proto_sum_port);

    active_profile = sum_plan_profile_copy(sum_plan_profile_default());
    build_relevant_ports();
    register_prefs();

    register_init_routine(sum_follow_init);
    register_cleanup_routine(sum_follow_cleanup);
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
    sum_follow_handoff(proto_sum, wanted);
    sum_present_handoff();
    register_postdissector(sum_post_handle);
    set_postdissector_wanted_hfids(sum_post_handle, wanted);
    register_ports();
}
