/* sum-pairs-graph.h: the pair graph's insides, shared by sum-pairs.c and
 * sum-pairs-web.c (the later plans' web-server shape). Not for other
 * stages: they use sum-pairs.h. */
#ifndef SUM_PAIRS_GRAPH_H
#define SUM_PAIRS_GRAPH_H

#include "sum-pairs.h"

G_BEGIN_DECLS

/* A connection from a host to a target-held port that counts only between
 * SUM hosts and targets (bootstrap SMB, NetBIOS, SSH; a device's HTTPS):
 * corroboration of a pair, and possibly a failed bootstrap. Batch only. */
typedef struct {
    SumConn conn;
    gboolean bootstrap;      /* one of the profile's bootstrap rules */
    gboolean tls;            /* the rule carries TLS (a device's HTTPS) */
} Contact;

struct _SumPairs {
    const SumProfile *profile;
    const GArray *hints;       /* SumAddr, may be NULL */
    SumPairsMode mode;
    GPtrArray *pairs;          /* SumPair*, owned */
    GHashTable *index;         /* SumPair* (as its own key: sum_host, target) -> SumPair* */
    GHashTable *host_conf;     /* SumAddr* (inside a pair) -> best pair confidence */
    guint next_session;        /* live mode */
    GHashTable *web;           /* SUM 7.x+ plans: WebSeen* by (SUM host, target) */
    GArray *contacts;          /* Contact, batch mode */
    GHashTable *contact_n;     /* (S, T) -> contacts from S to T (sum-pairs.c's PairKey) */
    GHashTable *https;         /* (S, T) -> 1 + index of S's first answered HTTPS contact */
};

/* The pair (S, T), made if new, graded up to CONF by connection C. */
SumPair *sum_pairs_note_pair(SumPairs *g, const SumAddr *s, const SumAddr *t, SumConfidence conf,
                             const SumConn *c);
/* The best confidence of any pair A is the SUM host of. */
SumConfidence sum_pairs_host_confidence(const SumPairs *g, const SumAddr *a);
/* sum-pairs-web.c: a known SUM host's answered reach of a target's service. */
void sum_pairs_observe_service_contact(SumPairs *g, const SumConn *c);

G_END_DECLS

#endif /* SUM_PAIRS_GRAPH_H */
