/* sum-result.h: the reconstructed SUM story, as every front end reads it.
 *
 * Produced by sum_recon_finish() (sum-recon.h) through the stages described
 * in docs/architecture.md; read by the analyzer's reporters and by the
 * Wireshark plugin. Records are linked by pointer (a channel points at its
 * allocation and at the finding it is evidence of), so sorting the arrays
 * moves nothing that anyone has to re-map. The words of a finding (message,
 * advice) are rendered once, by sum-words.c, from its structured fields.
 */
#ifndef SUM_RESULT_H
#define SUM_RESULT_H

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

/* What the capture as a whole shows (sum-verdict.h decides it). */
typedef enum {
    SUM_VERDICT_NO_SUM = 0,      /* nothing of SUM: no host, channel, allocation, finding */
    SUM_VERDICT_CANDIDATES_ONLY, /* only low-confidence candidates, nothing established */
    SUM_VERDICT_SUM,             /* SUM traffic */
    SUM_VERDICT_COUNT
} SumVerdict;

typedef struct _SumAllocation SumAllocation;
typedef struct _SumFinding SumFinding;
typedef struct _SumRootCause SumRootCause;

/* What several findings come down to (docs/reconstruction.md, "Root causes"). */
typedef enum {
    SUM_ROOT_AGENT_NOT_RUNNING = 0, /* target: every control port tried answered a reset */
    SUM_ROOT_SUM_HOST_DROPS_CALLBACKS, /* SUM host: every target's callback unanswered */
    SUM_ROOT_COUNT
} SumRootCode;

typedef struct {
    SumAddr addr;
    SumRole role;
    SumConfidence confidence;
    guint id;                /* 1-based, in order of first appearance */
    guint n_peers;           /* targets of a SUM host, SUM hosts of a target */
    gint64 t_first;
    SumFrame first_frame;
    gchar *why;              /* one line: what made this a SUM host / target */
    /* The port plan its story was read with (docs/generations.md): a SUM
     * host's own, chosen from its evidence; a target's, its first SUM host's. */
    const SumProfile *profile;
    SumConfidence plan_confidence; /* how sure (NONE: no sign, the default plan) */
    SumGeneration plan_other;      /* the plan other signs fit, SUM_GENERATION_COUNT if none */
    gchar *plan_reason;            /* SUM hosts: why (sum-words.c), naming the other plan */
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
    SumAllocation *alloc;    /* the allocation of sum_port, NULL if none */
    SumAllocation *peer_alloc; /* the other end's (a message channel's control
                                * listener), NULL if none */
    const SumFinding *finding; /* the failure this attempt is evidence of, or NULL */
    gboolean search_step;    /* a control probe that found something else there */
} SumChannel;

struct _SumAllocation {
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
    guint index;             /* its place in SumResult.allocations, once sorted */
    SumCarried carried;      /* what its connections carried (TLS, HTTP), NONE if unseen:
                              * which of a family's rules it is on (web: 63001/63002) */
};

struct _SumFinding {
    SumFindingCode code;
    SumSeverity severity;
    SumConfidence confidence;
    SumAddr host;
    guint16 port;
    SumTransport transport;
    SumFamily family;
    SumAddr peer;            /* the other side of the first connection, if any */
    SumEvidence evidence;
    gboolean one_way;        /* blocked, but only one side was captured (inferred) */
    guint16 used_instead;    /* conflict: the port SUM used instead, 0 if none */
    guint syn_count;         /* blocked: SYNs of the first attempt */
    gboolean icmp;           /* answered by an ICMP unreachable */
    SumPayload answer;       /* NOT_SUM_SERVICE: what answered */
    guint count;             /* connection attempts behind it */
    GArray *peers;           /* SumAddr: distinct peers of those attempts */
    GArray *frames;          /* SumFrame (capped): the frames that prove it */
    gint64 t_first;
    gchar *message;          /* one line, rendered by sum-words.c */
    gchar *advice;           /* how to check or fix, may be NULL (sum-words.c) */
    const SumRootCause *root_cause; /* what it comes down to, or NULL */
};

struct _SumRootCause {
    SumRootCode code;
    SumAddr host;            /* the target (agent), the SUM host (callbacks) */
    SumConfidence confidence;
    SumEvidence evidence;    /* what it rests on: the attempts' answers (probe) */
    GPtrArray *findings;     /* const SumFinding*: the findings it explains (not owned) */
    GArray *peers;           /* SumAddr: the other sides (SUM hosts, or targets) */
    GArray *ports;           /* guint16: the ports tried */
    GArray *frames;          /* SumFrame (capped): the frames that prove it */
    guint attempts;          /* connection attempts behind it */
    gchar *message;          /* one line, rendered by sum-words.c */
    gchar *advice;
};

typedef struct {
    const SumProfile *profile;   /* the plan used (owned by the caller or static); with SUM
                                  * hosts of several generations, the one most of them show */
    gchar *profile_reason;       /* why this profile (for --profile auto) */
    SumConfidence profile_confidence; /* how sure (NONE: no sign, the default plan) */
    gboolean mixed;              /* SUM hosts of more than one generation (SumHost.profile) */
    GPtrArray *hosts;            /* SumHost*, by first appearance */
    GPtrArray *channels;         /* SumChannel*, by first frame */
    GPtrArray *allocations;      /* SumAllocation*, by host, family, first frame */
    GPtrArray *findings;         /* SumFinding*, by severity then time */
    GPtrArray *root_causes;      /* SumRootCause*: what the findings come down to */
    gchar *capture_filter;       /* the capture filter the packets came through, or NULL */
    gboolean partial_view;       /* the capture shows only some of a SUM host's peers */
    SumAddr view_host;           /* with PARTIAL_VIEW and no filter: every packet's one host */
    gchar *view_note;            /* one line on the filter or the limited view, or NULL */
    gchar *view_advice;          /* how to capture so it can be told, or NULL */
    guint64 conns_seen;          /* connections offered */
    guint64 conns_kept;          /* that touched SUM ports */
    guint64 conns_dropped;       /* over the memory cap (folded into counters only) */
    SumVerdict verdict;          /* sum-verdict.h */
    gchar **looked_for;          /* one line per port plan looked for (sum-verdict.h) */
} SumResult;

/* Records and their result; every array owns what it holds. */
SumResult *sum_result_new(void);
void sum_host_free(gpointer host);
SumAllocation *sum_allocation_new(void);
void sum_allocation_free(gpointer allocation);
SumFinding *sum_finding_new(SumFindingCode code);
void sum_finding_free(gpointer finding);
void sum_result_free(SumResult *result);

/* Lookups on a result. */
const SumHost *sum_result_host(const SumResult *result, const SumAddr *addr);
guint sum_result_count_severity(const SumResult *result, SumSeverity min);
const char *sum_evidence_name(SumEvidence evidence);
/* Allocations by host (in the hosts' order), family, first frame; each
 * allocation's index set to its place. */
void sum_result_sort_allocations(SumResult *result);
/* The capture's generation: "classic", "7", "8", or "mixed" when its SUM
 * hosts show more than one; NULL when it has no SUM host. */
const char *sum_result_generation_name(const SumResult *result);
/* The plan ADDR's story was read with: a SUM host's, a target's (its first
 * SUM host's), else the result's. */
const SumProfile *sum_result_profile_for(const SumResult *result, const SumAddr *addr);
SumRootCause *sum_root_cause_new(SumRootCode code);
void sum_root_cause_free(gpointer root_cause);
const char *sum_root_cause_name(SumRootCode code);  /* "AGENT_NOT_RUNNING" */
const char *sum_root_cause_title(SumRootCode code); /* "SUM agent not running" */

G_END_DECLS

#endif /* SUM_RESULT_H */
