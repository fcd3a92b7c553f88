/* cli-util.c: what sumscope's command line prints besides the reports
 * (cli-util.h). */
#include "cli-util.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define PROGRESS_MIN_BYTES (16u << 20) /* files smaller than this get no bar */

void
sum_cli_fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "sumscope: %s\n", msg);
    g_free(msg);
}

void
sum_cli_progress(guint64 done, guint64 total, gpointer user)
{
    if (total == 0)
        return;
    int width = 40, filled = (int)(width * (double)done / (double)total);
    fprintf(stderr, "\r%s [", (const char *)user);
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %3d%%", (int)(100.0 * (double)done / (double)total));
}

gboolean
sum_cli_want_progress(const char *path)
{
    GStatBuf st;
    return isatty(STDERR_FILENO) && strcmp(path, "-") != 0 && g_stat(path, &st) == 0 &&
           (guint64)st.st_size >= PROGRESS_MIN_BYTES;
}

/* Columns the text report may use: COLUMNS, else the terminal's width, else
 * 80 (a pipe or a file: what a pager or an e-mail shows). */
guint
sum_cli_text_width(void)
{
    const char *env = g_getenv("COLUMNS");
    guint64 n = 0;
    if (env != NULL && g_ascii_string_to_unsigned(env, 10, 20, 10000, &n, NULL))
        return (guint)n;
    struct winsize ws;
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col >= 20)
        return ws.ws_col;
    return 80;
}

void
sum_cli_live_finding(const SumFinding *f, gpointer user)
{
    (void)user;
    char host[SUM_ADDR_STRLEN], peer[SUM_ADDR_STRLEN];
    g_autoptr(GDateTime) t = g_date_time_new_from_unix_utc(f->t_first / G_USEC_PER_SEC);
    g_autofree gchar *clock = t != NULL ? g_date_time_format(t, "%H:%M:%S") : g_strdup("-");
    g_autofree gchar *syns = f->code == SUM_FINDING_PORT_BLOCKED && f->syn_count > 1
                                 ? g_strdup_printf(", %u SYNs", f->syn_count)
                                 : g_strdup("");
    g_autofree gchar *more = f->peers->len > 1
                                 ? g_strdup_printf(" and %u more", f->peers->len - 1)
                                 : g_strdup("");
    fprintf(stderr, "sumscope: %s %s %s:%u (%s; %u attempt%s%s, from %s%s)\n", clock,
            sum_plan_finding_name(f->code), sum_addr_to_string(&f->host, host, sizeof host),
            f->port, sum_plan_severity_name(f->severity), f->count, f->count == 1 ? "" : "s",
            syns, sum_addr_to_string(&f->peer, peer, sizeof peer), more);
    fflush(stderr);
}
