/* main.c: sumscope's command line. The only place that parses options,
 * prints to the user and chooses exit codes (0 analysed and nothing wrong,
 * 1 findings of warning severity or worse, 2 usage or input error). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib.h>
#include <glib/gstdio.h>

#include <json-glib/json-glib.h>

#include "capture.h"
#include "pipeline.h"
#include "report.h"
#include "sum-revision.h"

#ifndef SUMSCOPE_VERSION
#define SUMSCOPE_VERSION "0.0.0"
#endif

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2
#define PROGRESS_MIN_BYTES (16u << 20) /* files smaller than this get no bar */

typedef struct {
    gchar *json;          /* --json[=FILE]: "-" is stdout */
    gchar *html;
    gchar *csv;           /* --csv DIR */
    gchar *tsv;           /* --tsv DIR */
    gchar *filter;
    gchar **sum_hosts;
    gchar **ranges;
    gchar *profile;
    gchar *color;
    gboolean quiet;
    gboolean each;
    gboolean version;
    gchar **files;
} Options;

static Options opt;

static gboolean
on_json(const gchar *name, const gchar *value, gpointer data, GError **error)
{
    g_free(opt.json);
    opt.json = g_strdup(value != NULL && *value ? value : "-");
    return TRUE;
}

static void
fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

static void
fail(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    fprintf(stderr, "sumscope: %s\n", msg);
    g_free(msg);
}

/* Writing an output file: to a temporary beside it, renamed on success, so a
 * failure never leaves a partial file behind. */
typedef struct {
    gchar *path;
    gchar *tmp;
    FILE *fp;
} OutFile;

static gboolean
out_open(OutFile *o, const char *path, GError **error)
{
    memset(o, 0, sizeof *o);
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return TRUE;
    }
    if (!sum_report_output_allowed(path, error))
        return FALSE;
    o->path = g_strdup(path);
    o->tmp = g_strdup_printf("%s.XXXXXX", path);
    int fd = g_mkstemp(o->tmp);
    if (fd < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot write: %s",
                    path, g_strerror(errno));
        g_clear_pointer(&o->tmp, g_free);
        g_clear_pointer(&o->path, g_free);
        return FALSE;
    }
    /* g_mkstemp makes it 0600; give it what a plain fopen would have. */
    mode_t mask = umask(0);
    umask(mask);
    if (fchmod(fd, 0666 & ~mask) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot write: %s",
                    path, g_strerror(errno));
        close(fd);
        g_unlink(o->tmp);
        g_clear_pointer(&o->tmp, g_free);
        g_clear_pointer(&o->path, g_free);
        return FALSE;
    }
    return TRUE;
}

static gboolean
out_close(OutFile *o, gboolean keep, GError **error)
{
    gboolean ok = keep;
    if (o->fp == stdout) {
        ok = fflush(stdout) == 0 && keep;
    } else if (o->fp != NULL) {
        ok = (fclose(o->fp) == 0) && keep;
        if (ok && g_rename(o->tmp, o->path) != 0) {
            g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno),
                        "%s: cannot write: %s", o->path, g_strerror(errno));
            ok = FALSE;
        }
        if (!ok)
            g_unlink(o->tmp);
    }
    g_free(o->path);
    g_free(o->tmp);
    memset(o, 0, sizeof *o);
    return ok;
}

static void
progress(guint64 done, guint64 total, gpointer user)
{
    if (total == 0)
        return;
    int width = 40, filled = (int)(width * (double)done / (double)total);
    fprintf(stderr, "\r%s [", (const char *)user);
    for (int i = 0; i < width; i++)
        fputc(i < filled ? '#' : ' ', stderr);
    fprintf(stderr, "] %3d%%", (int)(100.0 * (double)done / (double)total));
}

static gboolean
want_progress(const char *path)
{
    GStatBuf st;
    return isatty(STDERR_FILENO) && strcmp(path, "-") != 0 && g_stat(path, &st) == 0 &&
           (guint64)st.st_size >= PROGRESS_MIN_BYTES;
}

/* --version: ours and what we run with. GLib's is the library loaded at run
 * time; json-glib has no run-time version call, so its is the one built with. */
static void
print_version(void)
{
    printf("sumscope %s (revision %s)\n", SUMSCOPE_VERSION, SUMSCOPE_REVISION);
    printf("%s\n", sum_capture_lib_version());
    printf("GLib %u.%u.%u\n", glib_major_version, glib_minor_version, glib_micro_version);
    printf("json-glib %s\n", JSON_VERSION_S);
}

/* Columns the text report may use: COLUMNS, else the terminal's width, else
 * 80 (a pipe or a file: what a pager or an e-mail shows). */
static guint
text_width(void)
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

static gboolean
use_color(void)
{
    if (opt.color == NULL || g_strcmp0(opt.color, "auto") == 0)
        return g_getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
    return g_strcmp0(opt.color, "always") == 0;
}

static gboolean
write_reports(const SumReport *rep, GError **error)
{
    OutFile o;
    gboolean json_to_stdout = opt.json != NULL && strcmp(opt.json, "-") == 0;
    if (opt.json != NULL) {
        if (!out_open(&o, opt.json, error))
            return FALSE;
        gboolean ok = sum_report_json(rep, o.fp, error);
        if (!out_close(&o, ok, error))
            return FALSE;
    }
    if (opt.html != NULL) {
        if (!out_open(&o, opt.html, error))
            return FALSE;
        gboolean ok = sum_report_html(rep, o.fp, error);
        if (!out_close(&o, ok, error))
            return FALSE;
    }
    if (opt.csv != NULL && !sum_report_csv(rep, opt.csv, FALSE, error))
        return FALSE;
    if (opt.tsv != NULL && !sum_report_csv(rep, opt.tsv, TRUE, error))
        return FALSE;
    if (!json_to_stdout)
        return sum_report_text(rep, stdout, error);
    return TRUE;
}

/* Analyses FILES as one capture; returns the exit status. */
static int
analyse(gchar **files, const SumProfile *profile, const GArray *hints)
{
    SumPipeline *pipe = sum_pipeline_new(profile, hints);
    int status = EXIT_CLEAN;
    for (gchar **f = files; *f != NULL; f++) {
        GError *error = NULL;
        gchar *warning = NULL;
        if (want_progress(*f))
            sum_pipeline_set_progress(pipe, progress, *f);
        gboolean ok = sum_pipeline_read(pipe, *f, opt.filter, &warning, &error);
        if (want_progress(*f))
            fputs("\r\033[K", stderr);
        sum_pipeline_set_progress(pipe, NULL, NULL);
        if (!ok) {
            fail("%s", error->message);
            g_error_free(error);
            sum_pipeline_free(pipe);
            return EXIT_TROUBLE;
        }
        if (warning != NULL) {
            fail("warning: %s", warning);
            g_free(warning);
        }
    }
    SumResult *res = sum_pipeline_finish(pipe);
    SumReport rep = {0};
    rep.result = res;
    rep.capture = sum_pipeline_summary(pipe);
    rep.remedies = sum_remedy_build(res);
    rep.color = use_color();
    rep.quiet = opt.quiet;
    rep.width = text_width();
    rep.program_version = SUMSCOPE_VERSION;
    GError *error = NULL;
    if (!write_reports(&rep, &error)) {
        fail("%s", error != NULL ? error->message : "cannot write the report");
        g_clear_error(&error);
        status = EXIT_TROUBLE;
    } else if (sum_result_count_severity(res, SUM_SEVERITY_WARNING) > 0) {
        status = EXIT_FINDINGS;
    }
    g_ptr_array_unref(rep.remedies);
    sum_result_free(res);
    sum_pipeline_free(pipe);
    return status;
}

int
main(int argc, char **argv)
{
    const GOptionEntry entries[] = {
        {"json", 0, G_OPTION_FLAG_OPTIONAL_ARG, G_OPTION_ARG_CALLBACK, (gpointer)on_json,
         "Write the JSON report to FILE (standard output without FILE or with -)", "FILE"},
        {"html", 0, 0, G_OPTION_ARG_FILENAME, &opt.html,
         "Write a self-contained HTML timeline to FILE", "FILE"},
        {"csv", 0, 0, G_OPTION_ARG_FILENAME, &opt.csv,
         "Write the tables (allocations, findings, channels, targets) as CSV files into DIR",
         "DIR"},
        {"tsv", 0, 0, G_OPTION_ARG_FILENAME, &opt.tsv,
         "The same tables as tab-separated files into DIR", "DIR"},
        {"filter", 'f', 0, G_OPTION_ARG_STRING, &opt.filter,
         "Only frames matching this libpcap filter", "BPF"},
        {"sum-host", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.sum_hosts,
         "This address runs SUM (a hint where the capture cannot show it; repeatable)", "ADDR"},
        {"range", 0, 0, G_OPTION_ARG_STRING_ARRAY, &opt.ranges,
         "Override a family's documented range, e.g. message=60000-60015 (repeatable)",
         "FAMILY=LO-HI"},
        {"profile", 0, 0, G_OPTION_ARG_STRING, &opt.profile,
         "SUM generation's port plan: auto, classic, 7 or 8 (default auto)", "NAME"},
        {"each", 0, 0, G_OPTION_ARG_NONE, &opt.each, "One report per capture file", NULL},
        {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet, "Summary and findings only", NULL},
        {"color", 0, 0, G_OPTION_ARG_STRING, &opt.color, "auto, always or never (NO_COLOR "
         "is honoured)", "WHEN"},
        {"version", 'V', 0, G_OPTION_ARG_NONE, &opt.version, "Print the version", NULL},
        {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.files, NULL, "CAPTURE..."},
        {NULL, 0, 0, 0, NULL, NULL, NULL},
    };
    GOptionContext *ctx = g_option_context_new("- explain HP SUM port traffic");
    g_option_context_set_summary(ctx,
        "Reads pcap/pcapng captures (- for standard input) and tells which ports HP Smart\n"
        "Update Manager used, which allocations fell back and why, what ran past the\n"
        "documented ranges, and what a firewall blocked or refused.");
    g_option_context_set_description(ctx,
        "Exit status: 0 analysed and nothing wrong, 1 findings of warning severity or\n"
        "worse, 2 usage or input error.");
    g_option_context_add_main_entries(ctx, entries, NULL);
    GError *error = NULL;
    int status = EXIT_TROUBLE;
    SumProfile *custom = NULL;
    GArray *hints = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    if (!g_option_context_parse(ctx, &argc, &argv, &error)) {
        fail("%s (try --help)", error->message);
        goto out;
    }
    if (opt.version) {
        print_version();
        status = EXIT_CLEAN;
        goto out;
    }
    if (opt.files == NULL || opt.files[0] == NULL) {
        fail("no capture file given (try --help)");
        goto out;
    }
    if (opt.color != NULL && g_strcmp0(opt.color, "auto") != 0 &&
        g_strcmp0(opt.color, "always") != 0 && g_strcmp0(opt.color, "never") != 0) {
        fail("--color takes auto, always or never, not '%s'", opt.color);
        goto out;
    }
    const SumProfile *profile = NULL;
    if (opt.profile != NULL && g_ascii_strcasecmp(opt.profile, "auto") != 0) {
        profile = sum_plan_profile_by_name(opt.profile);
        if (profile == NULL) {
            fail("--profile takes auto, classic, 7 or 8, not '%s'", opt.profile);
            goto out;
        }
    }
    if (opt.ranges != NULL) {
        custom = sum_plan_profile_copy(profile != NULL ? profile : sum_plan_profile_default());
        for (gchar **r = opt.ranges; *r != NULL; r++) {
            if (!sum_plan_profile_apply_override(custom, *r, &error)) {
                fail("--range: %s", error->message);
                goto out;
            }
        }
        profile = custom;
    }
    for (gchar **h = opt.sum_hosts; h != NULL && *h != NULL; h++) {
        SumAddr a;
        if (!sum_addr_from_string(&a, *h)) {
            fail("--sum-host: '%s' is not an IPv4 or IPv6 address", *h);
            goto out;
        }
        g_array_append_val(hints, a);
    }
    if (opt.each && (opt.json != NULL || opt.html != NULL || opt.csv != NULL || opt.tsv != NULL) &&
        g_strv_length(opt.files) > 1) {
        fail("--each writes one report per file: use it without --json/--html/--csv/--tsv, or "
             "run once per file");
        goto out;
    }
    if (opt.each) {
        status = EXIT_CLEAN;
        for (gchar **f = opt.files; *f != NULL; f++) {
            gchar *one[] = {*f, NULL};
            /* The text goes to stdout unless the JSON does: no header in JSON. */
            if (opt.json == NULL || strcmp(opt.json, "-") != 0) {
                if (f != opt.files)
                    printf("\n");
                printf("== %s\n", *f);
                fflush(stdout);
            }
            int s = analyse(one, profile, hints);
            status = MAX(status, s);
        }
    } else {
        status = analyse(opt.files, profile, hints);
    }
out:
    g_clear_error(&error);
    sum_plan_profile_free(custom);
    g_array_free(hints, TRUE);
    g_option_context_free(ctx);
    g_free(opt.json);
    g_free(opt.html);
    g_free(opt.csv);
    g_free(opt.tsv);
    g_free(opt.filter);
    g_free(opt.profile);
    g_free(opt.color);
    g_strfreev(opt.sum_hosts);
    g_strfreev(opt.ranges);
    g_strfreev(opt.files);
    return status;
}
