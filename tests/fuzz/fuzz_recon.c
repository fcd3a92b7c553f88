/* fuzz_recon.c: libFuzzer target over the reconstruction alone. The input is
 * read as a sequence of connection records (addresses from a small pool so
 * pairs form, ports near the SUM plan, any state and payload), then the
 * reconstruction runs with every profile, including auto. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "sum-recon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const guint16 port_pool[] = {
    60000, 60001, 60007, 60008, 60050, 61000, 61001, 61002, 61008, 62286, 62287,
    62299, 80, 63000, 63005, 63006, 445, 139, 22, 137, 138, 443, 8080, 63001, 63002, 5989,
    135, 40000,
};

static void
fill_addr(SumAddr *a, uint8_t b)
{
    guint8 v4[4] = {10, 0, 0, (guint8)(b & 7)};
    if (b & 0x80) {
        guint8 v6[16] = {0xfd, 0x77, [15] = (guint8)(b & 7)};
        sum_addr_set_v6(a, v6);
    } else {
        if ((b & 0x78) == 0x78)
            v4[0] = 127;
        sum_addr_set_v4(a, v4);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    enum { REC = 12 };
    for (int g = -1; g < SUM_GENERATION_COUNT; g++) {
        SumRecon *r = sum_recon_new(g < 0 ? NULL : sum_plan_profile((SumGeneration)g));
        sum_recon_set_max_conns(r, 64);
        if (size > 0 && (data[0] & 1)) {
            SumAddr hint;
            fill_addr(&hint, data[0]);
            sum_recon_hint_sum_host(r, &hint);
        }
        for (size_t off = 1, n = 0; off + REC <= size; off += REC, n++) {
            const uint8_t *d = data + off;
            SumConn c;
            memset(&c, 0, sizeof c);
            c.transport = (d[0] & 1) ? SUM_TRANSPORT_UDP : SUM_TRANSPORT_TCP;
            fill_addr(&c.orig, d[1]);
            fill_addr(&c.resp, d[2]);
            c.orig_port = (d[3] & 0x80) ? (guint16)(d[3] << 8 | d[4])
                                        : port_pool[d[3] % G_N_ELEMENTS(port_pool)];
            c.resp_port = (d[5] & 0x80) ? (guint16)(d[5] << 8 | d[6])
                                        : port_pool[d[5] % G_N_ELEMENTS(port_pool)];
            c.state = (SumConnState)(d[7] % SUM_CONN_STATE_COUNT);
            c.orig_payload = (SumPayload)(d[8] % SUM_PAYLOAD_COUNT);
            c.resp_payload = (SumPayload)((d[8] >> 4) % SUM_PAYLOAD_COUNT);
            c.syn_count = d[9] & 7;
            c.t_first = (gint64)n * 1000000 + (d[10] << 12);
            c.t_last = c.t_first + (gint64)d[11] * 100000 - ((d[9] & 0x80) ? 5000000 : 0);
            c.first_frame = n * 3 + 1;
            c.last_frame = c.first_frame + 2;
            c.synack_frame = (d[9] & 8) ? c.first_frame + 1 : 0;
            c.rst_frame = (d[9] & 16) ? c.first_frame + 1 : 0;
            c.icmp_unreachable = (d[9] & 32) != 0;
            c.icmp_type = d[10] & 3;
            c.icmp_code = d[11] & 15;
            sum_recon_add(r, &c);
        }
        SumResult *res = sum_recon_finish(r);
        /* Invariants every reporter relies on. */
        for (guint i = 0; i < res->channels->len; i++) {
            const SumChannel *ch = g_ptr_array_index(res->channels, i);
            if ((ch->alloc != NULL &&
                 g_ptr_array_index(res->allocations, ch->alloc->index) != ch->alloc) ||
                (ch->peer_alloc != NULL &&
                 g_ptr_array_index(res->allocations, ch->peer_alloc->index) != ch->peer_alloc))
                __builtin_trap();
        }
        for (guint i = 0; i < res->findings->len; i++) {
            const SumFinding *f = g_ptr_array_index(res->findings, i);
            if (f->message == NULL)
                __builtin_trap();
        }
        sum_result_free(res);
        sum_recon_free(r);
    }
    return 0;
}
