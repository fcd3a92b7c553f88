/* sum-settled.h: findings that are certain while a run goes on.
 *
 * A live capture (sumscope -i) reports in full when it ends, but an engineer
 * watching it wants to know as soon as a port is known to be blocked. Every
 * so often the front end hands over what it holds (sum_recon_snapshot's
 * intake, and the connections still open); core reconstructs from that and
 * says which findings are certain so far, each once:
 *   - the finding is of at least medium confidence, on evidence that is not
 *     merely inferred (a one-sided capture's lone SYN can wait for the end);
 *   - a blocked port: its SYNs were retried or an ICMP unreachable came back
 *     (a single SYN is left out of the snapshot, sum-recon.c);
 *   - and it has stood SUM_SETTLED_AFTER_US of capture time since its first
 *     frame, long enough for a control search to have found the listener that
 *     turns a reset into a step of that search, or for a retry to succeed.
 * A finding already told is never told again (by code, host and port).
 */
#ifndef SUM_SETTLED_H
#define SUM_SETTLED_H

#include <glib.h>
#include "sum-recon.h"

G_BEGIN_DECLS

#define SUM_SETTLED_AFTER_US 2000000LL /* µs of capture time a finding stands first */

typedef struct _SumSettled SumSettled;

/* Called once per finding that became certain; F is valid during the call. */
typedef void (*SumSettledFunc)(const SumFinding *f, gpointer user);

SumSettled *sum_settled_new(void);
void sum_settled_free(SumSettled *settled);
/* Whether F, from a reconstruction so far at capture time NOW (µs since the
 * epoch), is certain (the rules above). */
gboolean sum_settled_certain(const SumFinding *f, gint64 now);
/* Reconstructs RECON so far with the N_OPEN connections OPEN still in
 * progress, and calls FN for each finding certain at NOW not told before.
 * Returns how many were told. */
guint sum_settled_update(SumSettled *settled, SumRecon *recon, const SumConn *open,
                         guint n_open, gint64 now, SumSettledFunc fn, gpointer user);

G_END_DECLS

#endif /* SUM_SETTLED_H */
