/* sum-rootcause.c: root causes from the failed channels (sum-rootcause.h).
 * Rules: docs/reconstruction.md, "Root causes". */
#include "sum-rootcause.h"

#define SUM_ROOTCAUSE_MAX_FRAMES 32u

/* One host's attempts of one kind, as they add up. */
typedef struct {
    SumAddr host;
    guint attempts;
    guint failed;            /* of ATTEMPTS, those that fit the root cause */
    GArray *peers;           /* SumAddr */
    GArray *ports;           /* guint16 */
    GArray *frames;          /* SumFrame */
    GPtrArray *findings;     /* const SumFinding* */
} Tally;

static void
tally_free(gpointer p)
{
    Tally *t = p;
    g_array_free(t->peers, TRUE);
    g_array_free(t->ports, TRUE);
    g_array_free(t->frames, TRUE);
    g_ptr_array_unref(t->findings);
    g_free(t);
}

static Tally *
tally_for(GPtrArray *tallies, const SumAddr *host)
{
    for (guint i = 0; i < tallies->len; i++) {
        Tally *t = g_ptr_array_index(tallies, i);
        if (sum_addr_equal(&t->host, host))
            return t;
    }
    Tally *t = g_new0(Tally, 1);
    t->host = *host;
    t->peers = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    t->ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    t->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    t->findings = g_ptr_array_new();
    g_ptr_array_add(tallies, t);
    return t;
}

static void
add_unique_addr(GArray *a, const SumAddr *v)
{
    for (guint i = 0; i < a->len; i++) {
        if (sum_addr_equal(&g_array_index(a, SumAddr, i), v))
            return;
    }
    g_array_append_val(a, *v);
}

static void
add_unique_port(GArray *a, guint16 v)
{
    for (guint i = 0; i < a->len; i++) {
        if (g_array_index(a, guint16, i) == v)
            return;
    }
    g_array_append_val(a, v);
}

/* CH's attempt counts towards T; FITS: it failed the way the cause says. */
static void
tally_add(Tally *t, const SumChannel *ch, const SumAddr *peer, guint16 port, gboolean fits)
{
    t->attempts++;
    if (!fits)
        return;
    t->failed++;
    add_unique_addr(t->peers, peer);
    add_unique_port(t->ports, port);
    if (t->frames->len < SUM_ROOTCAUSE_MAX_FRAMES)
        g_array_append_val(t->frames, ch->conn.first_frame);
    if (ch->conn.rst_frame != 0 && t->frames->len < SUM_ROOTCAUSE_MAX_FRAMES)
        g_array_append_val(t->frames, ch->conn.rst_frame);
    if (ch->finding != NULL && !g_ptr_array_find(t->findings, ch->finding, NULL))
        g_ptr_array_add(t->findings, (gpointer)ch->finding);
}

static SumRootCause *
root_from(const Tally *t, SumRootCode code, SumConfidence confidence)
{
    SumRootCause *rc = sum_root_cause_new(code);
    rc->host = t->host;
    rc->confidence = confidence;
    rc->evidence = SUM_EVIDENCE_PROBE;
    rc->attempts = t->attempts;
    g_array_append_vals(rc->peers, t->peers->data, t->peers->len);
    g_array_append_vals(rc->ports, t->ports->data, t->ports->len);
    g_array_append_vals(rc->frames, t->frames->data, t->frames->len);
    for (guint i = 0; i < t->findings->len; i++) {
        SumFinding *f = g_ptr_array_index(t->findings, i);
        g_ptr_array_add(rc->findings, f);
        f->root_cause = rc;
    }
    return rc;
}

/* Every control port the SUM host tried on a target answered with a reset
 * (or ICMP port unreachable) and none with TLS: nothing of SUM listens
 * there. One port reset is medium (a firewall may reject); a search through
 * two or more that all reset is high. */
static void
agent_not_running(const GPtrArray *chs, GPtrArray *out)
{
    GPtrArray *tallies = g_ptr_array_new_with_free_func(tally_free);
    for (guint i = 0; i < chs->len; i++) {
        const SumChannel *ch = g_ptr_array_index(chs, i);
        if (ch->family != SUM_FAMILY_MESSAGE)
            continue;
        gboolean reset = ch->finding != NULL && ch->finding->code == SUM_FINDING_PORT_REFUSED;
        guint16 port = sum_addr_equal(&ch->conn.resp, &ch->target) ? ch->conn.resp_port
                                                                   : ch->conn.orig_port;
        tally_add(tally_for(tallies, &ch->target), ch, &ch->sum_host, port, reset);
    }
    for (guint i = 0; i < tallies->len; i++) {
        const Tally *t = g_ptr_array_index(tallies, i);
        if (t->attempts > 0 && t->failed == t->attempts && t->findings->len > 0)
            g_ptr_array_add(out, root_from(t, SUM_ROOT_AGENT_NOT_RUNNING,
                                           t->ports->len >= 2 ? SUM_CONFIDENCE_HIGH
                                                              : SUM_CONFIDENCE_MEDIUM));
    }
    g_ptr_array_unref(tallies);
}

/* A listener of the SUM host that targets open (callback; the web server of
 * later generations), from the port plan. */
static gboolean
reached_by_targets(const SumProfile *p, SumFamily family)
{
    const SumPortRule *r = sum_plan_rule(p, family, SUM_TRANSPORT_TCP);
    return r != NULL && r->holder == SUM_ROLE_SUM_HOST && r->opener == SUM_ROLE_TARGET &&
           family != SUM_FAMILY_IPC;
}

/* Every connection that two or more targets opened to the SUM host's
 * callback ports went unanswered: the SUM host's own firewall, said once. */
static void
host_drops_callbacks(const SumResult *r, GPtrArray *out)
{
    const GPtrArray *chs = r->channels;
    GPtrArray *tallies = g_ptr_array_new_with_free_func(tally_free);
    for (guint i = 0; i < chs->len; i++) {
        const SumChannel *ch = g_ptr_array_index(chs, i);
        /* The plan of that SUM host: with several generations, each its own. */
        const SumProfile *p = sum_result_profile_for(r, &ch->sum_host);
        if (!reached_by_targets(p, ch->family) || !sum_addr_equal(&ch->conn.resp, &ch->sum_host))
            continue;
        gboolean dropped = ch->finding != NULL && ch->finding->code == SUM_FINDING_PORT_BLOCKED;
        tally_add(tally_for(tallies, &ch->sum_host), ch, &ch->conn.orig, ch->conn.resp_port,
                  dropped);
    }
    for (guint i = 0; i < tallies->len; i++) {
        const Tally *t = g_ptr_array_index(tallies, i);
        if (t->failed != t->attempts || t->peers->len < 2)
            continue;
        gboolean inferred = FALSE;
        for (guint k = 0; k < t->findings->len; k++)
            inferred |= ((const SumFinding *)g_ptr_array_index(t->findings, k))->one_way;
        g_ptr_array_add(out, root_from(t, SUM_ROOT_SUM_HOST_DROPS_CALLBACKS,
                                       inferred ? SUM_CONFIDENCE_LOW
                                       : t->peers->len >= 3 ? SUM_CONFIDENCE_HIGH
                                                            : SUM_CONFIDENCE_MEDIUM));
    }
    g_ptr_array_unref(tallies);
}

GPtrArray *
sum_rootcause_build(const SumResult *result)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(sum_root_cause_free);
    agent_not_running(result->channels, out);
    host_drops_callbacks(result, out);
    return out;
}
