/* report-html-status.c: the HTML report's first screen on a deployment, what
 * failed grouped by cause and port with every target named and the port to
 * open, and the table of every target's status (folded when long). Core
 * judges (sum-status.c); report-status.c words it. */
#include "report-html.h"

#define HTML_TARGETS_OPEN 20 /* a longer targets table starts folded */

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

static const char *
status_class(SumStatus s)
{
    return s >= SUM_STATUS_REFUSED ? "sev-error" : s == SUM_STATUS_FELL_BACK ? "sev-warning"
                                                                             : "";
}

static gchar *
all_targets(const GArray *targets)
{
    GString *s = g_string_new(NULL);
    char b[SUM_ADDR_STRLEN];
    for (guint i = 0; i < targets->len; i++)
        g_string_append_printf(s, "%s%s", i ? ", " : "",
                               a2s(&g_array_index(targets, SumAddr, i), b));
    gchar *e = sum_html_esc(s->str);
    g_string_free(s, TRUE);
    return e;
}

/* The port to open for group G, from the remediation steps, or NULL. */
static gchar *
open_text(const SumReport *rep, const SumStatusGroup *g)
{
    char b[SUM_ADDR_STRLEN];
    if (g->status == SUM_STATUS_FELL_BACK)
        return g_strdup_printf("Allow %u there: that is where SUM moved.", g->used);
    for (guint i = 0; rep->remedies != NULL && i < rep->remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rep->remedies, i);
        if (m->windows == NULL || m->port != g->port)
            continue;
        if (!g->on_targets && !sum_addr_equal(&m->host, &g->holder))
            continue;
        const char *proto = m->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp";
        if (g->on_targets)
            return g_strdup_printf("Open %s %u/%s on each of them (Remediation below).",
                                   m->inbound ? "inbound" : "outbound", g->port, proto);
        return g_strdup_printf("Open %s %u/%s on %s from them (Remediation below).",
                               m->inbound ? "inbound" : "outbound", g->port, proto,
                               a2s(&g->holder, b));
    }
    return NULL;
}

void
sum_html_failed(FILE *out, const SumReport *rep, const GPtrArray *targets)
{
    GPtrArray *groups = sum_status_groups(targets);
    fprintf(out, "<h2 id=\"failed\">What failed</h2>\n");
    if (groups->len == 0) {
        fprintf(out, "<p class=\"none\">Every target got through on the plan's first "
                     "ports.</p>\n");
        g_ptr_array_unref(groups);
        return;
    }
    fprintf(out, "<ul class=\"groups\">\n");
    for (guint i = 0; i < groups->len; i++) {
        const SumStatusGroup *g = g_ptr_array_index(groups, i);
        gchar *clause = sum_report_group_clause(g), *ec = sum_html_esc(clause);
        gchar *list = all_targets(g->targets), *open = open_text(rep, g);
        gchar *eo = sum_html_esc(open);
        char fb[SUM_FRAME_STRLEN];
        fprintf(out, "<li class=\"group status-%s\" data-status=\"%s\" data-family=\"%s\" "
                     "data-port=\"%u\" data-targets=\"%u\"><b class=\"%s\">%s</b> %s: "
                     "<span class=\"targets\">%s</span>. %s <span class=\"sub\">First frame "
                     "%s.</span></li>\n",
                sum_status_name(g->status), sum_status_name(g->status),
                sum_plan_family_name(g->family), g->port, g->targets->len,
                status_class(g->status), sum_report_status_word(g->status), ec, list, eo,
                sum_frame_text(rep->capture, g->first_frame, fb, sizeof fb));
        g_free(clause);
        g_free(ec);
        g_free(list);
        g_free(open);
        g_free(eo);
    }
    fprintf(out, "</ul>\n");
    g_ptr_array_unref(groups);
}

void
sum_html_targets(FILE *out, const SumReport *rep, const GPtrArray *targets)
{
    if (targets->len == 0)
        return;
    GString *counts = g_string_new(NULL);
    for (int s = SUM_STATUS_COUNT - 1; s >= SUM_STATUS_OK; s--) {
        guint n = sum_status_count(targets, s);
        if (n > 0)
            g_string_append_printf(counts, "%s%u %s", counts->len ? ", " : "", n,
                                   sum_report_status_word(s));
    }
    fprintf(out, "<h2>Targets</h2>\n<details id=\"targets\"%s><summary>%u target%s: %s"
                 "</summary>\n<table><tr><th>target</th><th>status</th><th>connections</th>"
                 "<th>first frame</th><th>issue</th></tr>\n",
            targets->len <= HTML_TARGETS_OPEN ? " open=\"open\"" : "", targets->len,
            targets->len == 1 ? "" : "s", counts->str);
    g_string_free(counts, TRUE);
    char b[SUM_ADDR_STRLEN], fb[SUM_FRAME_STRLEN];
    for (guint i = 0; i < targets->len; i++) {
        const SumTargetStatus *st = g_ptr_array_index(targets, i);
        gchar *issue = sum_report_issue_text(st), *ei = sum_html_esc(issue);
        gchar *et = sum_html_esc(a2s(&st->target, b));
        fprintf(out, "<tr class=\"target status-%s\" data-target=\"%s\"><td>%s</td>"
                     "<td class=\"%s\">%s</td><td class=\"num\">%u</td><td>%s</td><td>%s</td>"
                     "</tr>\n",
                sum_status_name(st->status), et, et, status_class(st->status),
                sum_report_status_word(st->status), st->n_channels,
                sum_frame_text(rep->capture, st->first_frame, fb, sizeof fb), ei);
        g_free(issue);
        g_free(ei);
        g_free(et);
    }
    fprintf(out, "</table>\n</details>\n");
}
