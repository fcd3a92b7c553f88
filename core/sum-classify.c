/* sum-classify.c: one connection's family, holder and pair (sum-classify.h).
 * Rules: docs/reconstruction.md, "Who is who" and "Allocations". */
#include "sum-classify.h"

#include <string.h>

gboolean
sum_classify_in_family(const SumProfile *p, SumFamily f, guint16 port, SumPortPos *pos)
{
    const SumPortRule *r = sum_plan_rule(p, f, SUM_TRANSPORT_TCP);
    return r != NULL && sum_plan_position(r, port, pos);
}

gboolean
sum_classify_message_control(const SumProfile *p, const SumConn *c, SumMessageControl *out)
{
    SumPortPos a, b;
    if (c->transport != SUM_TRANSPORT_TCP)
        return FALSE;
    if (sum_classify_in_family(p, SUM_FAMILY_MESSAGE, c->orig_port, &a) &&
        sum_classify_in_family(p, SUM_FAMILY_CONTROL, c->resp_port, &b)) {
        out->sum_host = &c->orig;
        out->target = &c->resp;
        out->msg_port = c->orig_port;
        out->ctl_port = c->resp_port;
        return TRUE;
    }
    if (sum_classify_in_family(p, SUM_FAMILY_MESSAGE, c->resp_port, &a) &&
        sum_classify_in_family(p, SUM_FAMILY_CONTROL, c->orig_port, &b)) {
        out->sum_host = &c->resp;
        out->target = &c->orig;
        out->msg_port = c->resp_port;
        out->ctl_port = c->orig_port;
        return TRUE;
    }
    return FALSE;
}

const SumPortRule *
sum_classify_bootstrap_rule(const SumProfile *p, SumTransport t, guint16 port)
{
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *r = &p->rules[i];
        if (r->family == SUM_FAMILY_BOOTSTRAP && r->transport == t && r->base == port)
            return r;
    }
    return NULL;
}

gboolean
sum_classify_resp_speaks_tls(const SumConn *c)
{
    if (!sum_conn_answered(c))
        return FALSE;
    return c->resp_payload == SUM_PAYLOAD_TLS ||
           (c->resp_payload == SUM_PAYLOAD_NONE && c->orig_payload == SUM_PAYLOAD_TLS);
}

static void
set(SumClass *out, SumFamily f, const SumAddr *holder, guint16 port, const SumPair *pair)
{
    out->family = f;
    out->holder = *holder;
    out->port = port;
    out->sum_host = pair->sum_host;
    out->target = pair->target;
    out->confidence = pair->confidence;
    out->session = pair->session;
}

/* Callback, firmware: a target reaching its SUM host's listener. */
static gboolean
classify_towards_sum_host(const SumProfile *p, const SumPairs *pairs, const SumConn *c,
                          SumClass *out)
{
    SumPortPos pos;
    const SumPair *pair = sum_pairs_find(pairs, &c->resp, &c->orig);
    if (c->transport != SUM_TRANSPORT_TCP || pair == NULL ||
        pair->confidence < SUM_CONFIDENCE_MEDIUM)
        return FALSE;
    if (sum_classify_in_family(p, SUM_FAMILY_CALLBACK, c->resp_port, &pos) &&
        c->resp_port != p->ipc_port) {
        set(out, SUM_FAMILY_CALLBACK, &c->resp, c->resp_port, pair);
        return TRUE;
    }
    if (sum_classify_in_family(p, SUM_FAMILY_FIRMWARE, c->resp_port, &pos)) {
        set(out, SUM_FAMILY_FIRMWARE, &c->resp, c->resp_port, pair);
        return TRUE;
    }
    if (sum_plan_in_family(p, SUM_FAMILY_WEB, c->resp_port, &pos)) {
        set(out, SUM_FAMILY_WEB, &c->resp, c->resp_port, pair);
        return TRUE;
    }
    return FALSE;
}

/* A listener on a SUM port with nothing else to go on: a hint only (never
 * port 80 or the strict ports, which are everyday traffic). */
static gboolean
classify_candidate(const SumProfile *p, const SumConn *c, SumClass *out)
{
    SumPortPos a;
    if (sum_plan_candidates(p, c->transport, c->resp_port, &a, 1) == 0 ||
        a.rule->strict_peers || (a.rule->family == SUM_FAMILY_FIRMWARE && a.offset == 0))
        return FALSE;
    out->family = a.rule->family;
    out->port = c->resp_port;
    out->holder = c->resp;
    out->confidence = SUM_CONFIDENCE_LOW;
    out->candidate = TRUE;
    return TRUE;
}

gboolean
sum_classify(const SumProfile *p, const SumPairs *pairs, const SumConn *c, SumClass *out)
{
    memset(out, 0, sizeof *out);
    SumMessageControl mc;
    if (sum_classify_message_control(p, c, &mc)) {
        const SumPair *pair = sum_pairs_find(pairs, mc.sum_host, mc.target);
        if (pair != NULL && pair->confidence >= SUM_CONFIDENCE_MEDIUM) {
            set(out, SUM_FAMILY_MESSAGE, mc.sum_host, mc.msg_port, pair);
            return TRUE;
        }
        out->sum_host = *mc.sum_host;
        out->target = *mc.target;
        out->family = SUM_FAMILY_MESSAGE;
        out->holder = *mc.sum_host;
        out->port = mc.msg_port;
        out->confidence = SUM_CONFIDENCE_LOW;
        out->candidate = TRUE;
        return TRUE;
    }
    if (classify_towards_sum_host(p, pairs, c, out))
        return TRUE;
    /* SUM's own IPC on loopback, on a host already known as a SUM host (8.x:
     * its processes are clients of the web server, the same allocation). */
    const SumPair *first = sum_pairs_first(pairs);
    if (c->transport == SUM_TRANSPORT_TCP && p->ipc_port != 0 && c->resp_port == p->ipc_port &&
        sum_addr_is_loopback(&c->resp) && first != NULL) {
        set(out, sum_plan_in_family(p, SUM_FAMILY_WEB, c->resp_port, NULL) ? SUM_FAMILY_WEB
                                                                           : SUM_FAMILY_IPC,
            &first->sum_host, c->resp_port, first);
        out->target = c->resp; /* IPC is seen on loopback, the port is the SUM host's */
        return TRUE;
    }
    /* Bootstrap: only from a SUM host to one of its targets. */
    const SumPair *pair = sum_pairs_find(pairs, &c->orig, &c->resp);
    if (pair != NULL && pair->confidence >= SUM_CONFIDENCE_MEDIUM &&
        sum_classify_bootstrap_rule(p, c->transport, c->resp_port) != NULL) {
        set(out, SUM_FAMILY_BOOTSTRAP, &c->resp, c->resp_port, pair);
        return TRUE;
    }
    return classify_candidate(p, c, out);
}

SumCause
sum_classify_provisional_cause(const SumProfile *p, SumFamily f, const SumPortPos *pos)
{
    if (pos->overflow && pos->rule->overflow_counts)
        return SUM_CAUSE_OVERFLOW;
    if (pos->offset == 0 || f == SUM_FAMILY_BOOTSTRAP || f == SUM_FAMILY_IPC)
        return SUM_CAUSE_DEFAULT;
    if (!sum_plan_family_searches(f))
        return SUM_CAUSE_CONFIGURED;
    if (f == SUM_FAMILY_CALLBACK && pos->offset == 1 && p->ipc_port == pos->base)
        return SUM_CAUSE_IPC_RESERVED;
    return SUM_CAUSE_UNKNOWN;
}

SumChannel *
sum_classify_channel(const SumConn *c, const SumClass *cls)
{
    SumChannel *ch = g_new0(SumChannel, 1);
    ch->conn = *c;
    ch->family = cls->family;
    ch->sum_port = cls->port;
    ch->port_holder = cls->holder;
    ch->sum_host = cls->sum_host;
    ch->target = cls->target;
    ch->session = cls->session;
    ch->confidence = cls->confidence;
    return ch;
}

gboolean
sum_classify_everyday(const SumPortMap *ports, const SumPairs *pairs, const SumConn *c)
{
    return sum_portmap_conn_strict_only(ports, c->transport, c->orig_port, c->resp_port) &&
           !sum_pairs_is_sum_host(pairs, &c->orig, SUM_CONFIDENCE_LOW) &&
           !sum_pairs_is_sum_host(pairs, &c->resp, SUM_CONFIDENCE_LOW) &&
           !sum_pairs_is_hinted(pairs, &c->orig) && !sum_pairs_is_hinted(pairs, &c->resp);
}
