/* sum-seg.c: a frame's transport header, read for the follower.
 *
 * The postdissector runs after TCP and UDP: it finds their header through
 * the tvb the innermost tcp.srcport / udp.srcport came from (so a packet in
 * a tunnel is read at its own header) and reads it through tvb accessors,
 * which check bounds. The fields are asked for as the postdissector's wanted
 * fields, so they are in the tree on the first pass.
 */
#include "config-sum.h"

#include <epan/packet.h>

#include "sum-seg.h"

/* Fields of other protocols the follower reads. */
static int hf_tcp_srcport = -1;
static int hf_tcp_len = -1;
static int hf_udp_srcport = -1;

static guint32
finfo_uint(field_info *fi)
{
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
    return fvalue_get_uinteger(fi->value);
#else
    return fvalue_get_uinteger(&fi->value);
#endif
}

/* The last (innermost) occurrence of a field in this frame's tree. */
static field_info *
last_field(proto_tree *tree, int hf)
{
    if (tree == NULL || hf < 0)
        return NULL;
    GPtrArray *a = proto_get_finfo_ptr_array(tree, hf);
    if (a == NULL || a->len == 0)
        return NULL;
    return (field_info *)g_ptr_array_index(a, a->len - 1);
}

gboolean
sum_seg_addr(const address *a, SumAddr *out)
{
    if (a->type == AT_IPv4 && a->len == 4) {
        sum_addr_set_v4(out, (const guint8 *)a->data);
        return TRUE;
    }
    if (a->type == AT_IPv6 && a->len == 16) {
        sum_addr_set_v6(out, (const guint8 *)a->data);
        return TRUE;
    }
    return FALSE;
}

/* Reads the transport header of this frame through the tvb it came from. */
gboolean
sum_seg_read(packet_info *pinfo, proto_tree *tree, sum_seg_t *seg)
{
    gboolean tcp = pinfo->ptype == PT_TCP;
    field_info *fi = last_field(tree, tcp ? hf_tcp_srcport : hf_udp_srcport);
    field_info *len = tcp ? last_field(tree, hf_tcp_len) : NULL;
    if (fi == NULL || fi->ds_tvb == NULL)
        return FALSE;
    tvbuff_t *t = fi->ds_tvb;
    gint start = fi->start;
    guint hdr = 8;
    seg->transport = tcp ? SUM_TRANSPORT_TCP : SUM_TRANSPORT_UDP;
    seg->sport = (guint16)pinfo->srcport;
    seg->dport = (guint16)pinfo->destport;
    if (tcp) {
        if (tvb_captured_length_remaining(t, start) < 20)
            return FALSE;
        seg->seq = tvb_get_ntohl(t, start + 4);
        hdr = (guint)(sum_tvb_get_u8(t, start + 12) >> 4) * 4;
        seg->flags = sum_tvb_get_u8(t, start + 13);
        seg->payload_len = len != NULL ? finfo_uint(len) : 0;
    } else {
        /* The UDP header says its own length: one field less to ask
         * Wireshark to keep in every frame's tree. */
        if (tvb_captured_length_remaining(t, start) < 8)
            return FALSE;
        guint32 ulen = tvb_get_ntohs(t, start + 4);
        seg->payload_len = ulen > 8 ? ulen - 8 : 0;
    }
    seg->payload = SUM_PAYLOAD_NONE;
    if (seg->payload_len > 0 && hdr >= 8) {
        gint avail = tvb_captured_length_remaining(t, start + (gint)hdr);
        if (avail > 0) {
            guint n = MIN((guint)avail, MIN(seg->payload_len, SUM_PAYLOAD_CLASSIFY_BYTES));
            guint8 bytes[SUM_PAYLOAD_CLASSIFY_BYTES];
            tvb_memcpy(t, bytes, start + (gint)hdr, n);
            seg->payload = sum_payload_classify(bytes, n, seg->transport, seg->sport,
                                                seg->dport);
        } else {
            seg->payload = SUM_PAYLOAD_OTHER; /* cut by the snap length */
        }
    }
    return TRUE;
}

void
sum_seg_handoff(GArray *wanted)
{
    hf_tcp_srcport = proto_registrar_get_id_byname("tcp.srcport");
    hf_tcp_len = proto_registrar_get_id_byname("tcp.len");
    hf_udp_srcport = proto_registrar_get_id_byname("udp.srcport");
    int ids[] = {hf_tcp_srcport, hf_tcp_len, hf_udp_srcport};
    for (gsize i = 0; i < G_N_ELEMENTS(ids); i++) {
        if (ids[i] >= 0)
            g_array_append_val(wanted, ids[i]);
    }
}
