/* sum-rootcause.h: what the findings come down to.
 *
 * Stage 5b of the reconstruction (docs/architecture.md), after the findings.
 * Reads: the channels, each linked to the finding it is evidence of, and
 * each SUM host's port plan (after the plans' runs are merged). Produces:
 * SumRootCause records (code, host, confidence, evidence, the findings they
 * explain), and links each explained finding to its root cause. The
 * findings stay; a root cause says once what several of
 * them mean (docs/reconstruction.md, "Root causes"):
 *
 *   AGENT_NOT_RUNNING        a target where every control port the SUM host
 *                            tried answered with a reset, none with TLS
 *   SUM_HOST_DROPS_CALLBACKS a SUM host whose listeners that targets reach
 *                            (callback, web) went unanswered for every one of
 *                            two or more targets, none answered
 * Never writes a sentence (sum-words.h does).
 */
#ifndef SUM_ROOTCAUSE_H
#define SUM_ROOTCAUSE_H

#include <glib.h>
#include "sum-plan.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* The root causes (SumRootCause*, owned by the array) of RESULT's channels,
 * each SUM host's read with its own plan (sum_result_profile_for). */
GPtrArray *sum_rootcause_build(const SumResult *result);

G_END_DECLS

#endif /* SUM_ROOTCAUSE_H */
