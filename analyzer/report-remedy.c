/* report-remedy.c: the firewall rules that open what the capture shows was
 * needed, on the right host and in the right direction, for each blocked or
 * refused SUM port and each overflow; advice only for a port conflict.
 * Windows: netsh advfirewall; Linux: firewall-cmd and nft. */
#include "report.h"

static gchar *
rule_name(SumFamily f, guint16 port)
{
    return g_strdup_printf("HP SUM %s %u", sum_plan_family_name(f), port);
}

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
                             *peer ? (v6 ? "ip6 saddr " : "ip saddr ") : "", peer, *peer ? " " : "",
                             proto, m->port);
    g_free(name);
}

/* A message port is the SUM host's source port: the rule opens outbound from
 * it on the SUM host. */
static void
fill_outbound(SumRemedy *m, SumFamily f)
{
    gchar *name = rule_name(f, m->port);
    m->windows = g_strdup_printf("netsh advfirewall firewall add rule name=\"%s\" dir=out "
                                 "action=allow protocol=TCP localport=%u", name, m->port);
    m->firewalld = g_strdup_printf(
        "firewall-cmd --permanent --direct --add-rule ipv%d filter OUTPUT 0 -p tcp --sport %u "
        "-j ACCEPT && firewall-cmd --reload", m->host.family == 6 ? 6 : 4, m->port);
    m->nft = g_strdup_printf("nft add rule inet filter output tcp sport %u accept", m->port);
    g_free(name);
}

static gboolean
already(const GPtrArray *out, const SumRemedy *m)
{
    for (guint i = 0; i < out->len; i++) {
        const SumRemedy *o = g_ptr_array_index(out, i);
        if (o->port == m->port && o->inbound == m->inbound && o->code == m->code &&
            sum_addr_equal(&o->host, &m->host) && sum_addr_equal(&o->peer, &m->peer))
            return TRUE;
    }
    return FALSE;
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

static SumRole
role_of(const SumResult *r, const SumAddr *a)
{
    const SumHost *h = sum_result_host(r, a);
    return h != NULL ? h->role : SUM_ROLE_NONE;
}

GPtrArray *
sum_remedy_build(const SumResult *r)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(remedy_free);
    char hb[SUM_ADDR_STRLEN], pb[SUM_ADDR_STRLEN];
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        SumRemedy m = {0};
        m.code = f->code;
        m.host = f->host;
        m.role = role_of(r, &f->host);
        m.port = f->port;
        m.transport = SUM_TRANSPORT_TCP;
        sum_addr_to_string(&f->host, hb, sizeof hb);
        switch (f->code) {
        case SUM_FINDING_PORT_BLOCKED:
        case SUM_FINDING_PORT_REFUSED:
            m.inbound = TRUE;
            m.peer = f->peer;
            if (f->family == SUM_FAMILY_BOOTSTRAP && (f->port == 137 || f->port == 138))
                m.transport = SUM_TRANSPORT_UDP;
            sum_addr_to_string(&f->peer, pb, sizeof pb);
            m.why = g_strdup_printf(
                "%s: %s port %u on %s was %s for %s; allow it inbound there%s",
                sum_plan_finding_name(f->code), sum_plan_family_name(f->family), f->port, hb,
                f->code == SUM_FINDING_PORT_BLOCKED ? "never answered" : "refused", pb,
                f->code == SUM_FINDING_PORT_REFUSED
                    ? " (and check that SUM's listener runs: a reset also means nothing "
                      "listens)"
                    : "");
            if (already(out, &m)) {
                g_free(m.why);
                continue;
            }
            fill_inbound(&m, f->family);
            break;
        case SUM_FINDING_RANGE_OVERFLOW:
            if (f->family == SUM_FAMILY_MESSAGE) {
                m.inbound = FALSE;
                m.why = g_strdup_printf(
                    "RANGE_OVERFLOW: SUM on %s sent from port %u, past 60000-60007: rules that "
                    "allow only that range outbound miss it (the target's control port is "
                    "unaffected)", hb, f->port);
                if (already(out, &m)) {
                    g_free(m.why);
                    continue;
                }
                fill_outbound(&m, f->family);
            } else {
                m.inbound = TRUE;
                m.why = g_strdup_printf(
                    "RANGE_OVERFLOW: SUM on %s listened on %s port %u, past the documented "
                    "range: allow it inbound there", hb, sum_plan_family_name(f->family),
                    f->port);
                if (already(out, &m)) {
                    g_free(m.why);
                    continue;
                }
                fill_inbound(&m, f->family);
            }
            break;
        case SUM_FINDING_PORT_CONFLICT:
            m.inbound = TRUE;
            m.why = g_strdup_printf("PORT_CONFLICT: %s", f->advice != NULL ? f->advice
                                                                           : f->message);
            if (already(out, &m)) {
                g_free(m.why);
                continue;
            }
            break; /* advice only: no rule */
        default:
            continue;
        }
        g_ptr_array_add(out, g_memdup2(&m, sizeof m));
    }
    return out;
}
