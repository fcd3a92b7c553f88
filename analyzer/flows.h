/* flows.h: TCP state per connection (Zeek's conn_state) and UDP exchanges,
 * for the flows that touch a port of the SUM plan. Finished flows are folded
 * out through a callback as SumConn records and freed, so memory is bounded.
 */
#ifndef SUM_FLOWS_H
#define SUM_FLOWS_H

#include <glib.h>
#include "pkt.h"
#include "sum-conn.h"

typedef void (*SumFlowEmit)(const SumConn *conn, gpointer user);

typedef struct _SumFlows SumFlows;

/* PROFILE NULL: the ports of every built-in profile are relevant. */
SumFlows *sum_flows_new(const SumProfile *profile, SumFlowEmit emit, gpointer user);
void sum_flows_free(SumFlows *flows);
/* Also keep flows on PORT (e.g. a --range override outside the plan). */
void sum_flows_add_port(SumFlows *flows, SumTransport transport, guint16 port);
void sum_flows_set_max_live(SumFlows *flows, guint max);
/* One decoded packet; FRAME is 1-based across the run, TIME in µs. */
void sum_flows_packet(SumFlows *flows, const pkt_info *pkt, SumFrame frame, gint64 time,
                      guint32 wirelen);
/* Emit every live flow (end of input). */
void sum_flows_flush(SumFlows *flows);
guint64 sum_flows_evicted(const SumFlows *flows);
guint sum_flows_live(const SumFlows *flows);

#endif /* SUM_FLOWS_H */
