/* sum-generation.h: which SUM generation (port plan) each SUM host shows.
 *
 * Stage 0 of the reconstruction (docs/architecture.md). Reads: connections,
 * one at a time (in order of first frame: the plugin's first pass feeds it
 * frame by frame, the reconstruction over the whole capture). Produces, for
 * any address, the evidence it shows of each plan, the best-supported plan,
 * how sure that is, and the plan the other signs point to where they
 * disagree (issue 12 rule 1: the plan is chosen from all the evidence, never
 * from one sign). Never decides anything about hosts or allocations: the
 * reconstruction runs its stages under every plan with evidence and gives
 * each SUM host the plan its evidence supports best (sum-recon.c).
 *
 * Signs, counted once per (host, peer), so that one busy target cannot
 * outweigh a deployment (docs/generations.md, "Choice: which plan"):
 *   classic  message ports (60000+) talking to control listeners (62286+),
 *            over TLS (3) or not (1); callbacks over TLS to 6100x (2);
 *   7.x      a peer fetching over HTTP from the web server (63001 and up: 1),
 *            posting over TLS to it (63002 and up: 2), both (4), and 2 more
 *            where the host reached that peer first on one of its services
 *            (22, 445, 443, 5989 ...); a classic web server falls back to
 *            63001 and 63002 too, which is why a lone fetch weighs little;
 *   8.x      the 7.x signs, plus SUM's own processes on loopback 63002 (3)
 *            and WMI to a peer (DCOM through 135, then a dynamic endpoint: 3).
 */
#ifndef SUM_GENERATION_H
#define SUM_GENERATION_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-plan.h"

G_BEGIN_DECLS

typedef struct _SumGenEvidence SumGenEvidence;

/* What one address (or the whole capture) shows, and the plan it supports. */
typedef struct {
    SumGeneration generation;  /* the best-supported plan (classic without any sign) */
    SumConfidence confidence;  /* NONE: no sign at all */
    SumGeneration other;       /* the plan other signs fit, SUM_GENERATION_COUNT if none */
    guint score[SUM_GENERATION_COUNT];
    /* What the scores rest on, in peers (the words: sum-words.c). */
    guint msg_tls;             /* reached from message ports over TLS */
    guint msg_other;           /* reached from message ports, no TLS seen */
    guint callbacks;           /* calling back over TLS on the callback ports */
    guint fetch_post;          /* fetching (HTTP) and posting (TLS) to the web server */
    guint fetch_only;          /* only fetching over HTTP from it */
    guint post_only;           /* only posting over TLS to it */
    guint reached;             /* of those fetching or posting, reached first on a service */
    guint wmi;                 /* reached by WMI (DCOM through 135, then its endpoint) */
    gboolean loopback;         /* the web server's 63002 over TLS on loopback */
} SumGenVerdict;

/* PLANS[g] is the plan of generation g the signs are read with (NULL: the
 * built-in one); they must outlive the evidence. */
SumGenEvidence *sum_generation_new(const SumProfile *const plans[SUM_GENERATION_COUNT]);
void sum_generation_free(SumGenEvidence *ev);
/* Adds what CONN says (as far as it went: the same connection may be
 * offered again as it grows, frame by frame). */
void sum_generation_observe(SumGenEvidence *ev, const SumConn *conn);
/* The verdict for HOST as a SUM host. */
void sum_generation_host(const SumGenEvidence *ev, const SumAddr *host, SumGenVerdict *out);
/* The verdict over every address together (a capture with no SUM host:
 * which plan its signs fit; WMI, which every Windows client does, is left
 * out there). */
void sum_generation_capture(const SumGenEvidence *ev, SumGenVerdict *out);
/* Chooses OUT's generation, confidence and other plan from its counts. */
void sum_generation_decide(SumGenVerdict *out);
/* Whether any address shows evidence of GENERATION (score above 0). */
gboolean sum_generation_seen(const SumGenEvidence *ev, SumGeneration generation);

G_END_DECLS

#endif /* SUM_GENERATION_H */
