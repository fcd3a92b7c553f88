/* sum-classify.h: what one connection is in the SUM story.
 *
 * Stage 2 of the reconstruction (docs/architecture.md). Reads: one SumConn,
 * the port plan, the pair graph (sum-pairs.h) as settled so far. Produces:
 * the connection's family, the host holding its SUM port, the port, its SUM
 * host and target and the pair that makes it SUM; or a low-confidence
 * candidate (a SUM port with nothing else to go on) that counts for nothing.
 * Never looks at other connections (sum-evidence.h does) and never decides a
 * cause (sum-ledger.h) or a failure (sum-findings.h).
 */
#ifndef SUM_CLASSIFY_H
#define SUM_CLASSIFY_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-pairs.h"
#include "sum-portmap.h"
#include "sum-plan.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* PORT's place in FAMILY's TCP rule of P. */
gboolean sum_classify_in_family(const SumProfile *p, SumFamily family, guint16 port,
                                SumPortPos *pos);

/* The message -> control shape, in either direction: the side holding the
 * message port is the SUM host (docs/sum-ports.md: classify by which side holds
 * the port, not by who sent the SYN). Pointers point into the connection. */
typedef struct {
    const SumAddr *sum_host;
    const SumAddr *target;
    guint16 msg_port;
    guint16 ctl_port;
} SumMessageControl;

gboolean sum_classify_message_control(const SumProfile *p, const SumConn *c,
                                      SumMessageControl *out);

/* The bootstrap rule (445, 139, 137, 138, 22 ...) whose base is PORT. */
const SumPortRule *sum_classify_bootstrap_rule(const SumProfile *p, SumTransport t,
                                               guint16 port);

typedef struct {
    SumFamily family;        /* SUM_FAMILY_NONE: not SUM */
    SumAddr holder;          /* the host that holds PORT */
    guint16 port;            /* the family's port (source port for message) */
    SumAddr sum_host;
    SumAddr target;
    SumConfidence confidence;
    guint session;
    gboolean candidate;      /* a port match only: low confidence, counts for nothing */
} SumClass;

/* What C is, given what PAIRS knows (settled, or so far in a live graph).
 * Returns FALSE (OUT->family NONE) when C is not SUM and not even a
 * candidate. */
gboolean sum_classify(const SumProfile *p, const SumPairs *pairs, const SumConn *c,
                      SumClass *out);

/* C is on a port that counts only between SUM hosts and targets (80, 443,
 * SMB, SSH: PORTS says which) and neither end is a SUM host in PAIRS or
 * named as one: sum_classify() would call it nothing, not even a candidate. */
gboolean sum_classify_everyday(const SumPortMap *ports, const SumPairs *pairs,
                               const SumConn *c);

/* The cause a port's place alone tells (overflow, default, ipc-reserved),
 * UNKNOWN where it takes the ledger (sum-ledger.h) to say: what a frame is
 * labelled with before the whole capture was seen. */
SumCause sum_classify_provisional_cause(const SumProfile *p, SumFamily family,
                                        const SumPortPos *pos);

/* A channel of the result from a connection that sum_classify() found SUM. */
SumChannel *sum_classify_channel(const SumConn *c, const SumClass *cls);

/* The responder itself spoke TLS (or answered a ClientHello without data
 * seen back yet): a SUM TLS listener, not something else on its port. */
gboolean sum_classify_resp_speaks_tls(const SumConn *c);

G_END_DECLS

#endif /* SUM_CLASSIFY_H */
