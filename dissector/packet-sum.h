/* packet-sum.h: shared between the SUM dissector and its statistics. */
#ifndef PACKET_SUM_H
#define PACKET_SUM_H

#include <epan/packet.h>
#include "sum-recon.h"

/* What the tap "sum" carries for every labelled frame. */
typedef struct {
    SumFamily family;
    guint16 port;
    SumCause cause;            /* SUM_CAUSE_UNKNOWN until known */
    SumConfidence confidence;
    guint session;
    gboolean first_frame;      /* the connection's first frame */
    gboolean overflow;
    const char *holder;        /* the port's holder, packet scope */
} sum_tap_info_t;

/* Every connection the plugin saw on SUM-relevant ports, for -z sum,alloc:
 * calls FN once per connection (first pass complete). */
void sum_foreach_conn(void (*fn)(const SumConn *conn, gpointer user), gpointer user);
/* The active port plan (preferences applied). */
const SumProfile *sum_active_profile(void);

void sum_register_stats(void);

#endif
