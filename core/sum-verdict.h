/* sum-verdict.h: what the capture as a whole shows, decided once.
 *
 * "No SUM traffic here" is a verdict of its own, never "nothing wrong": a
 * capture taken on the wrong host or interface, through a filter that drops
 * SUM's ports, or of a generation whose ports were not looked for, shows no
 * failure either. The verdict (SumResult.verdict) says which:
 *   sum              a SUM host or target, a channel, an allocation or a
 *                    finding of at least medium confidence
 *   candidates-only  something on SUM's ports, but only low-confidence
 *                    candidates (a lone connection, nothing to corroborate it)
 *   no-sum           nothing at all
 * and SumResult.looked_for names the ports looked for, one line per plan:
 * every built-in generation's under --profile auto (the profile then chosen
 * by default is no evidence of a generation), the chosen plan's otherwise.
 */
#ifndef SUM_VERDICT_H
#define SUM_VERDICT_H

#include <glib.h>
#include "sum-result.h"

G_BEGIN_DECLS

/* Sets RESULT's verdict and looked_for; CHOSEN is the profile the caller
 * chose (NULL: --profile auto). Called by sum_recon_finish(). */
void sum_verdict_decide(SumResult *result, const SumProfile *chosen);

/* "sum", "candidates-only", "no-sum": the words every front end prints. */
const char *sum_verdict_name(SumVerdict verdict);
/* One line for the report: "no SUM traffic found" ... */
const char *sum_verdict_title(SumVerdict verdict);
/* Whether the capture established SUM traffic (verdict sum). */
gboolean sum_verdict_is_sum(SumVerdict verdict);

/* "message TCP 60000-60015, control TCP 62286-62300, ..." for PROFILE. */
gchar *sum_verdict_plan_ports(const SumProfile *profile);

/* What to check when a capture shows no SUM: NULL-terminated, static. */
const char *const *sum_verdict_checks(void);

G_END_DECLS

#endif /* SUM_VERDICT_H */
