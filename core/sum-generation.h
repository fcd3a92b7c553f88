/* sum-generation.h: which SUM generation (port plan) a capture shows.
 *
 * Stage 0 of the reconstruction (docs/architecture.md). Reads: connections
 * as they arrive, one at a time. Produces: a score per sign, then one chosen
 * profile with the reason, and the other plan named when the signs
 * disagree. Never decides anything about hosts or allocations.
 *
 * Signs (docs/sum-ports.md, "Later SUM generations"): message ports (60000 and
 * up) talking to control listeners (62286 and up) are the classic SUM; HTTP
 * to 63001 and TLS to 63002 are the 7.x+ web server; 63002 between SUM's own
 * processes on loopback is 8.x. A classic firmware server may fall back to
 * 63001 too, so one fetch there never outweighs message -> control TLS.
 */
#ifndef SUM_GENERATION_H
#define SUM_GENERATION_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-plan.h"

G_BEGIN_DECLS

typedef struct {
    guint classic;           /* message -> control connections (TLS weighs 3) */
    guint web;               /* 63001 HTTP requests, 63002 TLS (2 each) */
    guint gen8;              /* 63002 TLS on loopback */
} SumGenScore;

/* Adds what CONN says about the generation to SCORE. */
void sum_generation_observe(SumGenScore *score, const SumConn *conn);
/* The best-supported profile, with REASON (a new string) saying why and
 * naming the other plan when the signs disagree. */
const SumProfile *sum_generation_choose(const SumGenScore *score, gchar **reason);

G_END_DECLS

#endif /* SUM_GENERATION_H */
