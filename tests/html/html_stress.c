/* html_stress.c: writes the HTML report of a large synthetic deployment (20
 * targets, hundreds of connections, overflow, conflicts, blocked callbacks)
 * built through core's reconstruction, for the readability check. */
#include <stdio.h>

#include "report.h"

int
main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: html_stress OUT.html\n");
        return 2;
    }
    SumRecon *r = sum_recon_new(sum_plan_profile_default());
    SumFrame frame = 1;
    for (int round = 0; round < 8; round++) {
        for (int t = 0; t < 20; t++) {
            SumConn c = {0};
            guint8 s[4] = {10, 0, 0, 1}, d[4] = {10, 0, 1, (guint8)(10 + t)};
            c.transport = SUM_TRANSPORT_TCP;
            sum_addr_set_v4(&c.orig, s);
            sum_addr_set_v4(&c.resp, d);
            c.orig_port = (guint16)(60001 + t); /* 60000 taken; 60008+ overflow */
            c.resp_port = t == 7 ? 62287 : 62286;
            c.state = SUM_CONN_SF;
            c.orig_payload = c.resp_payload = SUM_PAYLOAD_TLS;
            c.roles_known = TRUE;
            c.syn_count = 1;
            c.t_first = 1700000000000000 + round * 60000000LL + t * 100000;
            c.t_last = c.t_first + 40000000;
            c.first_frame = frame;
            c.last_frame = frame + 9;
            c.synack_frame = frame + 1;
            frame += 10;
            sum_recon_add(r, &c);
            /* Callbacks, some blocked. */
            SumConn b = c;
            b.orig = c.resp;
            b.resp = c.orig;
            b.orig_port = (guint16)(41000 + round);
            b.resp_port = 61001;
            b.t_first += 1000000;
            b.t_last = b.t_first + (t % 5 == 0 ? 3000000 : 500000);
            b.state = t % 5 == 0 ? SUM_CONN_S0 : SUM_CONN_SF;
            b.syn_count = t % 5 == 0 ? 3 : 1;
            b.synack_frame = t % 5 == 0 ? 0 : frame + 1;
            b.resp_payload = t % 5 == 0 ? SUM_PAYLOAD_NONE : SUM_PAYLOAD_TLS;
            b.first_frame = frame;
            frame += 10;
            sum_recon_add(r, &b);
        }
    }
    SumResult *res = sum_recon_finish(r);
    SumCaptureSummary cap = {0};
    cap.files = g_ptr_array_new();
    g_ptr_array_add(cap.files, (gpointer) "synthetic-20-targets.pcap");
    cap.link_types = g_ptr_array_new();
    cap.packets = frame;
    cap.t_first = 1700000000000000;
    cap.t_last = cap.t_first + 600000000;
    SumReport rep = {0};
    rep.result = res;
    rep.capture = &cap;
    rep.remedies = sum_remedy_build(res);
    rep.program_version = "stress";
    FILE *out = fopen(argv[1], "w");
    gboolean ok = out != NULL && sum_report_html(&rep, out, NULL);
    if (out != NULL)
        fclose(out);
    g_ptr_array_unref(rep.remedies);
    g_ptr_array_unref(cap.files);
    g_ptr_array_unref(cap.link_types);
    sum_result_free(res);
    sum_recon_free(r);
    return ok ? 0 : 1;
}
