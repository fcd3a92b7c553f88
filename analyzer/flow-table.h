/* flow-table.h: connection state for the flows that touch the SUM port plan.
 *
 * Input: decoded packets (decode.h) with their 1-based frame number and
 * capture time. Output: one SumConn (core/sum-conn.h) per TCP connection or
 * UDP exchange, handed to a callback when the flow is over -- closed (FIN/RST)
 * and past a short linger, idle past a timeout in capture time, evicted by
 * the hard cap on live flows, or flushed at the end -- and then freed, so
 * memory does not grow with the capture (caps in sum-limits.h).
 *
 * TCP outcome in the manner of Zeek's conn_state, through core's state
 * machine (sum_tcp_track), the same one the Wireshark plugin uses. Repeated
 * SYNs with one ISN are one attempt (syn_count counts them); a SYN with
 * another ISN after the old attempt failed or closed starts a new record.
 * ICMP/ICMPv6 unreachables are tied to the live flow their quote names.
 *
 * Kept: a flow one of whose ports has a candidate in the port plan
 * (sum_plan_candidates), UDP 137/138, and ports a caller adds. Anything else
 * costs two bit tests and no allocation.
 */
#ifndef SUM_FLOW_TABLE_H
#define SUM_FLOW_TABLE_H

#include <glib.h>
#include "decode.h"
#include "sum-conn.h"
#include "sum-limits.h"

G_BEGIN_DECLS

/* Called once per finished flow; CONN is valid during the call only. */
typedef void (*SumFlowTableEmit)(const SumConn *conn, void *user);

typedef struct _SumFlowTable SumFlowTable;

/* PROFILE NULL: the ports of every built-in profile count. */
SumFlowTable *sum_flow_table_new(const SumProfile *profile, SumFlowTableEmit emit, void *user);
/* Frees without emitting: call sum_flow_table_flush() first to keep them. */
void sum_flow_table_free(SumFlowTable *table);
/* Also keep flows on PORT of TRANSPORT (a --range override, a port to watch). */
void sum_flow_table_add_port(SumFlowTable *table, SumTransport transport, guint16 port);
/* Whether a packet between these ports would be kept. */
gboolean sum_flow_table_port_relevant(const SumFlowTable *table, SumTransport transport,
                                      guint16 sport, guint16 dport);
/* The hard cap on live flows (default SUM_FLOW_MAX_LIVE, at least 1). */
void sum_flow_table_set_max_live(SumFlowTable *table, guint max);

/* Whether sum_flow_table_packet() would look at PKT beyond the clock: a
 * TCP/UDP packet on a kept port, or an ICMP(v6) unreachable quoting one.
 * Reads only what sum_flow_table_new() and _add_port() set, so a reader
 * thread may ask while another thread feeds packets. */
gboolean sum_flow_table_wants(const SumFlowTable *table, const sum_packet *pkt);

/* Whether the table sweeps for expired flows at capture time NOW when it
 * last swept at LAST (every SUM_FLOW_SWEEP_US, and when time goes back). A
 * caller that hands the table only the packets it wants keeps its own LAST
 * by this rule and calls sum_flow_table_tick() when it says so, and the table
 * expires flows exactly as if it had seen every packet. */
static inline gboolean
sum_flow_sweep_due(gint64 last, gint64 now)
{
    return now - last > SUM_FLOW_SWEEP_US || now < last;
}

/* Capture time NOW has come (a packet the table does not want). */
void sum_flow_table_tick(SumFlowTable *table, gint64 now);

/* One packet that decoded as SUM_DECODE_OK. FRAME: 1-based across the run;
 * TIME_US: capture time in µs since the epoch. Returns TRUE when the packet
 * was kept (it belongs to a tracked flow, or is an unreachable tied to one). */
gboolean sum_flow_table_packet(SumFlowTable *table, const sum_packet *pkt, SumFrame frame,
                               gint64 time_us);
/* Emits and frees every live flow (end of input). */
void sum_flow_table_flush(SumFlowTable *table);
/* Calls FN with each live flow's connection as it stands (its state so far),
 * keeping them all: what a live capture has not finished yet. */
void sum_flow_table_each_open(const SumFlowTable *table, SumFlowTableEmit fn, void *user);

guint sum_flow_table_live(const SumFlowTable *table);       /* flows tracked now */
guint64 sum_flow_table_evicted(const SumFlowTable *table);  /* flows pushed out by the cap */
guint64 sum_flow_table_emitted(const SumFlowTable *table);  /* flows handed to emit */

G_END_DECLS

#endif /* SUM_FLOW_TABLE_H */
