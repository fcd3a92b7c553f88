/* sum-pairs.h: the SUM host <-> target pair graph.
 *
 * Stage 1 of the reconstruction (docs/architecture.md). Reads: connections
 * (SumConn), the port plan, the --sum-host hints. Produces: graded pairs
 * (SUM host, target) with the families seen between them, the SUM hosts'
 * confidence, session numbers, and the SumHost list of a result. Never
 * labels a connection (sum-classify.h does) and never decides an allocation.
 *
 * Observed incrementally, settled at the end:
 *   observe_primary   message -> control connections (the SUM host holds the
 *                     message port, docs/sum-ports.md "Readings");
 *   settle_primary    hosts that only ever failed towards more targets than a
 *                     deployment has are scanners; a weak pair is promoted
 *                     only when something corroborates it: its host is a SUM
 *                     host elsewhere, the pair has bootstrap traffic, or the
 *                     SUM host searched several control ports there (one
 *                     unanswered 6000x -> 62286 alone is an anecdote); a
 *                     known SUM host's failed bootstrap attempt makes a pair
 *                     (docs/reconstruction.md, "Who is who");
 *   observe_secondary callback and firmware connections towards a SUM host
 *                     (port 80 only from a known target, or from a device
 *                     the SUM host reached over HTTPS just before);
 *   settle            two independent SUM channels make a pair certain;
 *                     sessions are numbered by first frame.
 * The plugin's first pass feeds a live graph (SUM_PAIRS_LIVE) frame by frame:
 * there a weak pair of an already known SUM host is promoted at once.
 */
#ifndef SUM_PAIRS_H
#define SUM_PAIRS_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-plan.h"

G_BEGIN_DECLS

typedef struct {
    SumAddr sum_host;
    SumAddr target;
    SumConfidence confidence;
    SumFrame first_frame;
    gint64 t_first;
    guint session;           /* 1-based once settled (medium and high pairs) */
    gboolean tls_seen;       /* a message -> control connection carried TLS */
    guint families;          /* bit set of SumFamily seen between them */
    guint16 ctl_lo, ctl_hi;  /* control ports tried (message -> control), 0 = none */
    gboolean ctl_non_tls;    /* a control port answered with something that is not TLS */
    gboolean ctl_failed_only; /* every message -> control attempt was refused or dropped */
} SumPair;

typedef struct _SumPairs SumPairs;

typedef enum {
    SUM_PAIRS_BATCH = 0,     /* the whole capture, settled at the end */
    SUM_PAIRS_LIVE,          /* frame by frame: what is known so far */
} SumPairsMode;

/* PROFILE and HINTS (SumAddr, may be NULL) must outlive the graph. */
SumPairs *sum_pairs_new(const SumProfile *profile, const GArray *hints, SumPairsMode mode);
void sum_pairs_free(SumPairs *pairs);

void sum_pairs_observe_primary(SumPairs *pairs, const SumConn *conn);
/* The web server's shape of the later plans, in the same pass as the
 * primary (a plan without a web family ignores it): a target that fetches
 * over HTTP from and posts over TLS to a host, or that the host reached on
 * one of its services (22, 445, 443, 5989 ...) before it fetched or posted,
 * makes a pair; a lone fetch is a port match. Once a SUM host is known,
 * observe_secondary also makes a pair of its answered reach of a target's
 * service (443 alone excepted): 7.3+ Windows and Linux targets never
 * connect back. */
void sum_pairs_observe_web(SumPairs *pairs, const SumConn *conn);
void sum_pairs_settle_primary(SumPairs *pairs);
void sum_pairs_observe_secondary(SumPairs *pairs, const SumConn *conn);
void sum_pairs_settle(SumPairs *pairs);

/* Lookups. */
const SumPair *sum_pairs_find(const SumPairs *pairs, const SumAddr *sum_host,
                              const SumAddr *target);
gboolean sum_pairs_is_hinted(const SumPairs *pairs, const SumAddr *addr);
/* ADDR is a SUM host of at least MIN (or named with --sum-host). */
gboolean sum_pairs_is_sum_host(const SumPairs *pairs, const SumAddr *addr, SumConfidence min);
gboolean sum_pairs_is_target_of(const SumPairs *pairs, const SumAddr *target,
                                const SumAddr *sum_host, SumConfidence min);
/* The first medium or high pair: loopback IPC belongs to its SUM host. */
const SumPair *sum_pairs_first(const SumPairs *pairs);
guint sum_pairs_count(const SumPairs *pairs);
const SumPair *sum_pairs_at(const SumPairs *pairs, guint i); /* by first frame once settled */

/* The SumHost* list (owned by the array, freed with g_ptr_array_unref) of
 * the settled medium and high pairs, in order of first appearance. */
GPtrArray *sum_pairs_hosts(const SumPairs *pairs);

G_END_DECLS

#endif /* SUM_PAIRS_H */
