/* report-text-status.c: the text report's first word on a deployment, what
 * failed and what to open, grouped by cause and port ("callbacks to 61001 on
 * 10.0.0.1 dropped from 23 targets: ..."), and the table of every target's
 * status. The judgement is core's (sum-status.c); this only words it. */
#include "report-text.h"

#include <string.h>

#include "sum-status.h"

#define LIST_TARGETS 5   /* targets named in a group's line; the rest counted */
#define GROUP_INDENT 12  /* where a group's text starts, after its status */

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

static const char *
status_color(const SumTextOut *o, SumStatus s)
{
    return sum_text_c(o, s >= SUM_STATUS_REFUSED ? C_RED : s == SUM_STATUS_FELL_BACK ? C_YELLOW
                                                                                    : "");
}

/* "10.0.0.11, 10.0.0.14, ... (+18 more)" */
static gchar *
target_list(const GArray *targets)
{
    GString *s = g_string_new(NULL);
    char b[SUM_ADDR_STRLEN];
    for (guint i = 0; i < targets->len && i < LIST_TARGETS; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "",
                               a2s(&g_array_index(targets, SumAddr, i), b));
    if (targets->len > LIST_TARGETS)
        g_string_append_printf(s, " (+%u more)", targets->len - LIST_TARGETS);
    return g_string_free(s, FALSE);
}

static gboolean
has_target(const GArray *targets, const SumAddr *a)
{
    for (guint i = 0; i < targets->len; i++) {
        if (sum_addr_equal(&g_array_index(targets, SumAddr, i), a))
            return TRUE;
    }
    return FALSE;
}

/* Whether remediation step M opens a port of group G. */
static gboolean
remedy_of(const SumRemedy *m, const SumStatusGroup *g)
{
    if (m->windows == NULL || m->port != g->port)
        return FALSE;
    return g->on_targets ? has_target(g->targets, &m->host) : sum_addr_equal(&m->host, &g->holder);
}

static void
group_open(const SumTextOut *o, const SumReport *rep, const SumStatusGroup *g)
{
    if (g->status == SUM_STATUS_FELL_BACK) {
        sum_text_put(o, GROUP_INDENT + 2, "%*sallow %u there: that is where SUM moved",
                     GROUP_INDENT, "", g->used);
        return;
    }
    const SumRemedy *one = NULL;
    guint n = 0;
    for (guint i = 0; rep->remedies != NULL && i < rep->remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rep->remedies, i);
        if (remedy_of(m, g)) {
            one = one != NULL ? one : m;
            n++;
        }
    }
    if (one == NULL)
        return;
    char b[SUM_ADDR_STRLEN];
    const char *proto = one->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp";
    if (g->on_targets)
        sum_text_put(o, GROUP_INDENT + 2, "%*sopen: %s %u/%s on each of them (%u rule%s under "
                     "Firewall rules)", GROUP_INDENT, "", one->inbound ? "inbound" : "outbound",
                     g->port, proto, n, n == 1 ? "" : "s");
    else
        sum_text_put(o, GROUP_INDENT + 2, "%*sopen: %s %u/%s on %s from %s (%u rule%s under "
                     "Firewall rules)", GROUP_INDENT, "", one->inbound ? "inbound" : "outbound",
                     g->port, proto, a2s(&g->holder, b),
                     g->targets->len == 1 ? "it" : "them", n, n == 1 ? "" : "s");
}

/* Error findings that no group tells (a SUM host's own port, a host that is
 * no target), in the words of the finding. */
static void
other_failures(const SumTextOut *o, const SumResult *r, const GPtrArray *groups)
{
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->severity < SUM_SEVERITY_ERROR)
            continue;
        gboolean told = FALSE;
        for (guint k = 0; k < groups->len && !told; k++) {
            const SumStatusGroup *g = g_ptr_array_index(groups, k);
            told = g->status != SUM_STATUS_FELL_BACK && g->port == f->port &&
                   (g->on_targets ? has_target(g->targets, &f->host)
                                  : sum_addr_equal(&g->holder, &f->host));
        }
        if (!told)
            sum_text_put(o, GROUP_INDENT, "  %sfailed%s    %s", sum_text_c(o, C_RED),
                         sum_text_c(o, C_RESET), f->message);
    }
}

void
sum_text_failed(const SumTextOut *o, const SumReport *rep, const GPtrArray *targets)
{
    GPtrArray *groups = sum_status_groups(targets);
    sum_text_put(o, 0, "\n%sWhat failed, and what to open%s", sum_text_c(o, C_BOLD),
                 sum_text_c(o, C_RESET));
    if (groups->len == 0 && sum_result_count_severity(rep->result, SUM_SEVERITY_ERROR) == 0)
        sum_text_put(o, 2, "  nothing: every target got through on the plan's first ports");
    for (guint i = 0; i < groups->len; i++) {
        const SumStatusGroup *g = g_ptr_array_index(groups, i);
        gchar *clause = sum_report_group_clause(g), *list = target_list(g->targets);
        char fb[SUM_FRAME_STRLEN];
        sum_text_put(o, GROUP_INDENT, "  %s%-9s%s %s: %s; first frame %s",
                     status_color(o, g->status), sum_report_status_word(g->status),
                     sum_text_c(o, C_RESET), clause, list,
                     sum_frame_text(rep->capture, g->first_frame, fb, sizeof fb));
        group_open(o, rep, g);
        g_free(clause);
        g_free(list);
    }
    other_failures(o, rep->result, groups);
    g_ptr_array_unref(groups);
}

void
sum_text_targets(const SumTextOut *o, const SumReport *rep, const GPtrArray *targets)
{
    char b[SUM_ADDR_STRLEN], fb[SUM_FRAME_STRLEN];
    GString *counts = g_string_new(NULL);
    for (int s = SUM_STATUS_OK; s < SUM_STATUS_COUNT; s++) {
        guint n = sum_status_count(targets, s);
        if (n > 0)
            g_string_append_printf(counts, "%s%u %s", counts->len ? ", " : ": ", n,
                                   sum_report_status_word(s));
    }
    sum_text_put(o, 2, "\n%sTargets%s (%u%s)", sum_text_c(o, C_BOLD), sum_text_c(o, C_RESET),
                 targets->len, counts->str);
    g_string_free(counts, TRUE);
    if (targets->len == 0) {
        sum_text_put(o, 2, "  none");
        return;
    }
    int aw = 6;
    for (guint i = 0; i < targets->len; i++) {
        const SumTargetStatus *st = g_ptr_array_index(targets, i);
        aw = MAX(aw, (int)strlen(a2s(&st->target, b)));
    }
    sum_text_row(o, "  %-*s  %-9s %5s  %-11s %s", aw, "target", "status", "conns", "first frame",
                 "issue");
    for (guint i = 0; i < targets->len; i++) {
        const SumTargetStatus *st = g_ptr_array_index(targets, i);
        gchar *issue = sum_report_issue_text(st);
        sum_text_row(o, "  %-*s  %s%-9s%s %5u  %-11s %s", aw, a2s(&st->target, b),
                     status_color(o, st->status), sum_report_status_word(st->status),
                     sum_text_c(o, C_RESET), st->n_channels,
                     sum_frame_text(rep->capture, st->first_frame, fb, sizeof fb), issue);
        g_free(issue);
    }
}
