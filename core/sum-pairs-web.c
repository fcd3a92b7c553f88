/* sum-pairs-web.c: the pair graph's reading of the SUM 7.x+ web server
 * (sum-pairs.h, sum_pairs_observe_web). Rules: docs/generations.md. */
#include "sum-pairs-graph.h"
#include "sum-classify.h"

#include <string.h>

/* --- the web server's shape (SUM 7.x and later) ------------------------- */

/* What a (SUM host, target) showed of it (docs/reconstruction.md, "Who is
 * who"; docs/generations.md). */
enum {
    WEB_REACH = 1u << 0,      /* the SUM host reached the target on a service, answered */
    WEB_FETCH = 1u << 1,      /* the target fetched over HTTP from the web server */
    WEB_POST = 1u << 2,       /* the target posted over TLS to it */
    WEB_TRIED = 1u << 3,      /* the target's SYN reached a web port */
    WEB_FETCH_BASE = 1u << 4, /* fetched from the HTTP port's base (63001) */
    WEB_POST_BASE = 1u << 5,  /* posted to the HTTPS port's base (63002) */
};

typedef struct {
    SumPair key;              /* sum_host, target only */
    guint flags;
    SumFrame reach_frame;     /* the first answered reach, 0 if none */
    gint64 reach_t;
} WebSeen;

/* A target fetching and posting is the shape; reached first on one of its
 * services, it is certain (two families: sum_pairs_settle()). A lone fetch
 * from 63001 may be classic firmware, or anything: a port match. */
static SumConfidence
grade_web(const SumPairs *g, const SumAddr *sum_host, guint f)
{
    if ((f & (WEB_FETCH | WEB_POST)) && (f & WEB_REACH))
        return SUM_CONFIDENCE_MEDIUM;
    if ((f & WEB_FETCH_BASE) && (f & WEB_POST_BASE))
        return SUM_CONFIDENCE_MEDIUM;
    if (sum_pairs_is_hinted(g, sum_host))
        return SUM_CONFIDENCE_MEDIUM;
    if (g->mode == SUM_PAIRS_LIVE && sum_pairs_host_confidence(g, sum_host) >= SUM_CONFIDENCE_MEDIUM)
        return SUM_CONFIDENCE_MEDIUM;
    return SUM_CONFIDENCE_LOW;
}

static gboolean
web_port_base(const SumProfile *p, guint16 port, SumCarried carried)
{
    const SumPortRule *r = sum_plan_rule_for_port(p, SUM_FAMILY_WEB, SUM_TRANSPORT_TCP, port,
                                                  carried);
    return r != NULL && r->base == port && r->carried == carried;
}

void
sum_pairs_observe_web(SumPairs *g, const SumConn *c)
{
    if (g->web == NULL || sum_addr_equal(&c->orig, &c->resp) ||
        sum_addr_is_loopback(&c->orig) || sum_addr_is_loopback(&c->resp))
        return;
    const SumAddr *s, *t;
    guint f;
    if (c->transport == SUM_TRANSPORT_TCP &&
        sum_plan_in_family(g->profile, SUM_FAMILY_WEB, c->resp_port, NULL)) {
        s = &c->resp;
        t = &c->orig;
        f = WEB_TRIED;
        if (c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST ||
            c->resp_payload == SUM_PAYLOAD_HTTP_RESPONSE)
            f |= WEB_FETCH | (web_port_base(g->profile, c->resp_port, SUM_CARRIED_HTTP)
                                  ? WEB_FETCH_BASE
                                  : 0);
        if (sum_conn_is_tls(c))
            f |= WEB_POST | (web_port_base(g->profile, c->resp_port, SUM_CARRIED_TLS)
                                 ? WEB_POST_BASE
                                 : 0);
    } else if (sum_classify_bootstrap_rule(g->profile, c->transport, c->resp_port) != NULL &&
               sum_conn_answered(c)) {
        s = &c->orig;
        t = &c->resp;
        f = WEB_REACH;
    } else {
        return;
    }
    SumPair k;
    memset(&k, 0, sizeof k);
    k.sum_host = *s;
    k.target = *t;
    WebSeen *w = g_hash_table_lookup(g->web, &k);
    if (w == NULL) {
        w = g_new0(WebSeen, 1);
        w->key = k;
        g_hash_table_insert(g->web, &w->key, w);
    }
    w->flags |= f;
    if ((f & WEB_REACH) && (w->reach_frame == 0 || c->first_frame < w->reach_frame)) {
        w->reach_frame = c->first_frame;
        w->reach_t = c->t_first;
    }
    /* A reach alone is anyone's SSH or SMB: a pair once the target answers
     * with the web server (or once the host is known, observe_secondary). */
    if (!(w->flags & (WEB_TRIED | WEB_FETCH | WEB_POST)))
        return;
    SumConn at = *c;
    if (w->reach_frame != 0 && w->reach_frame < at.first_frame) {
        at.first_frame = w->reach_frame;
        at.t_first = w->reach_t;
    }
    SumPair *p = sum_pairs_note_pair(g, s, t, grade_web(g, s, w->flags), &at);
    p->families |= 1u << SUM_FAMILY_WEB;
    if (w->flags & WEB_REACH)
        p->families |= 1u << SUM_FAMILY_BOOTSTRAP;
}

/* A known SUM host reaching a target on one of its services, answered: a
 * pair of the later plans, where Windows and Linux targets of 7.3 and later
 * never connect back (docs/generations.md). HTTPS (443) alone is any
 * client's; a device's is a pair once something else links the two. */
void
sum_pairs_observe_service_contact(SumPairs *g, const SumConn *c)
{
    if (g->web == NULL || sum_addr_equal(&c->orig, &c->resp) ||
        sum_addr_is_loopback(&c->orig) || sum_addr_is_loopback(&c->resp) ||
        !sum_conn_answered(c))
        return;
    const SumPortRule *r = sum_classify_bootstrap_rule(g->profile, c->transport, c->resp_port);
    if (r == NULL || !sum_pairs_is_sum_host(g, &c->orig, SUM_CONFIDENCE_MEDIUM))
        return;
    if (r->carried == SUM_CARRIED_TLS && sum_pairs_find(g, &c->orig, &c->resp) == NULL)
        return;
    SumPair *p = sum_pairs_note_pair(g, &c->orig, &c->resp, SUM_CONFIDENCE_MEDIUM, c);
    p->families |= 1u << SUM_FAMILY_BOOTSTRAP;
}
