/* report-html-none.c: stands in while the HTML reporter is not built. */
#include "report.h"
gboolean
sum_report_html(const SumReport *report, FILE *out, GError **error)
{
    (void)report; (void)out;
    g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_NOSYS, "HTML reporting is not built");
    return FALSE;
}
