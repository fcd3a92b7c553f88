/* sum-ledger.h: the allocation ledger and the cause of every allocation.
 *
 * Stage 4 of the reconstruction (docs/architecture.md). Reads: the channels
 * (sum-classify.h), the evidence index (sum-evidence.h), the port plan.
 * Produces: one SumAllocation per (host, family, port) with its position in
 * the family's sequence, its cause, the lower ports that were in the way and
 * how that is known, and links each channel to its allocations. Never
 * produces findings (sum-findings.h does, from this ledger).
 *
 * The causes, first match wins (docs/reconstruction.md, "Causes"): overflow;
 * default; conflict (a lower port held by another program: traffic, probe,
 * or inferred when nothing shows what held it); ipc-reserved; concurrent.
 * Every lower port is judged by ledger_lower_port() in sum-ledger.c.
 */
#ifndef SUM_LEDGER_H
#define SUM_LEDGER_H

#include <glib.h>
#include "sum-evidence.h"
#include "sum-plan.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* The allocations (SumAllocation*, owned by the array) of CHANNELS, each
 * channel's alloc and peer_alloc pointing into them. */
GPtrArray *sum_ledger_build(const SumProfile *profile, GPtrArray *channels,
                            const SumEvidenceIndex *evidence);

G_END_DECLS

#endif /* SUM_LEDGER_H */
