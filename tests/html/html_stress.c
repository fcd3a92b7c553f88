/* html_stress.c: writes the HTML report of a large synthetic deployment for
 * the readability check (check_html.py --stress): one IPv4 SUM host serving
 * 20 targets in 8 rounds (hundreds of connections, message ports that
 * overflow 60007, a moved control listener, callbacks of which some are
 * blocked) and one IPv6 SUM host whose long addresses must still fit the
 * lane labels. Built through core's reconstruction (sum_recon_add/finish),
 * linked with report-html.c and sumcore only: the remediation steps are
 * written here by hand, so the test does not depend on sum-remedy.c. */
#include <stdio.h>
#include <string.h>

#include "report.h"

#define T0 1700000000000000LL /* µs: 2023-11-14 22:13:20 UTC */

/* Connections are collected, then numbered in time order as a capture
 * would number their frames. */
static GArray *conns;

static void
add(const SumAddr *orig, guint16 oport, const SumAddr *resp, guint16 rport,
    gint64 t_first, gint64 dur, gboolean answered)
{
    SumConn c;
    memset(&c, 0, sizeof c);
    c.transport = SUM_TRANSPORT_TCP;
    c.orig = *orig;
    c.resp = *resp;
    c.orig_port = oport;
    c.resp_port = rport;
    c.roles_known = TRUE;
    c.state = answered ? SUM_CONN_SF : SUM_CONN_S0;
    c.orig_payload = answered ? SUM_PAYLOAD_TLS : SUM_PAYLOAD_NONE;
    c.resp_payload = c.orig_payload;
    c.syn_count = answered ? 1 : 3;
    c.packets = answered ? 10 : 3;
    c.t_first = t_first;
    c.t_last = t_first + dur;
    g_array_append_val(conns, c);
}

static gint
by_time(gconstpointer a, gconstpointer b)
{
    const SumConn *x = a, *y = b;
    return x->t_first < y->t_first ? -1 : x->t_first > y->t_first;
}

/* Offers the connections in time order; returns the frame count. */
static SumFrame
feed(SumRecon *r)
{
    SumFrame frame = 1;
    g_array_sort(conns, by_time);
    for (guint i = 0; i < conns->len; i++) {
        SumConn *c = &g_array_index(conns, SumConn, i);
        c->first_frame = frame;
        c->last_frame = frame + c->packets - 1;
        c->synack_frame = c->state == SUM_CONN_SF ? frame + 1 : 0;
        frame += c->packets;
        sum_recon_add(r, c);
    }
    return frame;
}

static void
deploy(const SumAddr *sum_host, const SumAddr *targets, int n_targets,
       int rounds, gint64 t0)
{
    for (int round = 0; round < rounds; round++) {
        for (int t = 0; t < n_targets; t++) {
            gint64 t1 = t0 + round * 60000000LL + t * 100000;
            /* 60000 taken: SUM starts at 60001; past 60007 it overflows. */
            guint16 rport = t == 7 ? 62287 : 62286;
            add(sum_host, (guint16)(60001 + t), &targets[t], rport, t1, 40000000, TRUE);
            /* Every fifth target's callbacks are dropped by a firewall. */
            gboolean ok = t % 5 != 0;
            add(&targets[t], (guint16)(41000 + round), sum_host, 61001, t1 + 1000000,
                ok ? 500000 : 3000000, ok);
        }
    }
}

static SumRemedy *
remedy(const SumAddr *host, guint16 port, const SumAddr *peer)
{
    char hb[SUM_ADDR_STRLEN], pb[SUM_ADDR_STRLEN];
    SumRemedy *m = g_new0(SumRemedy, 1);
    m->code = SUM_FINDING_PORT_BLOCKED;
    m->host = *host;
    m->role = SUM_ROLE_SUM_HOST;
    m->port = port;
    m->transport = SUM_TRANSPORT_TCP;
    m->inbound = TRUE;
    m->peer = *peer;
    sum_addr_to_string(host, hb, sizeof hb);
    sum_addr_to_string(peer, pb, sizeof pb);
    m->why = g_strdup_printf("callback port %u on %s never answered <%s> & co", port, hb, pb);
    m->windows = g_strdup_printf("netsh advfirewall firewall add rule name=\"HP SUM %u\" "
                                 "dir=in action=allow protocol=TCP localport=%u remoteip=%s",
                                 port, port, pb);
    m->firewalld = g_strdup_printf("firewall-cmd --permanent --add-port=%u/tcp", port);
    m->nft = g_strdup_printf("nft add rule inet filter input tcp dport %u accept", port);
    return m;
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

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: html_stress OUT.html\n");
        return 2;
    }
    SumRecon *r = sum_recon_new(sum_plan_profile_default());
    conns = g_array_new(FALSE, TRUE, sizeof(SumConn));
    SumAddr v4_host, v4_targets[20], v6_host, v6_targets[3];
    sum_addr_from_string(&v4_host, "10.0.0.1");
    for (int t = 0; t < 20; t++) {
        char a[32];
        g_snprintf(a, sizeof a, "10.0.1.%d", 10 + t);
        sum_addr_from_string(&v4_targets[t], a);
    }
    sum_addr_from_string(&v6_host, "2001:db8:5a5a:7e57:1234:5678:9abc:def0");
    for (int t = 0; t < 3; t++) {
        char a[64];
        g_snprintf(a, sizeof a, "2001:db8:5a5a:7e57:fedc:ba98:7654:%04x", 0x3210 + t);
        sum_addr_from_string(&v6_targets[t], a);
    }
    deploy(&v4_host, v4_targets, 20, 8, T0);
    deploy(&v6_host, v6_targets, 3, 2, T0 + 5000000);
    SumFrame frames = feed(r);
    SumResult *res = sum_recon_finish(r);

    SumCaptureSummary cap;
    memset(&cap, 0, sizeof cap);
    cap.files = g_ptr_array_new();
    g_ptr_array_add(cap.files, (gpointer) "synthetic-20-targets <&\"'>.pcap");
    cap.link_types = g_ptr_array_new();
    cap.packets = frames;
    cap.t_first = T0;
    cap.t_last = T0 + 600000000;
    SumReport rep;
    memset(&rep, 0, sizeof rep);
    rep.result = res;
    rep.capture = &cap;
    rep.remedies = g_ptr_array_new_with_free_func(remedy_free);
    for (int t = 0; t < 20; t += 5)
        g_ptr_array_add(rep.remedies, remedy(&v4_host, 61001, &v4_targets[t]));
    g_ptr_array_add(rep.remedies, remedy(&v6_host, 61001, &v6_targets[0]));
    rep.program_version = "stress";

    FILE *out = fopen(argv[1], "w");
    gboolean ok = out != NULL && sum_report_html(&rep, out, NULL);
    if (out != NULL && fclose(out) != 0)
        ok = FALSE;
    g_ptr_array_unref(rep.remedies);
    g_ptr_array_unref(cap.files);
    g_ptr_array_unref(cap.link_types);
    sum_result_free(res);
    sum_recon_free(r);
    g_array_unref(conns);
    return ok ? 0 : 1;
}
