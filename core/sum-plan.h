/* sum-plan.h: the SUM port plan as data, and pure lookups over it.
 *
 * Source: docs/sum-ports.md (the HP SUM user guide's port page, in
 * English, with the readings the project chose). The plan is one static const
 * table per SUM generation ("profile"); supporting another generation is a
 * table, not a rewrite. Nothing here knows libpcap, Wireshark or allocation
 * reconstruction: the plugin and the analyzer read the same tables, so their
 * labels cannot drift apart.
 */
#ifndef SUM_PLAN_H
#define SUM_PLAN_H

#include <glib.h>

G_BEGIN_DECLS

/* Port families, in the project's words (docs/sum-ports.md, "Words"). */
typedef enum {
    SUM_FAMILY_NONE = 0,
    SUM_FAMILY_BOOTSTRAP,
    SUM_FAMILY_CONTROL,
    SUM_FAMILY_MESSAGE,
    SUM_FAMILY_CALLBACK,
    SUM_FAMILY_IPC,
    SUM_FAMILY_FIRMWARE,
    SUM_FAMILY_WEB,         /* SUM 7.x+: the web server, 63001 HTTP and 63002 HTTPS */
    SUM_FAMILY_COUNT
} SumFamily;

/* Why a port other than the base was used. */
typedef enum {
    SUM_CAUSE_UNKNOWN = 0,
    SUM_CAUSE_DEFAULT,      /* the base port itself */
    SUM_CAUSE_CONCURRENT,   /* lower ports held by the host's own SUM connections */
    SUM_CAUSE_IPC_RESERVED, /* callback moved up past SUM's own IPC port */
    SUM_CAUSE_CONFLICT,     /* a lower port was held by another program */
    SUM_CAUSE_OVERFLOW,     /* past the documented end of the range */
    SUM_CAUSE_CONFIGURED,   /* set so (7.x --port/--ssl_port): the family does not search */
    SUM_CAUSE_NOT_VISIBLE,  /* lower ports held by what a filtered view does not show */
    SUM_CAUSE_COUNT
} SumCause;

typedef enum {
    SUM_FINDING_PORT_CONFLICT = 0,
    SUM_FINDING_RANGE_OVERFLOW,
    SUM_FINDING_PORT_BLOCKED,
    SUM_FINDING_PORT_REFUSED,
    SUM_FINDING_NOT_SUM_SERVICE,
    SUM_FINDING_COUNT
} SumFindingCode;

typedef enum {
    SUM_SEVERITY_INFO = 0,
    SUM_SEVERITY_NOTE,
    SUM_SEVERITY_WARNING,
    SUM_SEVERITY_ERROR,
    SUM_SEVERITY_COUNT
} SumSeverity;

typedef enum {
    SUM_CONFIDENCE_NONE = 0,
    SUM_CONFIDENCE_LOW,
    SUM_CONFIDENCE_MEDIUM,
    SUM_CONFIDENCE_HIGH,
    SUM_CONFIDENCE_COUNT
} SumConfidence;

/* The two roles of a SUM deployment. */
typedef enum {
    SUM_ROLE_NONE = 0,
    SUM_ROLE_SUM_HOST, /* the machine SUM runs on */
    SUM_ROLE_TARGET,   /* a server, iLO, OA ... being updated */
    SUM_ROLE_COUNT
} SumRole;

/* What a family's channel carries on the wire. */
typedef enum {
    SUM_CARRIED_NONE = 0,
    SUM_CARRIED_TLS,
    SUM_CARRIED_HTTP,
    SUM_CARRIED_SMB,
    SUM_CARRIED_NETBIOS,
    SUM_CARRIED_SSH,
    SUM_CARRIED_MSRPC,
    SUM_CARRIED_WBEM,
    SUM_CARRIED_COUNT
} SumCarried;

typedef enum {
    SUM_TRANSPORT_TCP = 6,
    SUM_TRANSPORT_UDP = 17
} SumTransport;

typedef enum {
    SUM_GENERATION_CLASSIC = 0, /* SUM 4.x-6.x, the guide page */
    SUM_GENERATION_7,           /* SUM 7.x */
    SUM_GENERATION_8,           /* SUM 8.x and later */
    SUM_GENERATION_COUNT
} SumGeneration;

/* One row of a profile: a family's port or port sequence.
 *
 * The allocation sequence of a row is: base, base+1 .. documented_end, then
 * (continuations past the documented end) .. scan_end. Where fallback_lo is
 * set (firmware: 80, else 63000-63005) the sequence is base, then
 * fallback_lo .. documented_end .. scan_end. A port's "offset" is its index in
 * that sequence: 0 for the base. */
typedef struct {
    SumFamily family;
    SumTransport transport;
    guint16 base;           /* first port tried */
    guint16 fallback_lo;    /* first port after the base, 0 = base + 1 */
    guint16 documented_end; /* last port the guide documents */
    guint16 scan_end;       /* last continuation still labelled (>= documented_end) */
    SumRole holder;         /* the side that binds the port */
    SumRole opener;         /* the side that sends the SYN */
    SumCarried carried;     /* what the channel carries */
    gboolean holder_is_client; /* the port is the opener's source port (message) */
    gboolean overflow_counts;  /* past documented_end is a RANGE_OVERFLOW */
    gboolean strict_peers;     /* only between known SUM hosts and targets (80, SMB ...) */
    const char *label;      /* short text, e.g. "message (SUM host -> target, TLS)" */
} SumPortRule;

typedef struct {
    SumGeneration generation;
    const char *name;        /* "classic", "7", "8" */
    const char *description;
    const SumPortRule *rules;
    gsize n_rules;
    guint16 ipc_port;        /* SUM's own IPC port on the host, 0 if none (8.x: its
                              * processes are clients of their own web server) */
    guint16 dcom_port;       /* 8.x WMI: DCOM activation through this target port (135),
                              * then the endpoint the target hands out; 0 if none */
} SumProfile;

/* Where a port stands in a rule's sequence. */
typedef struct {
    const SumPortRule *rule;
    guint16 port;
    guint16 base;
    guint16 offset;         /* index in the sequence, 0 = base */
    guint16 range_end;      /* documented end */
    gboolean documented;    /* within base .. documented_end */
    gboolean overflow;      /* past documented_end (continuation) */
} SumPortPos;

#define SUM_PLAN_MAX_CANDIDATES 8

/* Profiles. */
const SumProfile *sum_plan_profile(SumGeneration generation);
const SumProfile *sum_plan_profile_default(void);
const SumProfile *sum_plan_profile_by_name(const char *name);
const char *sum_plan_generation_name(SumGeneration generation);

/* A mutable copy, for overrides (--range FAMILY=LO-HI, plugin preferences). */
SumProfile *sum_plan_profile_copy(const SumProfile *profile);
void sum_plan_profile_free(SumProfile *profile);
/* Sets base .. documented_end of every TCP rule of FAMILY; scan_end keeps its
 * distance past the end. Fails on lo > hi, lo == 0, or a family the profile
 * has no range for. */
gboolean sum_plan_profile_set_range(SumProfile *profile, SumFamily family,
                                    guint16 lo, guint16 hi, GError **error);
/* Parses "FAMILY=LO-HI" (or "FAMILY=PORT") and applies it. */
gboolean sum_plan_profile_apply_override(SumProfile *profile, const char *spec,
                                         GError **error);

/* Lookups. */
gboolean sum_plan_position(const SumPortRule *rule, guint16 port, SumPortPos *pos);
/* The rules whose sequence holds PORT on TRANSPORT, documented ones first.
 * Returns how many were written to OUT (at most MAX). */
gsize sum_plan_candidates(const SumProfile *profile, SumTransport transport,
                          guint16 port, SumPortPos *out, gsize max);
const SumPortRule *sum_plan_rule(const SumProfile *profile, SumFamily family,
                                 SumTransport transport);
/* The rule of FAMILY on TRANSPORT whose sequence holds PORT, where a family
 * has several (the web server's HTTP and HTTPS ports): the one whose base is
 * PORT, else one that carries CARRIED (SUM_CARRIED_NONE: not known), else
 * the first; NULL if no rule of the family holds PORT. */
const SumPortRule *sum_plan_rule_for_port(const SumProfile *profile, SumFamily family,
                                          SumTransport transport, guint16 port,
                                          SumCarried carried);
/* PORT is in FAMILY's sequence on TCP (any rule of it); POS (may be NULL)
 * as sum_plan_rule_for_port() with nothing carried known. */
gboolean sum_plan_in_family(const SumProfile *profile, SumFamily family, guint16 port,
                            SumPortPos *pos);
gboolean sum_plan_is_sum_port(const SumProfile *profile, SumTransport transport,
                              guint16 port);
/* Whether a connection ORIG_PORT -> RESP_PORT can tell anything about SUM:
 * its responder is on a port of the plan, or its originator holds a listener
 * port of the plan (a capture that began mid-connection). A client port that
 * merely falls in the message range (6000x -> 443) cannot. */
gboolean sum_plan_conn_relevant(const SumProfile *profile, SumTransport transport,
                                guint16 orig_port, guint16 resp_port);
/* The same, TRUE only through a port that counts between known SUM hosts
 * and targets only (80, 443, SMB, SSH ...): everyday traffic on those ports
 * is kept on a tighter budget. */
gboolean sum_plan_conn_strict_only(const SumProfile *profile, SumTransport transport,
                                   guint16 orig_port, guint16 resp_port);
/* The nth port of a rule's sequence, 0 past its scan_end. */
guint16 sum_plan_port_at(const SumPortRule *rule, guint16 offset);

/* Whether FAMILY searches for a free port (every family of the guide): the
 * 7.x web server does not, it binds its ports or fails, so a web port past
 * its base was set so (cause configured), never a continuation or an
 * overflow (docs/generations.md, "Words"). */
gboolean sum_plan_family_searches(SumFamily family);

/* Vocabulary: every front end prints these same words. */
const char *sum_plan_family_name(SumFamily family);
SumFamily sum_plan_family_from_name(const char *name);
const char *sum_plan_cause_name(SumCause cause);
SumCause sum_plan_cause_from_name(const char *name);
const char *sum_plan_finding_name(SumFindingCode code);
SumFindingCode sum_plan_finding_from_name(const char *name); /* -1 cast if unknown */
SumSeverity sum_plan_finding_severity(SumFindingCode code);
const char *sum_plan_finding_title(SumFindingCode code);
const char *sum_plan_severity_name(SumSeverity severity);
const char *sum_plan_confidence_name(SumConfidence confidence);
const char *sum_plan_role_name(SumRole role);
const char *sum_plan_carried_name(SumCarried carried);

#define SUM_PLAN_ERROR (sum_plan_error_quark())
GQuark sum_plan_error_quark(void);
typedef enum { SUM_PLAN_ERROR_INVALID } SumPlanError;

G_END_DECLS

#endif /* SUM_PLAN_H */
