/* sum-remedy.c: the firewall rules that open what the capture shows was
 * needed, on the right host and in the right direction, for each blocked or
 * refused SUM port and each overflow; advice only for a port conflict.
 * Windows: netsh advfirewall; Linux: firewall-cmd and nft (table inet filter).
 *
 * Only ports and peers the capture shows: one rule per (host, port, peer) that
 * was seen failing (blocked, refused) or running past its range (overflow).
 * A listener's rule is inbound on the listener's host from the peer; a message
 * port is the SUM host's source port (docs/sum-ports.md, "Readings we chose"), so its rule
 * is outbound from that port on the SUM host. Words come from core. */
#include "sum-remedy.h"

static gchar *
rule_name(SumFamily f, guint16 port)
{
    return g_strdup_printf("HP SUM %s %u", sum_plan_family_name(f), port);
}

/* Inbound to M->port on M->host, from M->peer when known. */
static void
fill_inbound(SumRemedy *m, SumFamily f)
{
    char peer[SUM_ADDR_STRLEN] = "";
    gboolean v6 = m->host.family == 6;
    gchar *name = rule_name(f, m->port);
    const char *proto = m->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp";
    if (m->peer.family != 0)
        sum_addr_to_string(&m->peer, peer, sizeof peer);
    m->windows = g_strdup_printf(
        "netsh advfirewall firewall add rule name=\"%s\" dir=in action=allow protocol=%s "
        "localport=%u%s%s", name, m->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP", m->port,
        *peer ? " remoteip=" : "", peer);
    if (*peer)
        m->firewalld = g_strdup_printf(
            "firewall-cmd --permanent --add-rich-rule='rule family=\"%s\" source address=\"%s\" "
            "port port=\"%u\" protocol=\"%s\" accept' && firewall-cmd --reload",
            v6 ? "ipv6" : "ipv4", peer, m->port, proto);
    else
        m->firewalld = g_strdup_printf("firewall-cmd --permanent --add-port=%u/%s && "
                                       "firewall-cmd --reload", m->port, proto);
    m->nft = g_strdup_printf("nft add rule inet filter input %s%s%s%s dport %u accept",
                             *peer ? (v6 ? "ip6 saddr " : "ip saddr ") : "", peer,
                             *peer ? " " : "", proto, m->port);
    g_free(name);
}

/* Outbound from M->port on M->host (a message port), to M->peer when known. */
static void
fill_outbound(SumRemedy *m, SumFamily f)
{
    char peer[SUM_ADDR_STRLEN] = "";
    gboolean v6 = m->host.family == 6;
    gchar *name = rule_name(f, m->port);
    if (m->peer.family != 0)
        sum_addr_to_string(&m->peer, peer, sizeof peer);
    m->windows = g_strdup_printf("netsh advfirewall firewall add rule name=\"%s\" dir=out "
                                 "action=allow protocol=TCP localport=%u%s%s", name, m->port,
                                 *peer ? " remoteip=" : "", peer);
    m->firewalld = g_strdup_printf(
        "firewall-cmd --permanent --direct --add-rule ipv%d filter OUTPUT 0 -p tcp --sport %u"
        "%s%s -j ACCEPT && firewall-cmd --reload", v6 ? 6 : 4, m->port, *peer ? " -d " : "",
        peer);
    m->nft = g_strdup_printf("nft add rule inet filter output %s%s%stcp sport %u accept",
                             *peer ? (v6 ? "ip6 daddr " : "ip daddr ") : "", peer,
                             *peer ? " " : "", m->port);
    g_free(name);
}

static void
remedy_free(gpointer p)
{
    SumRemedy *m = p;
    g_free(m->why);
    g_free(m->windows);
    g_free(m->firewalld);
    g_free(m->nft);
    g_free(m);
}

/* One rule is one (direction, host, port, transport, peer), whichever finding
 * asked for it; advice entries (no rule) are one per (finding, host, port). */
static gboolean
already(const GPtrArray *out, const SumRemedy *m, gboolean advice)
{
    for (guint i = 0; i < out->len; i++) {
        const SumRemedy *o = g_ptr_array_index(out, i);
        if ((o->windows == NULL) != advice)
            continue;
        if (advice && o->code != m->code)
            continue;
        if (o->port == m->port && o->inbound == m->inbound && o->transport == m->transport &&
            sum_addr_equal(&o->host, &m->host) && (advice || sum_addr_equal(&o->peer, &m->peer)))
            return TRUE;
    }
    return FALSE;
}

static SumRole
role_of(const SumResult *r, const SumAddr *a)
{
    const SumHost *h = sum_result_host(r, a);
    return h != NULL ? h->role : SUM_ROLE_NONE;
}

static gboolean
has_addr(const GArray *addrs, const SumAddr *a)
{
    for (guint i = 0; i < addrs->len; i++) {
        if (sum_addr_equal(&g_array_index(addrs, SumAddr, i), a))
            return TRUE;
    }
    return FALSE;
}

/* The peers of F's port as the SUM channels show them. FAILED_ONLY: those that
 * never got an answer there (a peer answered later needs no rule). Falls back
 * to the finding's own peer. */
static GArray *
peers_of(const SumResult *r, const SumFinding *f, gboolean failed_only)
{
    GArray *all = g_array_new(FALSE, TRUE, sizeof(SumAddr));
    GArray *answered = g_array_new(FALSE, TRUE, sizeof(SumAddr));
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        if (ch->family != f->family || ch->sum_port != f->port || ch->search_step ||
            !sum_addr_equal(&ch->port_holder, &f->host))
            continue;
        const SumAddr *peer = sum_addr_equal(&ch->conn.resp, &f->host) ? &ch->conn.orig
                                                                       : &ch->conn.resp;
        GArray *into = failed_only && sum_conn_answered(&ch->conn) ? answered : all;
        if (!has_addr(into, peer))
            g_array_append_val(into, *peer);
    }
    GArray *out = g_array_new(FALSE, TRUE, sizeof(SumAddr));
    for (guint i = 0; i < all->len; i++) {
        const SumAddr *a = &g_array_index(all, SumAddr, i);
        if (!has_addr(answered, a))
            g_array_append_val(out, *a);
    }
    if (out->len == 0 && f->peer.family != 0)
        g_array_append_val(out, f->peer);
    g_array_free(all, TRUE);
    g_array_free(answered, TRUE);
    return out;
}

/* The documented range of F's family on F's host: from its allocation, else
 * from the profile. */
static void
range_of(const SumResult *r, const SumFinding *f, guint *lo, guint *hi)
{
    *lo = *hi = 0;
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (a->family == f->family && a->port == f->port && sum_addr_equal(&a->host, &f->host)) {
            *lo = a->base;
            *hi = a->range_end;
            return;
        }
    }
    const SumProfile *plan = sum_result_profile_for(r, &f->host);
    const SumPortRule *rule = sum_plan_rule_for_port(plan, f->family, SUM_TRANSPORT_TCP, f->port,
                                                     SUM_CARRIED_NONE);
    if (rule == NULL)
        rule = sum_plan_rule(plan, f->family, SUM_TRANSPORT_TCP);
    if (rule != NULL) {
        *lo = rule->fallback_lo != 0 ? rule->fallback_lo : rule->base;
        *hi = rule->documented_end;
    }
}

/* The ports SUM used on F's host instead of the taken F->port. */
static gchar *
used_instead(const SumResult *r, const SumFinding *f)
{
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (!sum_addr_equal(&a->host, &f->host))
            continue;
        for (guint k = 0; k < a->conflicting_ports->len; k++) {
            if (g_array_index(a->conflicting_ports, guint16, k) == f->port) {
                g_string_append_printf(s, "%s%u", s->len ? ", " : "", a->port);
                break;
            }
        }
    }
    return g_string_free(s, FALSE);
}

static void
add_rules(GPtrArray *out, const SumRemedy *proto, const GArray *peers, SumFamily family,
          const char *why)
{
    for (guint i = 0; i < MAX(peers->len, 1u); i++) {
        SumRemedy m = *proto;
        if (i < peers->len)
            m.peer = g_array_index(peers, SumAddr, i);
        if (already(out, &m, FALSE))
            continue;
        m.why = g_strdup(why);
        if (m.inbound)
            fill_inbound(&m, family);
        else
            fill_outbound(&m, family);
        g_ptr_array_add(out, g_memdup2(&m, sizeof m));
    }
}

static void
remedy_failed(GPtrArray *out, const SumResult *r, const SumFinding *f, const SumRemedy *proto)
{
    char hb[SUM_ADDR_STRLEN];
    sum_addr_to_string(&f->host, hb, sizeof hb);
    GArray *peers = peers_of(r, f, TRUE);
    gchar *why = g_strdup_printf(
        "%s: %s port %u on %s was %s; allow it inbound there from the peer%s",
        sum_plan_finding_name(f->code), sum_plan_family_name(f->family), f->port, hb,
        f->code == SUM_FINDING_PORT_REFUSED  ? "refused (reset)"
        : f->evidence == SUM_EVIDENCE_INFERRED ? "unanswered in a capture of one direction "
                                                 "(dropped or refused)"
                                               : "never answered (dropped)",
        f->code == SUM_FINDING_PORT_REFUSED || f->evidence == SUM_EVIDENCE_INFERRED
            ? " (a reset can also mean nothing listens: check that SUM's listener runs)"
            : "");
    add_rules(out, proto, peers, f->family, why);
    g_free(why);
    g_array_free(peers, TRUE);
}

static void
remedy_overflow(GPtrArray *out, const SumResult *r, const SumFinding *f, SumRemedy *proto)
{
    char hb[SUM_ADDR_STRLEN];
    guint lo, hi;
    sum_addr_to_string(&f->host, hb, sizeof hb);
    range_of(r, f, &lo, &hi);
    GArray *peers = peers_of(r, f, FALSE);
    gchar *why;
    if (f->family == SUM_FAMILY_MESSAGE) {
        /* The message port is the SUM host's source port towards the
         * target's control listener. */
        proto->inbound = FALSE;
        why = g_strdup_printf(
            "%s: SUM on %s sent from %s port %u, past the documented %u-%u: a rule that "
            "allows only that range outbound on %s misses it; allow it outbound there "
            "(inbound at the target's control port is unaffected)",
            sum_plan_finding_name(f->code), hb, sum_plan_family_name(f->family), f->port, lo,
            hi, hb);
    } else {
        proto->inbound = TRUE;
        why = g_strdup_printf(
            "%s: SUM on %s listened on %s port %u, past the documented %u-%u: a rule that "
            "allows only that range inbound misses it; allow it inbound there from the peer",
            sum_plan_finding_name(f->code), hb, sum_plan_family_name(f->family), f->port, lo,
            hi);
    }
    add_rules(out, proto, peers, f->family, why);
    g_free(why);
    g_array_free(peers, TRUE);
}

/* Advice only: the taken port needs no rule, the one SUM moved on to does. */
static void
remedy_conflict(GPtrArray *out, const SumResult *r, const SumFinding *f, SumRemedy *proto)
{
    char hb[SUM_ADDR_STRLEN];
    proto->inbound = f->family != SUM_FAMILY_MESSAGE;
    if (already(out, proto, TRUE))
        return;
    sum_addr_to_string(&f->host, hb, sizeof hb);
    gchar *used = used_instead(r, f);
    SumRemedy m = *proto;
    m.why = g_strdup_printf(
        "%s: %s port %u on %s was held by another program, so SUM moved on to %s: no rule "
        "for %u; allow %s on %s the port SUM used instead. To see what holds %u: "
        "'ss -ltnp' on Linux, 'netsh interface ipv4 show excludedportrange protocol=tcp' "
        "on Windows", sum_plan_finding_name(f->code), sum_plan_family_name(f->family), f->port,
        hb, *used ? used : "a higher port", f->port, m.inbound ? "inbound" : "outbound", hb,
        f->port);
    g_free(used);
    g_ptr_array_add(out, g_memdup2(&m, sizeof m));
}

/* Advice only, once per target: the agent is not running there. */
static void
remedy_agent(GPtrArray *out, const SumFinding *f, SumRemedy *proto)
{
    for (guint i = 0; i < out->len; i++) {
        const SumRemedy *o = g_ptr_array_index(out, i);
        if (o->windows == NULL && o->code == f->code && sum_addr_equal(&o->host, &f->host))
            return;
    }
    SumRemedy m = *proto;
    m.why = g_strdup_printf("%s: %s", sum_plan_finding_name(f->code),
                            f->root_cause->advice != NULL ? f->root_cause->advice
                                                          : f->root_cause->message);
    g_ptr_array_add(out, g_memdup2(&m, sizeof m));
}

GPtrArray *
sum_remedy_build(const SumResult *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    GPtrArray *out = g_ptr_array_new_with_free_func(remedy_free);
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        SumRemedy proto = {0};
        proto.code = f->code;
        proto.host = f->host;
        proto.role = role_of(r, &f->host);
        proto.port = f->port;
        proto.transport = SUM_TRANSPORT_TCP;
        proto.inbound = TRUE;
        /* NetBIOS name and datagram services are UDP (docs/sum-ports.md). */
        if (f->family == SUM_FAMILY_BOOTSTRAP && (f->port == 137 || f->port == 138))
            proto.transport = SUM_TRANSPORT_UDP;
        /* Nothing of SUM listens there: no firewall rule helps, starting
         * the agent does (the root cause's advice). */
        if (f->root_cause != NULL && f->root_cause->code == SUM_ROOT_AGENT_NOT_RUNNING) {
            remedy_agent(out, f, &proto);
            continue;
        }
        switch (f->code) {
        case SUM_FINDING_PORT_BLOCKED:
        case SUM_FINDING_PORT_REFUSED:
            remedy_failed(out, r, f, &proto);
            break;
        case SUM_FINDING_RANGE_OVERFLOW:
            remedy_overflow(out, r, f, &proto);
            break;
        case SUM_FINDING_PORT_CONFLICT:
            remedy_conflict(out, r, f, &proto);
            break;
        default:
            break; /* NOT_SUM_SERVICE: the finding's advice says what to check */
        }
    }
    return out;
}
