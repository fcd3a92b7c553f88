/* sum-seg.h: one frame's transport header, as the follower needs it. */
#ifndef SUM_SEG_H
#define SUM_SEG_H

#include <epan/packet.h>
#include "sum-conn.h"

typedef struct {
    SumTransport transport;
    SumAddr src, dst;
    guint16 sport, dport;
    guint8 flags;            /* TCP flags, 0 for UDP */
    guint32 seq;
    guint32 payload_len;
    SumPayload payload;      /* classified first bytes, NONE without payload */
} sum_seg_t;

/* The address of a frame's end, FALSE unless IPv4 or IPv6. */
gboolean sum_seg_addr(const address *a, SumAddr *out);
/* Reads the transport header of this frame through the tvb it came from:
 * FALSE when it is not there (the fields were not kept) or too short. */
gboolean sum_seg_read(packet_info *pinfo, proto_tree *tree, sum_seg_t *seg);
/* Looks up the transport fields it reads; appends their ids to WANTED. */
void sum_seg_handoff(GArray *wanted);

#endif
