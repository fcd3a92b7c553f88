/* packet-sum.h: the seam between the plugin's two halves.
 *
 * sum-follow.c decides: it follows every conversation touching the port plan
 * and fills a sum_label_t per frame, from core's rules on the first pass and
 * from core's reconstruction (SumResult) on later ones. sum-present.c and
 * sum-stats.c only show what a label or the result says: the protocol tree,
 * the columns, the expert items, the statistics. packet-sum.c registers the
 * protocol and calls one after the other.
 */
#ifndef PACKET_SUM_H
#define PACKET_SUM_H

#include <epan/packet.h>
#include "sum-recon.h"

/* What a frame is labelled with. */
typedef struct {
    const SumProfile *plan;    /* the port plan the label was read with */
    SumFamily family;
    guint16 port;              /* the family's port (the source port for message) */
    SumAddr holder;            /* the host that holds (binds) PORT */
    SumAddr sum_host;          /* unset (family 0) when not known */
    SumAddr target;
    SumCause cause;            /* SUM_CAUSE_UNKNOWN until known */
    SumConfidence confidence;
    guint session;             /* 0: none */
    SumPortPos pos;            /* PORT in the family's sequence, if HAVE_POS */
    gboolean have_pos;
    const SumAllocation *alloc;      /* core's allocation of PORT, or NULL */
    const SumAllocation *peer_alloc; /* the other end's (a control listener), or NULL */
    gboolean candidate;        /* a low-confidence guess from the port number only:
                                * shown apart, never as "sum" */
    gboolean has_verdict;      /* the connection shows a failure ... */
    SumFindingCode verdict_code;     /* ... PORT_BLOCKED, PORT_REFUSED or NOT_SUM_SERVICE */
    const SumFinding *finding; /* core's finding this connection is evidence of, or NULL */
} sum_label_t;

/* The frame a label is shown on. */
typedef struct {
    const SumConn *conn;       /* its connection, as far as seen */
    SumConnState state;        /* of CONN, as far as seen */
    gboolean first;            /* the connection's first frame */
} sum_frame_t;

/* What the tap "sum" carries for every labelled frame (candidates too). */
typedef struct {
    const sum_label_t *label;
    gboolean first_frame;      /* the connection's first frame */
    gboolean later_pass;       /* dissected again after the first pass (tshark -2, the
                                * GUI's retaps): the whole capture is known */
} sum_tap_info_t;

/* packet-sum.c: the port plans in use, preferences applied. */
/* The forced plan (the port_plan preference), or the classic one for auto. */
const SumProfile *sum_active_profile(void);
/* The plan the port_plan preference forces, NULL for auto. */
const SumProfile *sum_forced_profile(void);
/* The plan of generation G as the plugin reads it (classic: with the range
 * preferences), NULL when the preference leaves G out. */
const SumProfile *sum_plan_of(SumGeneration g);

/* sum-follow.c: the decision half. */
void sum_follow_init(void);
void sum_follow_cleanup(void);
/* Keeps its data under PROTO; looks up the transport fields it reads and
 * appends their ids to WANTED (the postdissector's wanted fields). */
void sum_follow_handoff(int proto, GArray *wanted);
/* A TCP frame on no port of a plan that may still be SUM's: between a SUM
 * host and its target after a DCOM activation through 135 (8.x WMI's
 * endpoint). Cheap while no such activation was seen. */
gboolean sum_follow_dynamic_wanted(packet_info *pinfo);
/* Follows the frame's conversation and labels the frame: FALSE when it has
 * nothing to say about it. */
gboolean sum_follow_frame(packet_info *pinfo, proto_tree *tree, sum_label_t *label,
                          sum_frame_t *frame);
/* Core's reconstruction over every conversation seen so far (NULL if none);
 * GENERATION, if not NULL, changes whenever the result is recomputed. */
const SumResult *sum_follow_result(guint *generation);

/* sum-present.c: fields, columns, expert items. */
void sum_present_register(int proto, int proto_ports);
void sum_present_handoff(void);
void sum_present(tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, const sum_label_t *label,
                 const sum_frame_t *frame);

/* sum-outcome.c: the words of a labelled frame's outcome. */
/* "SUM control 62286 BLOCKED", "SUM message 60001 conflict: 60000 taken". */
const char *sum_outcome_text(wmem_allocator_t *pool, const sum_label_t *l, const sum_frame_t *f);
/* The listener a verdict is about (a message connection fails on the
 * target's control port). */
void sum_outcome_verdict_port(const sum_label_t *l, const sum_frame_t *f, SumFamily *family,
                              guint16 *port);
/* Appends ": 60000 taken" (the ports in A's way). */
void sum_outcome_append_taken(wmem_strbuf_t *b, const SumAllocation *a);
/* A message connection's control listener past its documented port: POS. */
gboolean sum_outcome_listener_moved(const sum_label_t *l, const sum_frame_t *f, SumPortPos *pos);

/* sum-stats.c */
void sum_register_stats(void);

#endif
