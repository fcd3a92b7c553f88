/* report-status.c: the words for core's per-target status (sum-status.c),
 * one place for the text and HTML reports: a group of targets' issue in one
 * clause, a target's worst issue in a few words. */
#include "report.h"

#include "sum-status.h"

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

const char *
sum_report_status_word(SumStatus s)
{
    return s == SUM_STATUS_FELL_BACK ? "fell back" : sum_status_name(s);
}

/* What happened at the group's port, in one clause. */
gchar *
sum_report_group_clause(const SumStatusGroup *g)
{
    char b[SUM_ADDR_STRLEN];
    const char *fam = sum_plan_family_name(g->family);
    guint n = g->targets->len;
    const char *ts = n == 1 ? "target" : "targets";
    if (g->status == SUM_STATUS_FELL_BACK && g->cause == SUM_CAUSE_OVERFLOW)
        return g_strdup_printf("%s ports on %s ran past %u, the documented end (up to %u) for "
                               "%u %s", fam, a2s(&g->holder, b), g->port, g->used, n, ts);
    if (g->status == SUM_STATUS_FELL_BACK && g->on_targets)
        return g_strdup_printf("%s port %u taken on %u %s: SUM used %u there", fam, g->port, n,
                               ts, g->used);
    if (g->status == SUM_STATUS_FELL_BACK)
        return g_strdup_printf("%s port %u on %s taken: SUM used %u for %u %s", fam, g->port,
                               a2s(&g->holder, b), g->used, n, ts);
    const char *what = g->status == SUM_STATUS_BLOCKED ? "never answered" : "refused";
    if (g->on_targets)
        return g_strdup_printf("%s port %u %s on %u %s", fam, g->port, what, n, ts);
    /* "callbacks to 61001", "web connections to 63002" */
    const char *conns = g->family == SUM_FAMILY_CALLBACK ? "s" : " connections";
    if (g->status == SUM_STATUS_BLOCKED)
        return g_strdup_printf("%s%s to %u on %s dropped from %u %s", fam, conns, g->port,
                               a2s(&g->holder, b), n, ts);
    return g_strdup_printf("%s%s to %u on %s refused from %u %s", fam, conns, g->port,
                           a2s(&g->holder, b), n, ts);
}

/* A target's worst issue in a few words. */
gchar *
sum_report_issue_text(const SumTargetStatus *st)
{
    if (st->issues->len == 0)
        return g_strdup("-");
    const SumStatusIssue *is = &g_array_index(st->issues, SumStatusIssue, 0);
    char b[SUM_ADDR_STRLEN];
    const char *fam = sum_plan_family_name(is->family);
    gchar *where = sum_addr_equal(&is->holder, &st->target)
                       ? g_strdup("")
                       : g_strdup_printf(" on %s", a2s(&is->holder, b));
    gchar *text;
    if (is->status == SUM_STATUS_FELL_BACK && is->cause == SUM_CAUSE_OVERFLOW)
        text = g_strdup_printf("%s %u%s past %u", fam, is->used, where, is->port);
    else if (is->status == SUM_STATUS_FELL_BACK)
        text = g_strdup_printf("%s %u%s taken: %u", fam, is->port, where, is->used);
    else
        text = g_strdup_printf("%s %u%s %s", fam, is->port, where,
                               is->status == SUM_STATUS_BLOCKED ? "dropped" : "refused");
    if (st->issues->len > 1) {
        gchar *more = g_strdup_printf("%s (+%u more)", text, st->issues->len - 1);
        g_free(text);
        text = more;
    }
    g_free(where);
    return text;
}

