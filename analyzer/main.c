/* main.c: sumscope's command line. The only place that parses options,
 * prints to the user and chooses exit codes (0 SUM traffic and nothing
 * wrong, 1 findings of the --fail-on severity or worse (default: warning),
 * 2 usage or input error, 3 no SUM traffic in the capture). */
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <glib.h>

#include "output.h"
#include <json-glib/json-glib.h>

#include "capture.h"
#include "cli-util.h"
#include "pipeline.h"
#include "report.h"
#include "sum-revision.h"
#include "sum-verdict.h"

#ifndef SUMSCOPE_VERSION
#define SUMSCOPE_VERSION "0.0.0"
#endif

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_TROUBLE 2
#define EXIT_NO_SUM 3

typedef struct {
    gchar *json;          /* --json FILE: "-" is stdout */
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
    gchar **read;         /* -r FILE, repeatable (tcpdump's habit) */
    gchar *iface;         /* -i IFACE: a live capture instead of files */
    gchar *write;         /* -w FILE: keep what -i captured */
    gdouble duration;     /* --duration SECONDS of -i; 0: until Ctrl-C */
    gchar **files;        /* -r's files, then the positional ones */
    gchar *fail_on;       /* --fail-on error|warning|never */
    SumSeverity fail_min; /* its severity; SUM_SEVERITY_COUNT: never */
} Options;

static Options opt;

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

static gboolean
use_color(void)
{
    if (opt.color == NULL || g_strcmp0(opt.color, "auto") == 0)
        return g_getenv("NO_COLOR") == NULL && isatty(STDOUT_FILENO);
    return g_strcmp0(opt.color, "always") == 0;
}

/* -i goes without capture files; --duration and -w go with -i only; -w is
 * a new file or a non-capture, never a report's. */
static gboolean
check_live_options(GError **error)
{
    const char *bad = NULL;
    if (opt.iface != NULL && opt.files != NULL && opt.files[0] != NULL)
        bad = "give either -i IFACE or capture files, not both";
    else if (opt.iface == NULL && (opt.write != NULL || opt.duration != 0))
        bad = "-w and --duration go with -i IFACE (a live capture)";
    else if (opt.duration < 0)
        bad = "--duration takes a number of seconds over 0";
    else if (opt.iface != NULL && opt.each)
        bad = "--each is for capture files, not -i";
    else if (g_strcmp0(opt.write, "-") == 0)
        bad = "-w -: standard output carries the report; give -w a file";
    if (bad != NULL) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "%s", bad);
        return FALSE;
    }
    if (opt.write == NULL)
        return TRUE;
    if (!sum_output_check("-w", opt.write, NULL, error))
        return FALSE;
    if (g_strcmp0(opt.write, opt.json) == 0 || g_strcmp0(opt.write, opt.html) == 0) {
        g_set_error(error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                    "-w and a report both write %s: give each its own file", opt.write);
        return FALSE;
    }
    return TRUE;
}

/* -r FILE and positional captures are one list, -r's first. */
static void
merge_inputs(void)
{
    if (opt.read == NULL)
        return;
    GPtrArray *all = g_ptr_array_new();
    for (gchar **f = opt.read; *f != NULL; f++)
        g_ptr_array_add(all, g_strdup(*f));
    for (gchar **f = opt.files; f != NULL && *f != NULL; f++)
        g_ptr_array_add(all, g_strdup(*f));
    g_ptr_array_add(all, NULL);
    g_strfreev(opt.files);
    opt.files = (gchar **)g_ptr_array_free(all, FALSE);
}

/* Every report is written whole before any is renamed into place, so a
 * failure leaves none of them half written (output.h). */
static gboolean
write_reports(const SumReport *rep, GError **error)
{
    SumOutput *json = NULL, *html = NULL;
    gboolean json_to_stdout = opt.json != NULL && strcmp(opt.json, "-") == 0;
    gboolean ok = TRUE;
    if (opt.json != NULL && (json = sum_output_open(opt.json, error)) == NULL)
        ok = FALSE;
    if (ok && json != NULL && !sum_report_json(rep, sum_output_stream(json), error)) {
        g_prefix_error(error, "%s: ", json_to_stdout ? "standard output" : opt.json);
        ok = FALSE;
    }
    if (ok && opt.html != NULL && (html = sum_output_open(opt.html, error)) == NULL)
        ok = FALSE;
    if (ok && html != NULL && !sum_report_html(rep, sum_output_stream(html), error)) {
        g_prefix_error(error, "%s: ", strcmp(opt.html, "-") == 0 ? "standard output"
                                                                  : opt.html);
        ok = FALSE;
    }
    if (ok && opt.csv != NULL)
        ok = sum_report_csv(rep, opt.csv, FALSE, error);
    if (ok && opt.tsv != NULL)
        ok = sum_report_csv(rep, opt.tsv, TRUE, error);
    if (ok && !json_to_stdout)
        ok = sum_report_text(rep, stdout, error);
    if (ok && json != NULL) {
        ok = sum_output_commit(json, error);
        json = NULL;
    }
    if (ok && html != NULL) {
        ok = sum_output_commit(html, error);
        html = NULL;
    }
    sum_output_discard(json);
    sum_output_discard(html);
    return ok;
}

/* The report files may be written: neither is an input or an existing
 * capture (so "--json a.pcapng b.pcap" cannot take the customer's capture
 * for the report's name), and they are not one file. */
static gboolean
check_outputs(GError **error)
{
    const char *const *inputs = (const char *const *)opt.files;
    if (opt.json != NULL && !sum_output_check("--json", opt.json, inputs, error))
        return FALSE;
    if (opt.html != NULL && !sum_output_check("--html", opt.html, inputs, error))
        return FALSE;
    if (opt.json != NULL && opt.html != NULL) {
        g_autofree gchar *a = g_canonicalize_filename(opt.json, NULL);
        g_autofree gchar *b = g_canonicalize_filename(opt.html, NULL);
        if (strcmp(opt.json, opt.html) == 0 || strcmp(a, b) == 0) {
            g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                        "--json and --html both write %s: give each its own file",
                        strcmp(opt.json, "-") == 0 ? "to standard output" : opt.json);
            return FALSE;
        }
    }
    return TRUE;
}

/* The exit status of an analysed capture: 1 with findings of the --fail-on
 * severity or worse, else 3 when core's verdict is that the capture holds no
 * SUM (sum-verdict.h), else 0. */
static int
result_status(const SumResult *res)
{
    if (opt.fail_min < SUM_SEVERITY_COUNT && sum_result_count_severity(res, opt.fail_min) > 0)
        return EXIT_FINDINGS;
    return sum_verdict_is_sum(res->verdict) ? EXIT_CLEAN : EXIT_NO_SUM;
}

/* The worse of two exit statuses (--each): trouble, findings, no SUM, clean. */
static int
worse_status(int a, int b)
{
    static const int rank[] = {0, 2, 3, 1}; /* by status 0..3 */
    return rank[a] >= rank[b] ? a : b;
}

/* Reconstructs what PIPE read, writes the reports and frees PIPE; returns
 * the exit status. */
static int
report(SumPipeline *pipe)
{
    int status = EXIT_CLEAN;
    SumResult *res = sum_pipeline_finish(pipe);
    SumReport rep = {0};
    rep.result = res;
    rep.capture = sum_pipeline_summary(pipe);
    rep.remedies = sum_remedy_build(res);
    rep.color = use_color();
    rep.quiet = opt.quiet;
    rep.width = sum_cli_text_width();
    rep.program_version = SUMSCOPE_VERSION;
    GError *error = NULL;
    if (!write_reports(&rep, &error)) {
        sum_cli_fail("%s", error != NULL ? error->message : "cannot write the report");
        g_clear_error(&error);
        status = EXIT_TROUBLE;
    } else {
        status = result_status(res);
    }
    g_ptr_array_unref(rep.remedies);
    sum_result_free(res);
    sum_pipeline_free(pipe);
    return status;
}

/* Analyses FILES as one capture; returns the exit status. */
static int
analyse(gchar **files, const SumProfile *profile, const GArray *hints)
{
    SumPipeline *pipe = sum_pipeline_new(profile, hints);
    for (gchar **f = files; *f != NULL; f++) {
        GError *error = NULL;
        gchar *warning = NULL;
        if (sum_cli_want_progress(*f))
            sum_pipeline_set_progress(pipe, sum_cli_progress, *f);
        gboolean ok = sum_pipeline_read(pipe, *f, opt.filter, &warning, &error);
        if (sum_cli_want_progress(*f))
            fputs("\r\033[K", stderr);
        sum_pipeline_set_progress(pipe, NULL, NULL);
        if (!ok) {
            sum_cli_fail("%s", error->message);
            g_error_free(error);
            sum_pipeline_free(pipe);
            return EXIT_TROUBLE;
        }
        if (warning != NULL) {
            sum_cli_fail("warning: %s", warning);
            g_free(warning);
        }
    }
    return report(pipe);
}

static SumLive *live_now; /* the capture SIGINT ends */

static void
on_stop_signal(int sig)
{
    if (live_now != NULL)
        sum_live_stop(live_now); /* async-signal-safe: a flag and pcap_breakloop */
}

/* -w FILE: every frame -i captures, into a temporary renamed when the
 * capture ends (output.h). */
static gboolean
start_dump(SumLive *live, SumOutput **dump, GError **error)
{
    *dump = NULL;
    if (opt.write == NULL)
        return TRUE;
    *dump = sum_output_open(opt.write, error);
    return *dump != NULL && sum_live_dump_to(live, sum_output_stream(*dump), error);
}

/* Captures from -i IFACE until --duration or Ctrl-C (SIGINT), then reports
 * as for a file; returns the exit status. */
static int
analyse_live(const SumProfile *profile, const GArray *hints)
{
    GError *error = NULL;
    SumOutput *dump = NULL;
    SumLive *live = sum_live_open(opt.iface, opt.filter, &error);
    if (live == NULL || !start_dump(live, &dump, &error)) {
        sum_cli_fail("%s", error->message);
        g_error_free(error);
        sum_output_discard(dump);
        sum_live_close(live);
        return EXIT_TROUBLE;
    }
    SumPipeline *pipe = sum_pipeline_new(profile, hints);
    sum_pipeline_set_live_findings(pipe, sum_cli_live_finding, NULL);
    struct sigaction sa, old;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_stop_signal;
    sigemptyset(&sa.sa_mask);
    live_now = live;
    sigaction(SIGINT, &sa, &old);
    if (isatty(STDERR_FILENO))
        fprintf(stderr, "sumscope: capturing on %s, %s\n", opt.iface,
                opt.duration > 0 ? "for the duration given (Ctrl-C stops sooner)"
                                 : "Ctrl-C stops and reports");
    g_autofree gchar *name = g_strdup_printf("%s (live)", opt.iface);
    gboolean ok = sum_pipeline_read_live(pipe, live, name, opt.duration, &error);
    sigaction(SIGINT, &old, NULL); /* a second Ctrl-C interrupts the report */
    live_now = NULL;
    guint64 dropped = sum_live_dropped(live);
    sum_live_close(live);
    if (ok && dump != NULL) {
        ok = sum_output_commit(dump, &error);
        dump = NULL;
    }
    sum_output_discard(dump);
    if (!ok) {
        sum_cli_fail("%s", error->message);
        g_error_free(error);
        sum_pipeline_free(pipe);
        return EXIT_TROUBLE;
    }
    if (dropped > 0)
        sum_cli_fail("warning: %s: the kernel dropped %" G_GUINT64_FORMAT " frames (the report "
             "may miss connections)", opt.iface, dropped);
    return report(pipe);
}

static const GOptionEntry entries[] = {
    {"json", 0, 0, G_OPTION_ARG_FILENAME, &opt.json,
     "Write the JSON report to FILE (- for standard output)", "FILE"},
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
    {"fail-on", 0, 0, G_OPTION_ARG_STRING, &opt.fail_on,
     "Exit 1 on findings of this severity or worse: error, warning (default) or never",
     "LEVEL"},
    {"each", 0, 0, G_OPTION_ARG_NONE, &opt.each, "One report per capture file", NULL},
    {"quiet", 'q', 0, G_OPTION_ARG_NONE, &opt.quiet, "Summary and findings only", NULL},
    {"color", 0, 0, G_OPTION_ARG_STRING, &opt.color, "auto, always or never (NO_COLOR "
     "is honoured)", "WHEN"},
    {"version", 'V', 0, G_OPTION_ARG_NONE, &opt.version, "Print the version", NULL},
    {"interface", 'i', 0, G_OPTION_ARG_STRING, &opt.iface,
     "Capture live from IFACE (root or CAP_NET_RAW), then report; -f is then the "
     "capture filter", "IFACE"},
    {"duration", 0, 0, G_OPTION_ARG_DOUBLE, &opt.duration,
     "With -i: stop after SECONDS (default: at Ctrl-C)", "SECONDS"},
    {"write", 'w', 0, G_OPTION_ARG_FILENAME, &opt.write,
     "With -i: also keep what was captured in FILE (pcap; never over a capture)", "FILE"},
    {"read", 'r', 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.read,
     "Read this capture (as tcpdump -r; repeatable, before the others)", "FILE"},
    {G_OPTION_REMAINING, 0, 0, G_OPTION_ARG_FILENAME_ARRAY, &opt.files, NULL, "CAPTURE..."},
    {NULL, 0, 0, 0, NULL, NULL, NULL},
};

static GOptionContext *
option_context(void)
{
    GOptionContext *ctx = g_option_context_new("- explain HP SUM port traffic");
    g_option_context_set_summary(ctx,
        "Reads pcap/pcapng captures (- for standard input; gzip, zstd or lz4 too), or\n"
        "captures live with -i, and tells which ports HP Smart Update Manager used,\n"
        "which allocations fell back and why, what ran past the documented ranges, and\n"
        "what a firewall blocked or refused.");
    g_option_context_set_description(ctx,
        "Severity: a fallback that worked (a port taken, a range overflowed) is a\n"
        "warning; a port that blocked or refused SUM is an error.\n"
        "\n"
        "Exit status: 0 SUM traffic and nothing wrong, 1 findings of the --fail-on\n"
        "severity or worse (default warning; never: not for findings), 2 usage or\n"
        "input error, 3 no SUM traffic in the capture (what was looked for and what\n"
        "to check are in the report).");
    g_option_context_add_main_entries(ctx, entries, NULL);
    return ctx;
}

/* The values of --color and --fail-on; FALSE after saying what is wrong. */
static gboolean
check_words(void)
{
    if (opt.color != NULL && g_strcmp0(opt.color, "auto") != 0 &&
        g_strcmp0(opt.color, "always") != 0 && g_strcmp0(opt.color, "never") != 0) {
        sum_cli_fail("--color takes auto, always or never, not '%s'", opt.color);
        return FALSE;
    }
    opt.fail_min = SUM_SEVERITY_WARNING;
    if (opt.fail_on == NULL || g_ascii_strcasecmp(opt.fail_on, "warning") == 0)
        return TRUE;
    if (g_ascii_strcasecmp(opt.fail_on, "error") == 0) {
        opt.fail_min = SUM_SEVERITY_ERROR;
    } else if (g_ascii_strcasecmp(opt.fail_on, "never") == 0) {
        opt.fail_min = SUM_SEVERITY_COUNT;
    } else {
        sum_cli_fail("--fail-on takes error, warning or never, not '%s'", opt.fail_on);
        return FALSE;
    }
    return TRUE;
}

/* Parses and checks the command line; FALSE after saying what is wrong. */
static gboolean
parse_options(GOptionContext *ctx, int *argc, char ***argv)
{
    GError *error = NULL;
    gboolean ok = g_option_context_parse(ctx, argc, argv, &error);
    if (!ok) {
        sum_cli_fail("%s (try --help)", error->message);
    } else if (opt.version) {
        return TRUE;
    } else {
        merge_inputs();
        if (!(ok = check_live_options(&error)))
            sum_cli_fail("%s", error->message);
        else if ((ok = opt.iface != NULL || (opt.files != NULL && opt.files[0] != NULL)) == FALSE)
            sum_cli_fail("no capture file given (try --help)");
        else if (!(ok = check_outputs(&error)))
            sum_cli_fail("%s", error->message);
        else
            ok = check_words();
    }
    g_clear_error(&error);
    if (ok && opt.each && g_strv_length(opt.files) > 1 &&
        (opt.json != NULL || opt.html != NULL || opt.csv != NULL || opt.tsv != NULL)) {
        sum_cli_fail("--each writes one report per file: use it without --json/--html/--csv/--tsv, or "
             "run once per file");
        ok = FALSE;
    }
    return ok;
}

/* --profile and --range: the plan to use (NULL: auto), *CUSTOM the copy
 * --range made (freed by the caller). FALSE after saying what is wrong. */
static gboolean
choose_profile(const SumProfile **profile, SumProfile **custom)
{
    *profile = NULL;
    *custom = NULL;
    if (opt.profile != NULL && g_ascii_strcasecmp(opt.profile, "auto") != 0) {
        *profile = sum_plan_profile_by_name(opt.profile);
        if (*profile == NULL) {
            sum_cli_fail("--profile takes auto, classic, 7 or 8, not '%s'", opt.profile);
            return FALSE;
        }
    }
    if (opt.ranges == NULL)
        return TRUE;
    *custom = sum_plan_profile_copy(*profile != NULL ? *profile : sum_plan_profile_default());
    for (gchar **r = opt.ranges; *r != NULL; r++) {
        GError *error = NULL;
        if (!sum_plan_profile_apply_override(*custom, *r, &error)) {
            sum_cli_fail("--range: %s", error->message);
            g_error_free(error);
            return FALSE;
        }
    }
    *profile = *custom;
    return TRUE;
}

/* --sum-host into HINTS (SumAddr); FALSE after saying what is wrong. */
static gboolean
collect_hints(GArray *hints)
{
    for (gchar **h = opt.sum_hosts; h != NULL && *h != NULL; h++) {
        SumAddr a;
        if (!sum_addr_from_string(&a, *h)) {
            sum_cli_fail("--sum-host: '%s' is not an IPv4 or IPv6 address", *h);
            return FALSE;
        }
        g_array_append_val(hints, a);
    }
    return TRUE;
}

/* Live, one report per file (--each), or all files as one capture. */
static int
run(const SumProfile *profile, const GArray *hints)
{
    if (opt.iface != NULL)
        return analyse_live(profile, hints);
    if (!opt.each)
        return analyse(opt.files, profile, hints);
    int status = EXIT_CLEAN;
    for (gchar **f = opt.files; *f != NULL; f++) {
        gchar *one[] = {*f, NULL};
        /* The text goes to stdout unless the JSON does: no header in JSON. */
        if (opt.json == NULL || strcmp(opt.json, "-") != 0) {
            if (f != opt.files)
                printf("\n");
            printf("== %s\n", *f);
            fflush(stdout);
        }
        status = worse_status(status, analyse(one, profile, hints));
    }
    return status;
}

static void
free_options(void)
{
    g_free(opt.json);
    g_free(opt.html);
    g_free(opt.csv);
    g_free(opt.tsv);
    g_free(opt.filter);
    g_free(opt.profile);
    g_free(opt.color);
    g_free(opt.fail_on);
    g_strfreev(opt.sum_hosts);
    g_strfreev(opt.ranges);
    g_strfreev(opt.files);
    g_strfreev(opt.read);
    g_free(opt.iface);
    g_free(opt.write);
}

int
main(int argc, char **argv)
{
    int status = EXIT_TROUBLE;
    SumProfile *custom = NULL;
    const SumProfile *profile = NULL;
    GArray *hints = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    GOptionContext *ctx = option_context();
    if (!parse_options(ctx, &argc, &argv))
        goto out;
    if (opt.version) {
        print_version();
        status = EXIT_CLEAN;
    } else if (choose_profile(&profile, &custom) && collect_hints(hints)) {
        status = run(profile, hints);
    }
out:
    sum_plan_profile_free(custom);
    g_array_free(hints, TRUE);
    g_option_context_free(ctx);
    free_options();
    return status;
}
