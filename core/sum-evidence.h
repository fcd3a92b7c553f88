/* sum-evidence.h: what the whole capture shows on a host:port.
 *
 * Stage 3 of the reconstruction (docs/architecture.md). Reads: every kept
 * connection and the channels classified from them. Produces: an index
 * asked by the ledger and the findings: non-SUM traffic on a host:port, a
 * SUM peer that probed a port and found a reset or a non-TLS service, the
 * ports a host's SUM held at a moment or ever, later answered attempts, the
 * hosts of which the capture holds one side only, packets sent between two
 * addresses. Never decides a cause or a finding: it only answers questions.
 */
#ifndef SUM_EVIDENCE_H
#define SUM_EVIDENCE_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-result.h"

G_BEGIN_DECLS

typedef struct _SumEvidenceIndex SumEvidenceIndex;

/* Marks control probes among CHANNELS (SumChannel*): the SUM host reached a
 * control port and found a reset or a non-TLS service there, then reached a
 * higher control port of the same target that answered TLS (docs/sum-ports.md: a
 * control listener that moved). */
void sum_evidence_mark_search_steps(GPtrArray *channels);

/* CONNS (N of them) must outlive the index; IS_CHANNEL[i] says whether
 * CONNS[i] became a channel of CHANNELS. Call after the search steps. */
SumEvidenceIndex *sum_evidence_new(const SumConn *conns, guint n, const gboolean *is_channel,
                                   const GPtrArray *channels);
void sum_evidence_free(SumEvidenceIndex *idx);

/* The first non-SUM connection seen on HOST:PORT (HOST holding the port). */
const SumConn *sum_evidence_foreign(const SumEvidenceIndex *idx, const SumAddr *host,
                                    guint16 port);
/* The first SUM peer that reached HOST:PORT and found a reset or non-TLS. */
const SumChannel *sum_evidence_probe(const SumEvidenceIndex *idx, const SumAddr *host,
                                     guint16 port);
/* How strongly HOST:PORT is known to be held by another program: traffic,
 * probe, else inferred. */
SumEvidence sum_evidence_conflict(const SumEvidenceIndex *idx, const SumAddr *host,
                                  guint16 port);
/* HOST's SUM held PORT for FAMILY at time T (µs) / at any time. */
gboolean sum_evidence_sum_held_at(const SumEvidenceIndex *idx, const SumAddr *host,
                                  SumFamily family, guint16 port, gint64 t);
gboolean sum_evidence_sum_ever_used(const SumEvidenceIndex *idx, const SumAddr *host,
                                    SumFamily family, guint16 port);
/* A later attempt from the same peer to the same host and port was answered. */
gboolean sum_evidence_answered_later(const SumEvidenceIndex *idx, const SumChannel *ch);
/* HOST opened a connection that was answered, yet nothing came back in the
 * capture: only its side was captured. */
gboolean sum_evidence_one_way(const SumEvidenceIndex *idx, const SumAddr *host);
/* The capture shows only part of what SUM did (docs/reconstruction.md,
 * "Filtered captures"): every connection in it involves one address that
 * is a target and no SUM host of HOSTS (SumHost*), or every connection lies
 * between one SUM host and one target. VIEW (may be NULL) gets that target. */
gboolean sum_evidence_partial_view(const SumEvidenceIndex *idx, const GPtrArray *hosts,
                                   SumAddr *view);
/* Whether the view is limited (detected, or a capture filter that hides
 * peers): the ledger then infers no conflict from what it cannot see. */
void sum_evidence_set_view_limited(SumEvidenceIndex *idx, gboolean limited);
gboolean sum_evidence_view_limited(const SumEvidenceIndex *idx);
/* Packets captured from FROM to TO. */
guint64 sum_evidence_sent(const SumEvidenceIndex *idx, const SumAddr *from, const SumAddr *to);

G_END_DECLS

#endif /* SUM_EVIDENCE_H */
