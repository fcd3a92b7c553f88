/* sum-words.h: the sentences of the SUM story, in one place.
 *
 * Reads: a finding's structured fields (sum-result.h) and the port plan.
 * Produces: its one-line message and its advice, the words every front end
 * shows (sumscope's text, JSON and HTML, the plugin's expert items and
 * statistics), so they cannot drift apart. Firewall commands: sum-remedy.h.
 * Never decides anything: a sentence says what the finding already holds.
 */
#ifndef SUM_WORDS_H
#define SUM_WORDS_H

#include <glib.h>
#include "sum-generation.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* Sets F->message and F->advice (replacing what was there). */
void sum_words_finding(const SumProfile *profile, SumFinding *finding);
/* Sets RC->message and RC->advice (replacing what was there). */
void sum_words_root_cause(SumRootCause *rc);
/* Sets R->view_note and R->view_advice from its capture filter, its partial
 * view and the allocations it hid (NULL when the capture went through no
 * filter and shows everything; no advice when the view hid nothing). */
void sum_words_view(SumResult *r);
/* How a conflict is known, as a clause ("another program's traffic was seen
 * on it"). */
const char *sum_words_evidence(SumEvidence evidence);

/* A generation as people say it: "the classic SUM (4.x-6.x)", "SUM 7.x",
 * "SUM 8.x or later". */
const char *sum_words_generation_title(SumGeneration generation);
/* Why V's plan (a new string): the signs it rests on, and the other plan
 * where other signs fit one ("... also fits SUM 7.x, less well"). */
gchar *sum_words_generation(const SumGenVerdict *v);
/* One SUM host's plan line (a new string), for every front end:
 * "10.77.0.2: port plan 7, high confidence: targets fetching ...". */
gchar *sum_words_host_plan(const SumHost *host);

G_END_DECLS

#endif /* SUM_WORDS_H */
