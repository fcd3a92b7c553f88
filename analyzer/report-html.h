/* report-html.h: what the HTML reporter's files share (report-html.c, the
 * page and its tables; report-html-timeline.c, the charts;
 * report-html-status.c, what failed and the targets). Not for other
 * reporters. */
#ifndef SUM_REPORT_HTML_H
#define SUM_REPORT_HTML_H

#include "report.h"

G_BEGIN_DECLS

/* S escaped for text and attributes (NULL as ""). */
gchar *sum_html_esc(const char *s);
/* "YYYY-MM-DD HH:MM:SS.mmm UTC" */
gchar *sum_html_time(gint64 us);

void sum_html_legend(FILE *out);
/* The charts of SUM host H (nothing when it has no connection). */
void sum_html_timeline(FILE *out, const SumResult *r, const SumCaptureSummary *cap,
                       const SumHost *h);

/* TARGETS: from sum_status_targets. */
void sum_html_failed(FILE *out, const SumReport *rep, const GPtrArray *targets);
void sum_html_targets(FILE *out, const SumReport *rep, const GPtrArray *targets);

G_END_DECLS

#endif /* SUM_REPORT_HTML_H */
