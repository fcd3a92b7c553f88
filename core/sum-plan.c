/* sum-plan.c: the SUM port plan tables and their lookups.
 *
 * Classic profile: the HP SUM user guide's port page (docs/sum-ports.md, "What the
 * guide says"). 7.x and 8.x: what SUM's public help pages say of later
 * generations (docs/sum-ports.md, "Later SUM generations"), in the words of
 * docs/generations.md.
 */
#include "sum-plan.h"

#include <string.h>

/* How far past a documented end a continuation is still labelled. The guide
 * says the end is "no guaranteed upper bound" (it grows with the number of
 * targets); 92 more ports covers any realistic deployment without labelling
 * the whole ephemeral range. */
#define SUM_PLAN_CONTINUATION 92
#define SUM_PLAN_CONTROL_CONTINUATION 13 /* 62287 .. 62299 */
#define SUM_PLAN_FIRMWARE_CONTINUATION 5 /* 63006 .. 63010 */

/* Rows: family, transport, base, fallback_lo, documented_end, scan_end,
 * holder, opener, carried, holder_is_client, overflow_counts, strict_peers,
 * label. */
static const SumPortRule classic_rules[] = {
    /* Bootstrap, Windows: ADMIN$ share over SMB; NetBIOS naming (137) and
     * datagrams (138). Listener on the target, opened by the SUM host. */
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 445, 0, 445, 445, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SMB, FALSE, FALSE, TRUE, "bootstrap (SMB, ADMIN$)"},
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 139, 0, 139, 139, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SMB, FALSE, FALSE, TRUE, "bootstrap (NetBIOS session)"},
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 137, 0, 137, 137, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_NETBIOS, FALSE, FALSE, TRUE, "bootstrap (NetBIOS name)"},
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 138, 0, 138, 138, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_NETBIOS, FALSE, FALSE, TRUE,
     "bootstrap (NetBIOS datagram)"},
    /* Bootstrap, Linux: SSH to the target. */
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 22, 0, 22, 22, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SSH, FALSE, FALSE, TRUE, "bootstrap (SSH)"},
    /* iLO, OA, Integrity: the SUM host reaches the device's HTTPS interface
     * before the device fetches its firmware (docs/reconstruction.md). */
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 443, 0, 443, 443, SUM_ROLE_TARGET,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_TLS, FALSE, FALSE, TRUE, "bootstrap (iLO/OA HTTPS)"},
    /* Message: the SUM host's local ports of its TLS connections to a target's
     * control listener, first free from 60000 (reading chosen in
     * docs/sum-ports.md). */
    {SUM_FAMILY_MESSAGE, SUM_TRANSPORT_TCP, 60000, 0, 60007, 60007 + SUM_PLAN_CONTINUATION,
     SUM_ROLE_SUM_HOST, SUM_ROLE_SUM_HOST, SUM_CARRIED_TLS, TRUE, TRUE, FALSE,
     "message (SUM host -> target, TLS)"},
    /* IPC: the lowest free callback-range port, between SUM's own processes. */
    {SUM_FAMILY_IPC, SUM_TRANSPORT_TCP, 61000, 0, 61000, 61000, SUM_ROLE_SUM_HOST,
     SUM_ROLE_SUM_HOST, SUM_CARRIED_TLS, FALSE, FALSE, FALSE, "ipc (SUM host, loopback)"},
    /* Callback: targets talk back to the SUM host; the port after the IPC. */
    {SUM_FAMILY_CALLBACK, SUM_TRANSPORT_TCP, 61000, 0, 61007,
     61007 + SUM_PLAN_CONTINUATION, SUM_ROLE_SUM_HOST, SUM_ROLE_TARGET, SUM_CARRIED_TLS,
     FALSE, TRUE, FALSE, "callback (target -> SUM host, TLS)"},
    /* Control: the target's listener, 62286 unless it conflicts. */
    {SUM_FAMILY_CONTROL, SUM_TRANSPORT_TCP, 62286, 0, 62286,
     62286 + SUM_PLAN_CONTROL_CONTINUATION, SUM_ROLE_TARGET, SUM_ROLE_SUM_HOST,
     SUM_CARRIED_TLS, FALSE, FALSE, FALSE, "control (target listener, TLS)"},
    /* Firmware: SUM's built-in web server, 80 if free, else 63000-63005. */
    {SUM_FAMILY_FIRMWARE, SUM_TRANSPORT_TCP, 80, 63000, 63005,
     63005 + SUM_PLAN_FIRMWARE_CONTINUATION, SUM_ROLE_SUM_HOST, SUM_ROLE_TARGET,
     SUM_CARRIED_HTTP, FALSE, TRUE, FALSE, "firmware (target fetches over HTTP)"},
};

/* SUM 7.x: the built-in web server on 63001 (HTTP) and 63002 (HTTPS), which
 * every kind of target fetches from and posts status to (family web:
 * docs/generations.md, "Words"); the SUM host reaches targets on their own
 * services, which are no allocation (family bootstrap, as the classic
 * bootstrap ports): Windows 137/138, 445, 135 (an endpoint-mapper bind), 139;
 * Linux and HP-UX 22; VMware 443 and WBEM 5989 (over TLS); iLO, OA, VC 443.
 * The old 6000x/61000/62286 plan is gone. The web server does not search:
 * it binds its two ports or fails, and only --port/--ssl_port move them
 * (cause configured); ports up to 63099 are labelled as such a move. */
#define SUM_PLAN_WEB_CONFIGURED_END 63099
#define SUM_RULES_7X_COMMON                                                                \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 445, 0, 445, 445, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SMB, FALSE, FALSE, TRUE, "bootstrap (SMB)"},           \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 139, 0, 139, 139, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SMB, FALSE, FALSE, TRUE, "bootstrap (NetBIOS session)"},\
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 135, 0, 135, 135, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_MSRPC, FALSE, FALSE, TRUE, "bootstrap (RPC endpoint)"}, \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 137, 0, 137, 137, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_NETBIOS, FALSE, FALSE, TRUE, "bootstrap (NetBIOS name)"},\
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_UDP, 138, 0, 138, 138, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_NETBIOS, FALSE, FALSE, TRUE,                           \
     "bootstrap (NetBIOS datagram)"},                                                      \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 22, 0, 22, 22, SUM_ROLE_TARGET,              \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_SSH, FALSE, FALSE, TRUE, "bootstrap (SSH)"},           \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 443, 0, 443, 443, SUM_ROLE_TARGET,           \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_TLS, FALSE, FALSE, TRUE,                               \
     "bootstrap (VMware/iLO/OA HTTPS)"},                                                   \
    {SUM_FAMILY_BOOTSTRAP, SUM_TRANSPORT_TCP, 5989, 0, 5989, 5989, SUM_ROLE_TARGET,        \
     SUM_ROLE_SUM_HOST, SUM_CARRIED_WBEM, FALSE, FALSE, TRUE, "bootstrap (WBEM over TLS)"},\
    {SUM_FAMILY_WEB, SUM_TRANSPORT_TCP, 63001, 0, 63001, SUM_PLAN_WEB_CONFIGURED_END,     \
     SUM_ROLE_SUM_HOST, SUM_ROLE_TARGET, SUM_CARRIED_HTTP, FALSE, FALSE, FALSE,            \
     "web (SUM's web server, HTTP: targets fetch and post)"},                                    \
    {SUM_FAMILY_WEB, SUM_TRANSPORT_TCP, 63002, 0, 63002, SUM_PLAN_WEB_CONFIGURED_END,     \
     SUM_ROLE_SUM_HOST, SUM_ROLE_TARGET, SUM_CARRIED_TLS, FALSE, FALSE, FALSE,             \
     "web (SUM's web server, HTTPS: targets fetch and post)"}

static const SumPortRule gen7_rules[] = {
    SUM_RULES_7X_COMMON,
};

/* SUM 8.x: as 7.x; SUM's own processes are also clients of the web server's
 * 63002 on the SUM host (loopback: the same web allocation, ipc_port names
 * it), and WMI reaches Windows targets: DCOM activation through 135, then
 * the endpoint the target hands out (dcom_port). */
static const SumPortRule gen8_rules[] = {
    SUM_RULES_7X_COMMON,
};

static const SumProfile profiles[SUM_GENERATION_COUNT] = {
    {SUM_GENERATION_CLASSIC, "classic", "SUM 4.x-6.x (the guide page)", classic_rules,
     G_N_ELEMENTS(classic_rules), 61000, 0},
    {SUM_GENERATION_7, "7", "SUM 7.x (web server on 63001/63002)", gen7_rules,
     G_N_ELEMENTS(gen7_rules), 0, 0},
    {SUM_GENERATION_8, "8",
     "SUM 8.x and later (web server on 63001/63002, also on loopback; WMI)", gen8_rules,
     G_N_ELEMENTS(gen8_rules), 63002, 135},
};

G_DEFINE_QUARK(sum-plan-error-quark, sum_plan_error)

const SumProfile *
sum_plan_profile(SumGeneration generation)
{
    g_return_val_if_fail(generation < SUM_GENERATION_COUNT, NULL);
    return &profiles[generation];
}

const SumProfile *
sum_plan_profile_default(void)
{
    return &profiles[SUM_GENERATION_CLASSIC];
}

const SumProfile *
sum_plan_profile_by_name(const char *name)
{
    g_return_val_if_fail(name != NULL, NULL);
    for (gsize i = 0; i < G_N_ELEMENTS(profiles); i++) {
        if (g_ascii_strcasecmp(name, profiles[i].name) == 0)
            return &profiles[i];
    }
    /* Accept "7.x"/"8.x" as people write them. */
    if (g_ascii_strcasecmp(name, "7.x") == 0)
        return &profiles[SUM_GENERATION_7];
    if (g_ascii_strcasecmp(name, "8.x") == 0)
        return &profiles[SUM_GENERATION_8];
    return NULL;
}

const char *
sum_plan_generation_name(SumGeneration generation)
{
    return generation < SUM_GENERATION_COUNT ? profiles[generation].name : "unknown";
}

SumProfile *
sum_plan_profile_copy(const SumProfile *profile)
{
    g_return_val_if_fail(profile != NULL, NULL);
    SumProfile *copy = g_new(SumProfile, 1);
    *copy = *profile;
    copy->rules = g_memdup2(profile->rules, profile->n_rules * sizeof(SumPortRule));
    return copy;
}

void
sum_plan_profile_free(SumProfile *profile)
{
    if (profile == NULL)
        return;
    g_free((gpointer)profile->rules);
    g_free(profile);
}

gboolean
sum_plan_profile_set_range(SumProfile *profile, SumFamily family, guint16 lo, guint16 hi,
                           GError **error)
{
    g_return_val_if_fail(profile != NULL, FALSE);
    if (lo == 0 || lo > hi) {
        g_set_error(error, SUM_PLAN_ERROR, SUM_PLAN_ERROR_INVALID,
                    "invalid port range %u-%u for %s", lo, hi, sum_plan_family_name(family));
        return FALSE;
    }
    SumPortRule *rules = (SumPortRule *)profile->rules;
    gboolean found = FALSE;
    for (gsize i = 0; i < profile->n_rules; i++) {
        SumPortRule *r = &rules[i];
        if (r->family != family || r->transport != SUM_TRANSPORT_TCP)
            continue;
        guint extra = (guint)r->scan_end - r->documented_end;
        r->base = lo;
        r->fallback_lo = 0;
        r->documented_end = hi;
        r->scan_end = (guint16)MIN(65535u, (guint)hi + extra);
        found = TRUE;
    }
    if (family == SUM_FAMILY_CALLBACK && found && profile->ipc_port != 0)
        profile->ipc_port = lo;
    if (!found) {
        g_set_error(error, SUM_PLAN_ERROR, SUM_PLAN_ERROR_INVALID,
                    "the %s profile has no port range for family '%s'", profile->name,
                    sum_plan_family_name(family));
    }
    return found;
}

static gboolean
parse_port(const char *text, guint16 *port)
{
    guint64 v = 0;
    if (!g_ascii_string_to_unsigned(text, 10, 1, 65535, &v, NULL))
        return FALSE;
    *port = (guint16)v;
    return TRUE;
}

gboolean
sum_plan_profile_apply_override(SumProfile *profile, const char *spec, GError **error)
{
    g_return_val_if_fail(spec != NULL, FALSE);
    gboolean ok = FALSE;
    gchar **kv = g_strsplit(spec, "=", 2);
    if (kv[0] == NULL || kv[1] == NULL) {
        g_set_error(error, SUM_PLAN_ERROR, SUM_PLAN_ERROR_INVALID,
                    "invalid range '%s': expected FAMILY=LO-HI", spec);
        goto out;
    }
    SumFamily family = sum_plan_family_from_name(g_strstrip(kv[0]));
    if (family == SUM_FAMILY_NONE) {
        g_set_error(error, SUM_PLAN_ERROR, SUM_PLAN_ERROR_INVALID,
                    "invalid range '%s': unknown family '%s'", spec, kv[0]);
        goto out;
    }
    gchar **lohi = g_strsplit(kv[1], "-", 2);
    guint16 lo = 0, hi = 0;
    gboolean parsed = parse_port(g_strstrip(lohi[0]), &lo);
    if (parsed)
        parsed = lohi[1] == NULL ? (hi = lo, TRUE) : parse_port(g_strstrip(lohi[1]), &hi);
    g_strfreev(lohi);
    if (!parsed) {
        g_set_error(error, SUM_PLAN_ERROR, SUM_PLAN_ERROR_INVALID,
                    "invalid range '%s': ports must be numbers from 1 to 65535", spec);
        goto out;
    }
    ok = sum_plan_profile_set_range(profile, family, lo, hi, error);
out:
    g_strfreev(kv);
    return ok;
}

gboolean
sum_plan_position(const SumPortRule *rule, guint16 port, SumPortPos *pos)
{
    g_return_val_if_fail(rule != NULL, FALSE);
    guint offset;
    if (port == rule->base) {
        offset = 0;
    } else if (rule->fallback_lo != 0) {
        if (port < rule->fallback_lo || port > rule->scan_end)
            return FALSE;
        offset = 1u + (port - rule->fallback_lo);
    } else {
        if (port < rule->base || port > rule->scan_end)
            return FALSE;
        offset = (guint)port - rule->base;
    }
    if (pos != NULL) {
        pos->rule = rule;
        pos->port = port;
        pos->base = rule->base;
        pos->offset = (guint16)offset;
        pos->range_end = rule->documented_end;
        pos->documented = port == rule->base || port <= rule->documented_end;
        /* A configured port is where it was set, not a continuation. */
        pos->overflow = !pos->documented && sum_plan_family_searches(rule->family);
    }
    return TRUE;
}

guint16
sum_plan_port_at(const SumPortRule *rule, guint16 offset)
{
    g_return_val_if_fail(rule != NULL, 0);
    guint port;
    if (offset == 0)
        return rule->base;
    if (rule->fallback_lo != 0)
        port = (guint)rule->fallback_lo + offset - 1u;
    else
        port = (guint)rule->base + offset;
    return port <= rule->scan_end ? (guint16)port : 0;
}

gsize
sum_plan_candidates(const SumProfile *profile, SumTransport transport, guint16 port,
                    SumPortPos *out, gsize max)
{
    g_return_val_if_fail(profile != NULL, 0);
    gsize n = 0;
    /* Two passes: documented positions first, continuations after. */
    for (int pass = 0; pass < 2; pass++) {
        for (gsize i = 0; i < profile->n_rules && n < max; i++) {
            const SumPortRule *r = &profile->rules[i];
            SumPortPos pos;
            if (r->transport != transport || !sum_plan_position(r, port, &pos))
                continue;
            if (pos.documented != (pass == 0))
                continue;
            if (out != NULL)
                out[n] = pos;
            n++;
        }
    }
    return n;
}

gboolean
sum_plan_conn_relevant(const SumProfile *profile, SumTransport transport, guint16 orig_port,
                       guint16 resp_port)
{
    SumPortPos pos[SUM_PLAN_MAX_CANDIDATES];
    if (sum_plan_is_sum_port(profile, transport, resp_port))
        return TRUE;
    gsize n = sum_plan_candidates(profile, transport, orig_port, pos, G_N_ELEMENTS(pos));
    for (gsize i = 0; i < n; i++) {
        if (!pos[i].rule->holder_is_client)
            return TRUE;
    }
    return FALSE;
}

static gboolean
all_strict(const SumProfile *profile, SumTransport transport, guint16 port,
           gboolean listeners_only)
{
    SumPortPos pos[SUM_PLAN_MAX_CANDIDATES];
    gsize n = sum_plan_candidates(profile, transport, port, pos, G_N_ELEMENTS(pos));
    for (gsize i = 0; i < n; i++) {
        const SumPortRule *r = pos[i].rule;
        if (listeners_only && r->holder_is_client)
            continue;
        /* Firmware's base, 80, counts only between known hosts too. */
        if (!r->strict_peers && !(r->family == SUM_FAMILY_FIRMWARE && pos[i].offset == 0))
            return FALSE;
    }
    return TRUE;
}

gboolean
sum_plan_conn_strict_only(const SumProfile *profile, SumTransport transport, guint16 orig_port,
                          guint16 resp_port)
{
    return sum_plan_conn_relevant(profile, transport, orig_port, resp_port) &&
           all_strict(profile, transport, resp_port, FALSE) &&
           all_strict(profile, transport, orig_port, TRUE);
}

const SumPortRule *
sum_plan_rule(const SumProfile *profile, SumFamily family, SumTransport transport)
{
    g_return_val_if_fail(profile != NULL, NULL);
    for (gsize i = 0; i < profile->n_rules; i++) {
        const SumPortRule *r = &profile->rules[i];
        if (r->family == family && r->transport == transport)
            return r;
    }
    return NULL;
}

gboolean
sum_plan_family_searches(SumFamily family)
{
    return family != SUM_FAMILY_WEB;
}

const SumPortRule *
sum_plan_rule_for_port(const SumProfile *profile, SumFamily family, SumTransport transport,
                       guint16 port, SumCarried carried)
{
    g_return_val_if_fail(profile != NULL, NULL);
    const SumPortRule *by_carried = NULL, *first = NULL;
    for (gsize i = 0; i < profile->n_rules; i++) {
        const SumPortRule *r = &profile->rules[i];
        if (r->family != family || r->transport != transport || !sum_plan_position(r, port, NULL))
            continue;
        if (r->base == port)
            return r;
        if (by_carried == NULL && carried != SUM_CARRIED_NONE && r->carried == carried)
            by_carried = r;
        if (first == NULL)
            first = r;
    }
    return by_carried != NULL ? by_carried : first;
}

gboolean
sum_plan_in_family(const SumProfile *profile, SumFamily family, guint16 port, SumPortPos *pos)
{
    const SumPortRule *r = sum_plan_rule_for_port(profile, family, SUM_TRANSPORT_TCP, port,
                                                  SUM_CARRIED_NONE);
    return r != NULL && sum_plan_position(r, port, pos);
}

gboolean
sum_plan_is_sum_port(const SumProfile *profile, SumTransport transport, guint16 port)
{
    return sum_plan_candidates(profile, transport, port, NULL, 1) > 0;
}

/* Vocabulary. The order of each table follows its enum. */
static const char *const family_names[SUM_FAMILY_COUNT] = {
    "none", "bootstrap", "control", "message", "callback", "ipc", "firmware", "web",
};
static const char *const cause_names[SUM_CAUSE_COUNT] = {
    "unknown", "default",  "concurrent",  "ipc-reserved", "conflict",
    "overflow", "configured", "not-visible",
};
static const char *const finding_names[SUM_FINDING_COUNT] = {
    "PORT_CONFLICT", "RANGE_OVERFLOW", "PORT_BLOCKED", "PORT_REFUSED", "NOT_SUM_SERVICE",
};
static const char *const finding_titles[SUM_FINDING_COUNT] = {
    "port taken by another program",
    "port past the documented range",
    "connection attempts never answered (blocked)",
    "connection attempts refused (reset)",
    "SUM port answered by something that is not SUM",
};
/* Severity, the one place it is decided (issue 12, rule 8): a fallback that
 * worked (a port taken, a range overflowed, a listener that moved and answered
 * not as SUM where it used to be) is a warning; a port that blocked or refused
 * SUM is an error, however sure the capture is of it (that is the finding's
 * confidence and evidence, not its severity). --fail-on reads these. */
static const SumSeverity finding_severities[SUM_FINDING_COUNT] = {
    SUM_SEVERITY_WARNING, SUM_SEVERITY_WARNING, SUM_SEVERITY_ERROR, SUM_SEVERITY_ERROR,
    SUM_SEVERITY_WARNING,
};
static const char *const severity_names[SUM_SEVERITY_COUNT] = {
    "info", "note", "warning", "error",
};
static const char *const confidence_names[SUM_CONFIDENCE_COUNT] = {
    "none", "low", "medium", "high",
};
static const char *const role_names[SUM_ROLE_COUNT] = {
    "none", "sum-host", "target",
};
static const char *const carried_names[SUM_CARRIED_COUNT] = {
    "none", "tls", "http", "smb", "netbios", "ssh", "msrpc", "wbem",
};

#define NAME_OR(table, idx, count) ((guint)(idx) < (count) ? (table)[idx] : "unknown")

const char *
sum_plan_family_name(SumFamily family)
{
    return NAME_OR(family_names, family, SUM_FAMILY_COUNT);
}

SumFamily
sum_plan_family_from_name(const char *name)
{
    for (guint i = 1; name != NULL && i < SUM_FAMILY_COUNT; i++) {
        if (g_ascii_strcasecmp(name, family_names[i]) == 0)
            return (SumFamily)i;
    }
    return SUM_FAMILY_NONE;
}

const char *
sum_plan_cause_name(SumCause cause)
{
    return NAME_OR(cause_names, cause, SUM_CAUSE_COUNT);
}

SumCause
sum_plan_cause_from_name(const char *name)
{
    for (guint i = 1; name != NULL && i < SUM_CAUSE_COUNT; i++) {
        if (g_ascii_strcasecmp(name, cause_names[i]) == 0)
            return (SumCause)i;
    }
    return SUM_CAUSE_UNKNOWN;
}

const char *
sum_plan_finding_name(SumFindingCode code)
{
    return NAME_OR(finding_names, code, SUM_FINDING_COUNT);
}

SumFindingCode
sum_plan_finding_from_name(const char *name)
{
    for (guint i = 0; name != NULL && i < SUM_FINDING_COUNT; i++) {
        if (g_ascii_strcasecmp(name, finding_names[i]) == 0)
            return (SumFindingCode)i;
    }
    return (SumFindingCode)-1;
}

SumSeverity
sum_plan_finding_severity(SumFindingCode code)
{
    return (guint)code < SUM_FINDING_COUNT ? finding_severities[code] : SUM_SEVERITY_INFO;
}

const char *
sum_plan_finding_title(SumFindingCode code)
{
    return NAME_OR(finding_titles, code, SUM_FINDING_COUNT);
}

const char *
sum_plan_severity_name(SumSeverity severity)
{
    return NAME_OR(severity_names, severity, SUM_SEVERITY_COUNT);
}

const char *
sum_plan_confidence_name(SumConfidence confidence)
{
    return NAME_OR(confidence_names, confidence, SUM_CONFIDENCE_COUNT);
}

const char *
sum_plan_role_name(SumRole role)
{
    return NAME_OR(role_names, role, SUM_ROLE_COUNT);
}

const char *
sum_plan_carried_name(SumCarried carried)
{
    return NAME_OR(carried_names, carried, SUM_CARRIED_COUNT);
}
