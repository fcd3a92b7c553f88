/* sum-recon.h: from connections to the SUM port-allocation story.
 *
 * Feed every connection a front end saw (sum_recon_add); the reconstruction
 * keeps those that touch the profile's ports, identifies SUM hosts and
 * targets with a confidence, rebuilds per host and family the allocation
 * ledger over time (port, base, offset, cause, the ports that were in the way,
 * the evidence) and the findings. The rules are docs/reconstruction.md; the
 * domain is SUM-PORTS.md. The reconstruction never prints; reporters read
 * only the SumResult.
 */
#ifndef SUM_RECON_H
#define SUM_RECON_H

#include <glib.h>
#include "sum-conn.h"
#include "sum-plan.h"

G_BEGIN_DECLS

/* How a conflict (or any verdict) is known. */
typedef enum {
    SUM_EVIDENCE_NONE = 0,
    SUM_EVIDENCE_TRAFFIC,  /* non-SUM traffic on that port of that host */
    SUM_EVIDENCE_PROBE,    /* a peer reached the port: reset or non-TLS answer */
    SUM_EVIDENCE_INFERRED, /* nothing visible: a local program that sent nothing */
    SUM_EVIDENCE_COUNT
} SumEvidence;

typedef struct {
    SumAddr addr;
    SumRole role;
    SumConfidence confidence;
    guint id;                /* 1-based, in order of first appearance */
    guint n_peers;           /* targets of a SUM host, SUM hosts of a target */
    gint64 t_first;
    SumFrame first_frame;
    gchar *why;              /* one line: what made this a SUM host / target */
} SumHost;

/* One SUM connection with its meaning. */
typedef struct {
    SumConn conn;            /* as the front end saw it */
    SumFamily family;
    guint16 sum_port;        /* the port of the family (source port for message) */
    SumAddr port_holder;     /* the host that holds sum_port */
    SumAddr sum_host;
    SumAddr target;
    guint session;           /* one id per (SUM host, target) pair, 1-based */
    SumConfidence confidence;
    gint allocation;         /* index into SumResult.allocations, -1 if none */
    gint peer_allocation;    /* the other end's allocation (a message channel's
                              * control listener), -1 if none */
    gboolean search_step;    /* a control probe that found something else there */
} SumChannel;

typedef struct {
    SumAddr host;
    SumFamily family;
    guint16 port;
    guint16 base;
    guint16 offset;          /* index in the family's sequence, 0 = base */
    guint16 range_end;       /* documented end */
    SumCause cause;
    GArray *conflicting_ports;  /* guint16: lower ports held by another program */
    SumEvidence conflict_evidence;
    SumConfidence confidence;
    SumAddr first_peer;
    guint n_connections;
    gint64 t_first;
    gint64 t_last;
    SumFrame first_frame;
    GArray *frames;          /* SumFrame: first frames of its connections (capped) */
    guint session;           /* session of its first connection */
} SumAllocation;

typedef struct {
    SumFindingCode code;
    SumSeverity severity;
    SumAddr host;
    guint16 port;
    SumFamily family;
    SumAddr peer;            /* the other side of the first connection, if any */
    SumEvidence evidence;
    gchar *message;          /* one line */
    gchar *advice;           /* how to check or fix, may be NULL */
    GArray *frames;          /* SumFrame (capped) */
    gint64 t_first;
    guint count;             /* connection attempts behind it */
} SumFinding;

typedef struct {
    const SumProfile *profile;   /* the plan used (owned by the caller or static) */
    gchar *profile_reason;       /* why this profile (for --profile auto) */
    GPtrArray *hosts;            /* SumHost* */
    GPtrArray *channels;         /* SumChannel*, by first frame */
    GPtrArray *allocations;      /* SumAllocation*, by host, family, first frame */
    GPtrArray *findings;         /* SumFinding*, by severity then time */
    guint64 conns_seen;          /* connections offered */
    guint64 conns_kept;          /* that touched SUM ports */
    guint64 conns_dropped;       /* over the memory cap (folded into counters only) */
} SumResult;

typedef struct _SumRecon SumRecon;

/* PROFILE must outlive the SumRecon and its result. NULL = --profile auto:
 * the reconstruction chooses among the built-in profiles by what the capture
 * shows and says why. */
SumRecon *sum_recon_new(const SumProfile *profile);
void sum_recon_free(SumRecon *recon);
/* A hint where the capture cannot show who runs SUM (--sum-host). */
void sum_recon_hint_sum_host(SumRecon *recon, const SumAddr *addr);
/* Cap on connections kept (memory bound); beyond it they are counted only. */
void sum_recon_set_max_conns(SumRecon *recon, guint max);
/* Offer one connection (copied). Cheap for connections on no SUM port. */
void sum_recon_add(SumRecon *recon, const SumConn *conn);
/* Run the reconstruction. The SumRecon may be freed afterwards. */
SumResult *sum_recon_finish(SumRecon *recon);
void sum_result_free(SumResult *result);

/* Lookups on a result. */
const SumHost *sum_result_host(const SumResult *result, const SumAddr *addr);
guint sum_result_count_severity(const SumResult *result, SumSeverity min);
const char *sum_evidence_name(SumEvidence evidence);

G_END_DECLS

#endif /* SUM_RECON_H */
