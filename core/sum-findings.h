/* sum-findings.h: what went wrong, as data.
 *
 * Stage 5 of the reconstruction (docs/architecture.md). Reads: the ledger
 * (sum-ledger.h), the channels, the evidence index. Produces: SumFinding
 * records (code, severity, confidence, host, port, peer(s), evidence,
 * attempts, frames), one per (code, host, port), and links each failed
 * channel to its finding. Never writes a sentence: sum-words.h renders
 * every finding's message and advice, for every front end.
 *
 *   PORT_CONFLICT   each port in some allocation's conflicting_ports
 *   RANGE_OVERFLOW  each overflow allocation
 *   PORT_BLOCKED    an attempt never answered (or ICMP "prohibited"), no later
 *                   answered attempt; inferred, at most medium confidence, when
 *                   the capture holds one side only and a single SYN went
 *                   unanswered
 *   PORT_REFUSED    an attempt reset (or ICMP port unreachable), not a step of
 *                   a control search that then succeeded
 *   NOT_SUM_SERVICE a SUM TLS port answered by something that is not TLS
 * Severity is the code's (sum_plan_finding_severity, issue 12 rule 8).
 * count is the connection attempts behind a finding: displaced SUM
 * connections for a conflict or an overflow, failed attempts otherwise.
 */
#ifndef SUM_FINDINGS_H
#define SUM_FINDINGS_H

#include <glib.h>
#include "sum-evidence.h"
#include "sum-result.h"

G_BEGIN_DECLS

/* What failure one attempt of FAMILY shows on its own, as far as it went: a
 * SYN never answered is blocked (live, once the SYN was sent again: the
 * retransmission proves the first went unanswered; FINAL, at once), a reset
 * or ICMP port unreachable refused, a TLS port answered by something else not
 * a SUM service. For frame-by-frame labels; the findings weigh more. */
gboolean sum_findings_attempt_failed(const SumConn *conn, SumFamily family, gboolean final,
                                     SumFindingCode *code);

/* The findings (SumFinding*, owned by the array), by severity then time. */
GPtrArray *sum_findings_build(const SumProfile *profile, const GPtrArray *allocations,
                              GPtrArray *channels, const SumEvidenceIndex *evidence);

G_END_DECLS

#endif /* SUM_FINDINGS_H */
