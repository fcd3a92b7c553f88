/* sum-merge.h: one story from the port plans' readings of a capture.
 *
 * Under --profile auto, sum-recon.c reads the capture once under each plan
 * with evidence (stages 1 to 5, one SumPlanRun each). This stage gives each
 * SUM host the plan its own evidence supports best among the readings that
 * found it (a wrong guess must not make a deployment vanish), takes from
 * each reading the hosts, channels, allocations and findings of the SUM
 * hosts given to it, and says per host which plan, why and how sure
 * (docs/generations.md, "Which plan each SUM host is read with").
 * Reads: the runs and sum-generation's evidence. Produces: the merged
 * SumResult. Never classifies a connection or judges a port again.
 */
#ifndef SUM_MERGE_H
#define SUM_MERGE_H

#include <glib.h>

#include "sum-generation.h"
#include "sum-pairs.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* One plan's reading of the capture: stages 1 to 5 and the words. */
typedef struct {
    const SumProfile *plan;
    SumResult *result;         /* NULL: not run */
    SumPairs *pairs;           /* settled, for the merge */
} PlanRun;

/* The plan a SUM host is read with, and why. */
typedef struct {
    SumAddr addr;
    int run;                   /* the generation whose run it is read from */
    SumGenVerdict verdict;     /* its evidence */
    gboolean fallback;         /* only that run found it, not its best-supported plan's */
} HostPlan;

/* Every SUM host any run found (HostPlan), in order of first appearance,
 * each given the run of the plan its evidence supports best among those
 * that found it. FORCED >= 0: that one run for all. */
GArray *sum_merge_assign_hosts(const PlanRun *runs, const SumGenEvidence *gev, int forced);

/* One result from RUNS: BASE's, with the stories of the SUM hosts PLANS
 * gives to other runs taken from those. The runs' results other than
 * BASE's are left to the caller to free. */
SumResult *sum_merge_runs(PlanRun *runs, int base, const GArray *plans);

/* Each SUM host's plan, why and how sure, and the capture's (R's profile,
 * reason and confidence). */
void sum_merge_words(SumResult *r, const GArray *plans, const PlanRun *runs, gboolean forced,
                     const SumGenVerdict *capture);

G_END_DECLS

#endif /* SUM_MERGE_H */
