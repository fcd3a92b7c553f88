/* sum-recon.h: from connections to the SUM port-allocation story.
 *
 * Feed every connection a front end saw (sum_recon_add); the reconstruction
 * keeps those that touch the profile's ports and, at sum_recon_finish(),
 * runs its stages in order, each in its own file (docs/architecture.md):
 *   sum-generation  which port plan the capture shows (--profile auto)
 *   sum-pairs       SUM host <-> target pairs, graded; the hosts
 *   sum-classify    each connection's family, holder, port, pair
 *   sum-evidence    what the capture shows on every host:port
 *   sum-ledger      allocations and their causes
 *   sum-findings    what went wrong, as data
 *   sum-words       the sentences of the findings
 * The rules are docs/reconstruction.md; the domain is docs/sum-ports.md.
 * Nothing here prints; reporters read only the SumResult (sum-result.h).
 */
#ifndef SUM_RECON_H
#define SUM_RECON_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-plan.h"
#include "sum-result.h"

G_BEGIN_DECLS

typedef struct _SumRecon SumRecon;

/* PROFILE must outlive the SumRecon and its result. NULL = --profile auto:
 * the reconstruction chooses among the built-in profiles by what the capture
 * shows and says why. */
SumRecon *sum_recon_new(const SumProfile *profile);
void sum_recon_free(SumRecon *recon);
/* A hint where the capture cannot show who runs SUM (--sum-host). */
void sum_recon_hint_sum_host(SumRecon *recon, const SumAddr *addr);
/* The capture filter the packets came through (-f, a pcapng if_filter),
 * named in the result; HIDES_PEERS: it can drop SUM connections between
 * other hosts (a "host X" filter), so the ledger infers no conflict from
 * ports it may not see (docs/reconstruction.md, "Filtered captures").
 * FILTER may be NULL with HIDES_PEERS. */
void sum_recon_set_capture_filter(SumRecon *recon, const char *filter, gboolean hides_peers);
/* Cap on connections kept (memory bound); beyond it they are counted only. */
void sum_recon_set_max_conns(SumRecon *recon, guint max);
/* Offer one connection (copied). Cheap for connections on no SUM port. */
void sum_recon_add(SumRecon *recon, const SumConn *conn);
/* Run the reconstruction. The SumRecon may be freed afterwards. */
SumResult *sum_recon_finish(SumRecon *recon);

G_END_DECLS

#endif /* SUM_RECON_H */
