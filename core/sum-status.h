/* sum-status.h: how each target fared, from a reconstructed result.
 *
 * A deployment to a hundred targets is read target by target: which got
 * through, which were blocked, refused, or served on a port other than the
 * plan's first choice. That is a judgement over the SumResult, made here once
 * so that every front end (sumscope's reports, the Wireshark plugin) says the
 * same. Pure functions over a const SumResult*: no printing, no libpcap.
 *
 * For each target, its SUM connections are grouped by the listener they
 * reach (a message connection reaches the target's control listener): a
 * listener that never answered is BLOCKED, one that answered with a reset, or
 * with a service that is not SUM (a control probe, `search_step`), is REFUSED,
 * unless the same family got through on another port, which is FELL_BACK, as
 * is any allocation it used whose cause is a conflict or an overflow. A
 * failed attempt followed by success on the same port is a retry: OK.
 */
#ifndef SUM_STATUS_H
#define SUM_STATUS_H

#include <glib.h>
#include "sum-recon.h"

G_BEGIN_DECLS

/* In order of severity: a target's status is the worst of its issues. */
typedef enum {
    SUM_STATUS_OK = 0,     /* every SUM connection it needed got through */
    SUM_STATUS_FELL_BACK,  /* served, but on another port: one was taken, past the range */
    SUM_STATUS_REFUSED,    /* a port it needed answered with a reset or not as SUM */
    SUM_STATUS_BLOCKED,    /* a port it needed never answered (SYNs dropped) */
    SUM_STATUS_COUNT
} SumStatus;

/* One thing that failed or moved for a target. */
typedef struct {
    SumStatus status;      /* FELL_BACK, REFUSED or BLOCKED */
    SumFamily family;      /* the listener's family (control for a message connection) */
    SumAddr holder;        /* the host that holds, or should hold, the port */
    guint16 port;          /* blocked/refused: the port tried; fell back: the port
                            * wanted (the one taken, or the range's documented end) */
    guint16 used;          /* fell back: the port used instead, 0 otherwise */
    SumCause cause;        /* fell back: CONFLICT or OVERFLOW; else UNKNOWN */
    guint attempts;        /* connections behind it */
    SumFrame first_frame;
} SumStatusIssue;

typedef struct {
    SumAddr target;
    SumAddr sum_host;      /* the SUM host of its first connection */
    SumStatus status;      /* the worst of ISSUES, OK without any */
    guint n_channels;      /* its SUM connections */
    SumFrame first_frame;
    GArray *issues;        /* SumStatusIssue, worst first, then by first frame */
} SumTargetStatus;

/* Every target of RESULT (role target), by address; SumTargetStatus*, owned
 * by the array. */
GPtrArray *sum_status_targets(const SumResult *result);
/* How many of TARGETS (from sum_status_targets) have STATUS. */
guint sum_status_count(const GPtrArray *targets, SumStatus status);

/* The issues of many targets that share a cause and a port: "callbacks to
 * 61001 on 10.0.0.1 dropped from 23 targets". */
typedef struct {
    SumStatus status;
    SumFamily family;
    SumAddr holder;        /* unset (family 0) when ON_TARGETS */
    gboolean on_targets;   /* the port is each target's own (its control listener) */
    guint16 port;
    guint16 used;          /* fell back: the port used instead (the first seen) */
    SumCause cause;
    GArray *targets;       /* SumAddr, by address */
    guint attempts;
    SumFrame first_frame;
} SumStatusGroup;

/* The issues of TARGETS grouped by (status, family, holder, port, cause),
 * worst first, then most targets; SumStatusGroup*, owned by the array. */
GPtrArray *sum_status_groups(const GPtrArray *targets);

/* "ok", "fell-back", "refused", "blocked": the words every front end prints. */
const char *sum_status_name(SumStatus status);

G_END_DECLS

#endif /* SUM_STATUS_H */
