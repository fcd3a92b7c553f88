/* sum-outcome.c: the words the packet list and the expert items put on a
 * labelled frame: "[SUM control 62286 BLOCKED]", "conflict: 60000 taken".
 * Words only: the label (sum-follow.c, from core) decides. */
#include "config-sum.h"

#include <epan/packet.h>

#include "packet-sum.h"

/* The verdicts in the Info column: loud, since they are why one looks. */
static const char *
verdict_word(SumFindingCode code)
{
    switch (code) {
    case SUM_FINDING_PORT_BLOCKED:
        return "BLOCKED";
    case SUM_FINDING_PORT_REFUSED:
        return "REFUSED";
    case SUM_FINDING_NOT_SUM_SERVICE:
        return "NOT SUM";
    default:
        return sum_plan_finding_name(code);
    }
}

/* The listener a verdict is about: the responder's port (a message
 * connection fails on the target's control port). */
void
sum_outcome_verdict_port(const sum_label_t *l, const sum_frame_t *f, SumFamily *family,
                         guint16 *port)
{
    if (l->finding != NULL) {
        *family = l->finding->family;
        *port = l->finding->port;
        return;
    }
    *family = l->family == SUM_FAMILY_MESSAGE ? SUM_FAMILY_CONTROL : l->family;
    *port = f->conn->resp_port;
}

/* ": 60000 taken", from core's allocation. */
void
sum_outcome_append_taken(wmem_strbuf_t *b, const SumAllocation *a)
{
    if (a == NULL || a->conflicting_ports->len == 0)
        return;
    wmem_strbuf_append(b, ": ");
    for (guint i = 0; i < a->conflicting_ports->len; i++)
        wmem_strbuf_append_printf(b, "%s%u", i ? "," : "",
                                  g_array_index(a->conflicting_ports, guint16, i));
    wmem_strbuf_append(b, " taken");
}

/* Why this port, in a word or two; nothing where the port is the normal
 * one (the base, or 61001 past SUM's own IPC on 61000). */
static void
append_cause(wmem_strbuf_t *b, const sum_label_t *l)
{
    switch (l->cause) {
    case SUM_CAUSE_CONFLICT:
        wmem_strbuf_append(b, " conflict");
        sum_outcome_append_taken(b, l->alloc);
        break;
    case SUM_CAUSE_OVERFLOW:
        wmem_strbuf_append(b, " overflow");
        if (l->have_pos)
            wmem_strbuf_append_printf(b, ": past %u", l->pos.range_end);
        break;
    case SUM_CAUSE_CONCURRENT:
        wmem_strbuf_append(b, " concurrent");
        break;
    case SUM_CAUSE_CONFIGURED:
        if (l->have_pos)
            wmem_strbuf_append_printf(b, " configured (base %u)", l->pos.base);
        else
            wmem_strbuf_append(b, " configured");
        break;
    case SUM_CAUSE_UNKNOWN:
        if (l->have_pos && l->pos.offset > 0 && l->family != SUM_FAMILY_BOOTSTRAP)
            wmem_strbuf_append_printf(b, " (base %u)", l->pos.base);
        break;
    default:
        break;
    }
}

static gboolean
cause_is_news(const sum_label_t *l)
{
    return l->cause == SUM_CAUSE_CONFLICT || l->cause == SUM_CAUSE_OVERFLOW ||
           l->cause == SUM_CAUSE_CONCURRENT || l->cause == SUM_CAUSE_CONFIGURED ||
           (l->cause == SUM_CAUSE_UNKNOWN && l->have_pos && l->pos.offset > 0 &&
            l->family != SUM_FAMILY_BOOTSTRAP);
}

/* The control listener a message connection reached, when it is past its
 * documented port: it moved (SUM-PORTS.md, "a control listener that moved"). */
gboolean
sum_outcome_listener_moved(const sum_label_t *l, const sum_frame_t *f, SumPortPos *pos)
{
    if (l->family != SUM_FAMILY_MESSAGE)
        return FALSE;
    const SumConn *c = f->conn;
    const SumPortRule *r = sum_plan_rule(l->plan != NULL ? l->plan : sum_active_profile(),
                                         SUM_FAMILY_CONTROL, SUM_TRANSPORT_TCP);
    gboolean orig_is_host = sum_addr_equal(&c->orig, &l->sum_host) && c->orig_port == l->port;
    guint16 port = orig_is_host ? c->resp_port : c->orig_port;
    return r != NULL && sum_plan_position(r, port, pos) && pos->offset > 0;
}

/* The frame's outcome in the project's words: "SUM control 62286 BLOCKED",
 * "SUM message 60001 conflict: 60000 taken", "SUM callback 61001",
 * "SUM control 62287 moved: 62286 taken". */
const char *
sum_outcome_text(wmem_allocator_t *pool, const sum_label_t *l, const sum_frame_t *f)
{
    wmem_strbuf_t *b = wmem_strbuf_new(pool, "SUM ");
    if (l->has_verdict) {
        SumFamily fam;
        guint16 port;
        sum_outcome_verdict_port(l, f, &fam, &port);
        wmem_strbuf_append_printf(b, "%s %u %s", sum_plan_family_name(fam), port,
                                  verdict_word(l->verdict_code));
        return wmem_strbuf_get_str(b);
    }
    SumPortPos lp;
    gboolean moved = sum_outcome_listener_moved(l, f, &lp);
    if (!moved || cause_is_news(l)) {
        wmem_strbuf_append_printf(b, "%s %u", sum_plan_family_name(l->family), l->port);
        append_cause(b, l);
    }
    if (moved) {
        wmem_strbuf_append_printf(b, "%scontrol %u moved", cause_is_news(l) ? "; " : "",
                                  lp.port);
        if (l->peer_alloc != NULL && l->peer_alloc->cause == SUM_CAUSE_CONFLICT)
            sum_outcome_append_taken(b, l->peer_alloc);
    }
    return wmem_strbuf_get_str(b);
}
