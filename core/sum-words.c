/* sum-words.c: messages and advice of findings (sum-words.h). */
#include "sum-words.h"

const char *
sum_words_evidence(SumEvidence e)
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
words_conflict(SumFinding *f, const char *host)
{
    f->message = g_strdup_printf("%s port %u on %s was taken, so SUM used %u instead: %s",
                                 sum_plan_family_name(f->family), f->port, host,
                                 f->used_instead, sum_words_evidence(f->evidence));
    f->advice = g_strdup_printf(
        "open %u (the port SUM actually used) rather than %u in the firewall of %s; "
        "to see what holds %u: 'ss -ltnp' on Linux, 'netstat -abno' and "
        "'netsh interface ipv4 show excludedportrange protocol=tcp' on Windows",
        f->used_instead, f->port, host, f->port);
}

static void
words_overflow(const SumProfile *p, SumFinding *f, const char *host)
{
    const SumPortRule *rule = sum_plan_rule(p, f->family, SUM_TRANSPORT_TCP);
    SumPortPos pos;
    guint lo = f->port, hi = f->port;
    if (rule != NULL && sum_plan_position(rule, f->port, &pos)) {
        lo = rule->fallback_lo != 0 ? rule->fallback_lo : pos.base;
        hi = pos.range_end;
    }
    f->message = g_strdup_printf("%s port %u on %s is past the documented range %u-%u",
                                 sum_plan_family_name(f->family), f->port, host, lo, hi);
    f->advice = g_strdup_printf("firewall rules that allow only %u-%u miss this port: open %u "
                                "on %s too", lo, hi, f->port, host);
}

static void
words_one_way(SumFinding *f, const char *host, const char *peer)
{
    f->message = g_strdup_printf(
        "%s port %u on %s: no answer to %s's SYN in the capture, which holds only what %s "
        "sent (its answered connections show no packet back): refused or dropped, the "
        "capture cannot tell (one SYN, no retry: more likely refused)",
        sum_plan_family_name(f->family), f->port, host, peer, peer);
    f->advice = g_strdup_printf("capture both directions, or check that SUM's listener runs "
                                "on %s and that TCP %u is allowed inbound from %s",
                                host, f->port, peer);
}

/* What a failed bootstrap port keeps SUM from doing, or NULL. */
static const char *
bootstrap_consequence(const SumFinding *f)
{
    if (f->family != SUM_FAMILY_BOOTSTRAP)
        return NULL;
    switch (f->port) {
    case 445:
    case 139:
        return "ADMIN$ unreachable: SUM cannot copy its agent to this Windows target";
    case 22:
        return "SSH unreachable: SUM cannot bootstrap this Linux target";
    default:
        return "SUM cannot bootstrap this target";
    }
}

/* A bootstrap failure leads with what it keeps SUM from doing. */
static void
words_bootstrap(SumFinding *f, const char *host, const char *peer)
{
    const char *proto = f->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP";
    gboolean blocked = f->code == SUM_FINDING_PORT_BLOCKED;
    gchar *how = blocked ? g_strdup_printf("never answered %s (%u SYN%s%s): a firewall drops it",
                                           peer, f->syn_count, f->syn_count == 1 ? "" : "s",
                                           f->icmp ? ", ICMP unreachable" : "")
                         : g_strdup_printf("refused %s (%s): nothing listens there, or a "
                                           "firewall rejects", peer,
                                           f->icmp ? "ICMP port unreachable" : "TCP reset");
    f->message = g_strdup_printf("%s: bootstrap port %u on %s %s", bootstrap_consequence(f),
                                 f->port, host, how);
    f->advice = g_strdup_printf(
        "allow %s %u inbound on the target %s from the SUM host %s%s", proto, f->port, host,
        peer,
        f->port == 445 || f->port == 139
            ? " (Windows: 'File and Printer Sharing', and the Server service running)"
        : f->port == 22 ? " (and check that sshd runs)"
                        : "");
    g_free(how);
}

static void
words_failure(SumFinding *f, const char *host, const char *peer)
{
    if (bootstrap_consequence(f) != NULL &&
        (f->code == SUM_FINDING_PORT_BLOCKED || f->code == SUM_FINDING_PORT_REFUSED)) {
        words_bootstrap(f, host, peer);
        return;
    }
    const char *family = sum_plan_family_name(f->family);
    const char *proto = f->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP";
    switch (f->code) {
    case SUM_FINDING_PORT_BLOCKED:
        f->message = g_strdup_printf("%s port %u on %s never answered %s (%u SYN%s%s): a "
                                     "firewall drops it", family, f->port, host, peer,
                                     f->syn_count, f->syn_count == 1 ? "" : "s",
                                     f->icmp ? ", ICMP unreachable" : "");
        f->advice = g_strdup_printf("allow %s %u inbound on %s from %s", proto, f->port, host,
                                    peer);
        break;
    case SUM_FINDING_PORT_REFUSED:
        f->message = g_strdup_printf("%s port %u on %s refused %s (%s): nothing listens there, "
                                     "or a firewall rejects", family, f->port, host, peer,
                                     f->icmp ? "ICMP port unreachable" : "TCP reset");
        f->advice = g_strdup_printf("check that SUM's listener runs on %s ('ss -ltnp' / "
                                    "'netstat -abno') and allow %s %u inbound from %s", host,
                                    proto, f->port, peer);
        break;
    default:
        f->message = g_strdup_printf("%s port %u on %s answered %s with %s, not TLS: another "
                                     "service holds it", family, f->port, host, peer,
                                     sum_payload_name(f->answer));
        f->advice = g_strdup_printf("find what listens on %u on %s ('ss -ltnp' / "
                                    "'netstat -abno')", f->port, host);
        break;
    }
}

void
sum_words_finding(const SumProfile *p, SumFinding *f)
{
    char host[SUM_ADDR_STRLEN], peer[SUM_ADDR_STRLEN];
    sum_addr_to_string(&f->host, host, sizeof host);
    sum_addr_to_string(&f->peer, peer, sizeof peer);
    g_clear_pointer(&f->message, g_free);
    g_clear_pointer(&f->advice, g_free);
    switch (f->code) {
    case SUM_FINDING_PORT_CONFLICT:
        words_conflict(f, host);
        break;
    case SUM_FINDING_RANGE_OVERFLOW:
        words_overflow(p, f, host);
        break;
    default:
        if (f->one_way)
            words_one_way(f, host, peer);
        else
            words_failure(f, host, peer);
        break;
    }
}

/* --- port plans (docs/generations.md) ------------------------------------ */

const char *
sum_words_generation_title(SumGeneration g)
{
    switch (g) {
    case SUM_GENERATION_CLASSIC:
        return "the classic SUM (4.x-6.x)";
    case SUM_GENERATION_7:
        return "SUM 7.x";
    case SUM_GENERATION_8:
        return "SUM 8.x or later";
    default:
        return "no SUM generation";
    }
}

static const char *
s_(guint n)
{
    return n == 1 ? "" : "s";
}

/* The classic signs: "message ports (60000 and up) talking to control
 * listeners (62286 and up) over TLS (2 targets), callbacks over TLS on 6100x
 * (2)". */
static void
classic_signs(GString *s, const SumGenVerdict *v)
{
    if (v->msg_tls > 0)
        g_string_append_printf(s, "message ports (60000 and up) talking to control listeners "
                                  "(62286 and up) over TLS (%u target%s)",
                               v->msg_tls, s_(v->msg_tls));
    else if (v->msg_other > 0)
        g_string_append_printf(s, "message ports (60000 and up) talking to control listeners "
                                  "(62286 and up), no TLS seen (%u target%s)",
                               v->msg_other, s_(v->msg_other));
    if (v->callbacks > 0)
        g_string_append_printf(s, "%scallbacks over TLS on 6100x (%u target%s)",
                               s->len > 0 ? ", " : "", v->callbacks, s_(v->callbacks));
}

/* The web server's signs: "3 targets fetching (HTTP) from and posting (TLS)
 * to the web server on 63001/63002, 1 more only fetching; 4 of them reached
 * first on their own services". */
static void
web_signs(GString *s, const SumGenVerdict *v)
{
    gsize at = s->len;
    if (v->fetch_post > 0)
        g_string_append_printf(s, "%u target%s fetching (HTTP) from and posting (TLS) to the "
                                  "web server on 63001/63002", v->fetch_post, s_(v->fetch_post));
    if (v->fetch_only > 0)
        g_string_append_printf(s, s->len > at ? ", %u more only fetching"
                                              : "%u target%s fetching over HTTP from 63001 "
                                                "and up",
                               v->fetch_only, s_(v->fetch_only));
    if (v->post_only > 0)
        g_string_append_printf(s, s->len > at ? ", %u more only posting"
                                              : "%u target%s posting over TLS to 63002 and up",
                               v->post_only, s_(v->post_only));
    if (v->reached > 0)
        g_string_append_printf(s, "; %u of them reached first on %s own services (22, 445, "
                                  "443, 5989 ...)", v->reached, v->reached == 1 ? "its" : "their");
}

static void
eight_signs(GString *s, const SumGenVerdict *v)
{
    if (v->loopback)
        g_string_append_printf(s, "%sSUM's own processes on loopback 63002 (TLS)",
                               s->len > 0 ? "; " : "");
    if (v->wmi > 0)
        g_string_append_printf(s, "%sWMI to %u target%s (DCOM through 135, then its endpoint)",
                               s->len > 0 ? "; " : "", v->wmi, s_(v->wmi));
}

gchar *
sum_words_generation(const SumGenVerdict *v)
{
    if (v->confidence == SUM_CONFIDENCE_NONE)
        return g_strdup("no sign of any SUM generation; the classic plan by default");
    GString *s = g_string_new(NULL);
    if (v->generation == SUM_GENERATION_CLASSIC)
        classic_signs(s, v);
    else
        web_signs(s, v);
    if (v->generation == SUM_GENERATION_8)
        eight_signs(s, v);
    g_string_append_printf(s, ": %s", sum_words_generation_title(v->generation));
    if (v->generation == SUM_GENERATION_7)
        g_string_append(s, " (no 8.x sign: loopback 63002, WMI)");
    if (v->other != SUM_GENERATION_COUNT) {
        GString *o = g_string_new(NULL);
        if (v->other == SUM_GENERATION_CLASSIC)
            classic_signs(o, v);
        else {
            web_signs(o, v);
            if (v->other == SUM_GENERATION_8)
                eight_signs(o, v);
        }
        g_string_append_printf(s, "; %s also fit%s %s, less well", o->str,
                               v->other != SUM_GENERATION_CLASSIC && v->fetch_post +
                                           v->fetch_only + v->post_only == 1
                                   ? "s"
                                   : "",
                               sum_words_generation_title(v->other));
        if (v->generation == SUM_GENERATION_CLASSIC && v->fetch_post == 0 && v->post_only == 0)
            g_string_append(s, " (a classic web server falls back to 63000-63005 too)");
        g_string_free(o, TRUE);
    }
    return g_string_free(s, FALSE);
}

gchar *
sum_words_host_plan(const SumHost *h)
{
    char a[SUM_ADDR_STRLEN];
    sum_addr_to_string(&h->addr, a, sizeof a);
    if (h->profile == NULL)
        return g_strdup_printf("%s: no port plan", a);
    if (h->plan_confidence == SUM_CONFIDENCE_NONE)
        return g_strdup_printf("%s: port plan %s: %s", a, h->profile->name,
                               h->plan_reason != NULL ? h->plan_reason : "");
    return g_strdup_printf("%s: port plan %s, %s confidence: %s", a, h->profile->name,
                           sum_plan_confidence_name(h->plan_confidence),
                           h->plan_reason != NULL ? h->plan_reason : "");
}

static gchar *
ports_text(const GArray *ports)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < ports->len; i++)
        g_string_append_printf(s, "%s%u", i ? ", " : "", g_array_index(ports, guint16, i));
    return g_string_free(s, FALSE);
}

static gchar *
addrs_text(const GArray *addrs)
{
    GString *s = g_string_new(NULL);
    char b[SUM_ADDR_STRLEN];
    for (guint i = 0; i < addrs->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "",
                               sum_addr_to_string(&g_array_index(addrs, SumAddr, i), b, sizeof b));
    return g_string_free(s, FALSE);
}

void
sum_words_root_cause(SumRootCause *rc)
{
    char host[SUM_ADDR_STRLEN];
    sum_addr_to_string(&rc->host, host, sizeof host);
    gchar *ports = ports_text(rc->ports), *peers = addrs_text(rc->peers);
    g_clear_pointer(&rc->message, g_free);
    g_clear_pointer(&rc->advice, g_free);
    if (rc->code == SUM_ROOT_AGENT_NOT_RUNNING) {
        rc->message = g_strdup_printf(
            "the SUM agent is not running on %s: every control port %s tried there (%s) "
            "answered with a reset, none with TLS", host, peers, ports);
        rc->advice = g_strdup_printf(
            "start SUM's remote agent on %s, or let SUM deploy it again (check with "
            "'ss -ltnp' on Linux, 'netstat -abno' on Windows, that something listens on %s); "
            "opening %s in a firewall does not help while nothing listens", host, ports, ports);
    } else {
        rc->message = g_strdup_printf(
            "the firewall of the SUM host %s drops its targets' callbacks: every connection "
            "that %u targets (%s) opened to port %s went unanswered", host, rc->peers->len,
            peers, ports);
        rc->advice = g_strdup_printf(
            "allow TCP %s inbound on the SUM host %s from its targets (one rule on the SUM "
            "host, not one per target)", ports, host);
    }
    /* A port to open is the wrong advice where nothing listens. */
    for (guint i = 0; rc->code == SUM_ROOT_AGENT_NOT_RUNNING && i < rc->findings->len; i++) {
        SumFinding *f = g_ptr_array_index(rc->findings, i);
        g_free(f->advice);
        f->advice = g_strdup_printf("comes down to %s: %s", sum_root_cause_name(rc->code),
                                    rc->advice);
    }
    g_free(ports);
    g_free(peers);
}

/* Whether some allocation's lower ports were outside the view. */
static gboolean
view_hid_something(const SumResult *r)
{
    for (guint i = 0; i < r->allocations->len; i++) {
        if (((const SumAllocation *)g_ptr_array_index(r->allocations, i))->cause ==
            SUM_CAUSE_NOT_VISIBLE)
            return TRUE;
    }
    return FALSE;
}

void
sum_words_view(SumResult *r)
{
    char view[SUM_ADDR_STRLEN] = "";
    g_clear_pointer(&r->view_note, g_free);
    g_clear_pointer(&r->view_advice, g_free);
    if (r->capture_filter == NULL && !r->partial_view)
        return;
    if (r->view_host.family != 0)
        sum_addr_to_string(&r->view_host, view, sizeof view);
    gboolean hid = view_hid_something(r);
    if (r->capture_filter != NULL && (!r->partial_view || !hid))
        r->view_note = g_strdup_printf("captured through the capture filter '%s'%s",
                                       r->capture_filter,
                                       r->partial_view ? ": SUM's connections to hosts outside "
                                                         "it are not in the capture"
                                                       : "");
    else if (r->capture_filter != NULL)
        r->view_note = g_strdup_printf(
            "captured through the capture filter '%s': SUM's connections to hosts outside it "
            "are not in the capture, so a lower port SUM skipped may have been its own (cause "
            "not-visible), not a conflict", r->capture_filter);
    else if (!hid)
        r->view_note = g_strdup_printf("every connection in the capture involves %s: what the "
                                       "SUM host did with other hosts is not in view", view);
    else
        r->view_note = g_strdup_printf(
            "every connection in the capture involves %s (a 'host %s' capture filter, or a "
            "capture taken there): the SUM host's other peers are not in view, so a lower port "
            "SUM skipped may have been its own (cause not-visible), not a conflict",
            view, view);
    if (hid)
        r->view_advice = g_strdup(
            "to tell SUM's own connections from a conflict, capture on the SUM host without a "
            "host filter (the filter in docs/capturing.md keeps every SUM port), or run "
            "'ss -tnp' / 'netstat -abno' there while SUM deploys");
}
