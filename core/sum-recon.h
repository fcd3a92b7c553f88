/* sum-recon.h: from connections to the SUM port-allocation story.
 *
 * Feed every connection a front end saw (sum_recon_add); the reconstruction
 * keeps those that touch the profile's ports and, at sum_recon_finish(),
 * runs its stages in order, each in its own file (docs/architecture.md):
 *   sum-generation  what each address shows of each port plan (stage 0)
 *   sum-pairs       SUM host <-> target pairs, graded; the hosts
 *   sum-classify    each connection's family, holder, port, pair
 *   sum-evidence    what the capture shows on every host:port
 *   sum-ledger      allocations and their causes
 *   sum-findings    what went wrong, as data
 *   sum-words       the sentences of the findings
 * With --profile auto, stages 1-5 run under every plan the capture shows
 * evidence of (the classic one always), each SUM host is read with the plan
 * its own evidence supports best among those that found it, and the hosts'
 * stories become one result (SumHost.profile, SumResult.mixed;
 * docs/generations.md). With a chosen profile, under that one only.
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
/* --profile auto: read generation PLAN->generation with PLAN (which must
 * outlive the SumRecon and its result) instead of the built-in one (the
 * plugin's range preferences). Before the first sum_recon_add(). */
void sum_recon_set_plan(SumRecon *recon, const SumProfile *plan);
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
/* The reconstruction so far, during a run that goes on (a live capture):
 * what was offered, plus OPEN (N_OPEN connections still in progress, as they
 * stand) where their outcome so far cannot change (sum-recon.c). The intake
 * is left as it was: OPEN are offered again when they end. */
SumResult *sum_recon_snapshot(SumRecon *recon, const SumConn *open, guint n_open);

G_END_DECLS

#endif /* SUM_RECON_H */
