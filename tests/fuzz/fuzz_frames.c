/* fuzz_frames.c: libFuzzer target over the frame decoder, flow tracking and
 * reconstruction. The input is a sequence of frames: a 1-byte link type
 * selector, a 2-byte length, then that many bytes. */
#include <stddef.h>
#include <stdint.h>

#include "decode.h"
#include "flow-table.h"
#include "sum-recon.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint32_t linktypes[] = {1, 0, 12, 101, 108, 113, 228, 229, 276, 147};

static void
to_recon(const SumConn *c, void *user)
{
    sum_recon_add(user, c);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    SumRecon *r = sum_recon_new(NULL);
    SumFlowTable *f = sum_flow_table_new(NULL, to_recon, r);
    sum_flow_table_set_max_live(f, 32);
    SumFrame frame = 1;
    size_t off = 0;
    while (off + 3 <= size) {
        uint32_t lt = linktypes[data[off] % (sizeof linktypes / sizeof linktypes[0])];
        size_t len = (size_t)(data[off + 1] << 8 | data[off + 2]);
        off += 3;
        if (len > size - off)
            len = size - off;
        sum_packet p;
        /* wirelen: sometimes larger than caplen, as with a snap length. */
        size_t wire = len + (data[off - 3] & 0x80 ? 100 : 0);
        if (sum_decode_frame(lt, data + off, len, wire, &p) == SUM_DECODE_OK)
            sum_flow_table_packet(f, &p, frame, (gint64)frame * 100000);
        off += len;
        frame++;
    }
    sum_flow_table_flush(f);
    sum_flow_table_free(f);
    SumResult *res = sum_recon_finish(r);
    sum_result_free(res);
    sum_recon_free(r);
    return 0;
}
