/* report-text.c: the story for people. A summary first (who is who, what
 * failed, which ports to open where), then the ledger per host, then the
 * findings with their evidence, then what was read. */
#include "report-text.h"

#include <string.h>

#include "sum-status.h"
#include "sum-verdict.h"
#include "sum-words.h"

/* Targets named in the summary's line; more are counted (the table has all). */
#define SUMMARY_TARGETS 8

typedef SumTextOut Out;

static const char *
c(const Out *o, const char *code)
{
    return sum_text_c(o, code);
}

static const char *
sev_color(const Out *o, SumSeverity s)
{
    return c(o, s >= SUM_SEVERITY_ERROR ? C_RED : s >= SUM_SEVERITY_WARNING ? C_YELLOW : C_CYAN);
}

static const char *
addr(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

/* Splits US into whole seconds and microseconds, flooring (times before 1970
 * come from broken captures, but must still print sanely). */
static GDateTime *
utc_of(gint64 us, gint64 *micro)
{
    gint64 sec = us / G_USEC_PER_SEC, rem = us % G_USEC_PER_SEC;
    if (rem < 0) {
        rem += G_USEC_PER_SEC;
        sec--;
    }
    *micro = rem;
    return g_date_time_new_from_unix_utc(sec);
}

static gchar *
fmt_time(gint64 us)
{
    gint64 micro;
    GDateTime *dt = utc_of(us, &micro);
    if (dt == NULL)
        return g_strdup("?");
    gchar *s = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    gchar *r = g_strdup_printf("%s.%06" G_GINT64_FORMAT " UTC", s, micro);
    g_free(s);
    g_date_time_unref(dt);
    return r;
}

/* Time of day only, for the ledger's columns (the date is in "Capture"). */
static gchar *
fmt_clock(gint64 us)
{
    gint64 micro;
    GDateTime *dt = utc_of(us, &micro);
    if (dt == NULL)
        return g_strdup("?");
    gchar *s = g_date_time_format(dt, "%H:%M:%S");
    gchar *r = g_strdup_printf("%s.%06" G_GINT64_FORMAT, s, micro);
    g_free(s);
    g_date_time_unref(dt);
    return r;
}

/* One role's hosts: named with their confidence, or counted when many. */
static void
role_line(const Out *o, const SumResult *r, SumRole role)
{
    char b[SUM_ADDR_STRLEN];
    guint n = 0, conf[SUM_CONFIDENCE_COUNT] = {0};
    GString *s = g_string_new(NULL);
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != role)
            continue;
        conf[h->confidence]++;
        if (n++ < SUMMARY_TARGETS)
            g_string_append_printf(s, "%s%s (%s)", n > 1 ? ", " : "", addr(&h->addr, b),
                                   sum_plan_confidence_name(h->confidence));
    }
    if (n > SUMMARY_TARGETS) {
        g_string_printf(s, "%u", n);
        for (int k = SUM_CONFIDENCE_COUNT - 1; k > SUM_CONFIDENCE_NONE; k--) {
            if (conf[k] > 0)
                g_string_append_printf(s, "%s%u %s", k == SUM_CONFIDENCE_COUNT - 1 ||
                                       s->str[s->len - 1] == ')' ? " (" : ", ", conf[k],
                                       sum_plan_confidence_name(k));
        }
        g_string_append(s, ")");
    }
    sum_text_put(o, 13, "  %-10s %s", role == SUM_ROLE_SUM_HOST ? "SUM hosts:" : "targets:",
                 s->str);
    g_string_free(s, TRUE);
}

/* A capture that shows no SUM: the verdict, what was looked for and what
 * to check, and no port plan spoken of as if the capture had shown one. */
static void
no_sum(const Out *o, const SumResult *r)
{
    sum_text_put(o, 2, "%sSUM port story%s  (%s%s%s)", c(o, C_BOLD), c(o, C_RESET),
                 c(o, C_YELLOW), sum_verdict_title(r->verdict), c(o, C_RESET));
    sum_text_put(o, 4, "  Verdict: %s. No port plan is established: the capture shows no "
                       "sign of any SUM generation.", sum_verdict_name(r->verdict));
    sum_text_put(o, 2, "  Looked for:");
    for (gchar **l = r->looked_for; l != NULL && *l != NULL; l++)
        sum_text_put(o, 6, "    %s", *l);
    sum_text_put(o, 2, "  Check:");
    for (const char *const *k = sum_verdict_checks(); *k != NULL; k++)
        sum_text_put(o, 6, "    - %s", *k);
}

/* Each SUM host's port plan, how sure and why, where there are several
 * (with one, the summary's first line is its). */
static void
plan_lines(const Out *o, const SumResult *r)
{
    guint n = 0;
    for (guint i = 0; i < r->hosts->len; i++)
        n += ((const SumHost *)g_ptr_array_index(r->hosts, i))->role == SUM_ROLE_SUM_HOST;
    if (n < 2)
        return;
    guint shown = 0;
    for (guint i = 0; i < r->hosts->len && shown < SUMMARY_TARGETS; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_SUM_HOST)
            continue;
        gchar *line = sum_words_host_plan(h);
        sum_text_put(o, 13, "  %-10s %s", shown++ == 0 ? "plans:" : "", line);
        g_free(line);
    }
}

static void
summary(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    if (!sum_verdict_is_sum(r->verdict)) {
        no_sum(o, r);
        return;
    }
    const char *gen = sum_result_generation_name(r);
    gchar *sure = r->profile_confidence > SUM_CONFIDENCE_NONE
                      ? g_strdup_printf("; %s confidence",
                                        sum_plan_confidence_name(r->profile_confidence))
                      : g_strdup("");
    sum_text_put(o, 2, "%sSUM port story%s  (port plan: %s, %s%s)", c(o, C_BOLD), c(o, C_RESET),
                 gen != NULL ? gen : r->profile->name, r->profile_reason, sure);
    g_free(sure);
    role_line(o, r, SUM_ROLE_SUM_HOST);
    plan_lines(o, r);
    role_line(o, r, SUM_ROLE_TARGET);
    guint errors = 0, warnings = 0;
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        errors += f->severity >= SUM_SEVERITY_ERROR;
        warnings += f->severity == SUM_SEVERITY_WARNING;
    }
    sum_text_put(o, 4, "  %u allocation%s, %s%u error%s%s, %s%u warning%s%s",
                 r->allocations->len, r->allocations->len == 1 ? "" : "s",
                 errors ? c(o, C_RED) : "", errors, errors == 1 ? "" : "s", c(o, C_RESET),
                 warnings ? c(o, C_YELLOW) : "", warnings, warnings == 1 ? "" : "s",
                 c(o, C_RESET));
}

/* The capture filter, and what a limited view cannot tell (core's words). */
static void
view(const Out *o, const SumResult *r)
{
    if (r->view_note != NULL)
        sum_text_put(o, 4, "  %sview:%s %s", c(o, C_YELLOW), c(o, C_RESET), r->view_note);
    if (r->view_advice != NULL)
        sum_text_put(o, 4, "    how to tell: %s", r->view_advice);
}

/* What the findings come down to, before the findings themselves. */
static void
root_causes(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    if (r->root_causes->len == 0)
        return;
    sum_text_put(o, 2, "\n%sWhat it comes down to%s", c(o, C_BOLD), c(o, C_RESET));
    for (guint i = 0; i < r->root_causes->len; i++) {
        const SumRootCause *rc = g_ptr_array_index(r->root_causes, i);
        gchar *fr = sum_frame_list(rep->capture, rc->frames, 8, ",");
        sum_text_put(o, 12, "  %s%s%s (%s)", c(o, C_BOLD), sum_root_cause_name(rc->code),
                     c(o, C_RESET), sum_plan_confidence_name(rc->confidence));
        sum_text_put(o, 12, "          %s", rc->message);
        sum_text_put(o, 12, "          %sexplains %u finding%s; frames %s, evidence: %s%s",
                     c(o, C_DIM), rc->findings->len, rc->findings->len == 1 ? "" : "s", fr,
                     sum_evidence_name(rc->evidence), c(o, C_RESET));
        if (rc->advice != NULL)
            sum_text_put(o, 12, "          what to do: %s", rc->advice);
        g_free(fr);
    }
}

/* The ledger is 130 columns wide in one line per allocation; narrower, each
 * allocation takes two: what it is, then how it is known and when. */
#define LEDGER_WIDE 132

static void
ledger_head(const Out *o, const SumResult *r, const SumAllocation *a, gboolean wide)
{
    char b[SUM_ADDR_STRLEN];
    const SumHost *h = sum_result_host(r, &a->host);
    sum_text_row(o, "  %s%s%s (%s)", c(o, C_BOLD), addr(&a->host, b), c(o, C_RESET),
                 h != NULL ? sum_plan_role_name(h->role) : "host");
    if (wide)
        sum_text_row(o, "    %-9s %5s %5s %3s  %-12s %-14s %-9s %-6s %5s  %-15s  %-15s  %s",
                     "family", "port", "base", "off", "cause", "in the way", "evidence", "conf",
                     "conns", "first (UTC)", "last (UTC)", "frames");
    else
        sum_text_row(o, "    %-9s %5s %5s %3s  %-12s %-6s %5s  %s", "family", "port", "base",
                     "off", "cause", "conf", "conns", "(then: when, frames)");
}

static void
ledger_row(const Out *o, const SumReport *rep, const SumAllocation *a, gboolean wide)
{
    GString *cp = g_string_new(NULL);
    for (guint k = 0; k < a->conflicting_ports->len; k++)
        g_string_append_printf(cp, "%s%u", k ? "," : "",
                               g_array_index(a->conflicting_ports, guint16, k));
    gchar *fr = sum_frame_list(rep->capture, a->frames, 6, ",");
    gboolean notable = a->cause != SUM_CAUSE_DEFAULT && a->cause != SUM_CAUSE_IPC_RESERVED;
    const char *on = notable ? c(o, a->cause == SUM_CAUSE_CONCURRENT ? C_CYAN : C_YELLOW) : "";
    const char *off = notable ? c(o, C_RESET) : "";
    const char *ev = a->conflicting_ports->len ? sum_evidence_name(a->conflict_evidence) : "-";
    gchar *t0 = fmt_clock(a->t_first), *t1 = fmt_clock(a->t_last);
    if (wide) {
        sum_text_row(o, "    %-9s %5u %5u %3u  %s%-12s%s %-14s %-9s %-6s %5u  %-15s  %-15s  %s",
                     sum_plan_family_name(a->family), a->port, a->base, a->offset, on,
                     sum_plan_cause_name(a->cause), off, cp->len ? cp->str : "-", ev,
                     sum_plan_confidence_name(a->confidence), a->n_connections, t0, t1, fr);
    } else {
        sum_text_row(o, "    %-9s %5u %5u %3u  %s%-12s%s %-6s %5u", sum_plan_family_name(a->family),
                     a->port, a->base, a->offset, on, sum_plan_cause_name(a->cause), off,
                     sum_plan_confidence_name(a->confidence), a->n_connections);
        gchar *way = cp->len ? g_strdup_printf("in the way: %s (%s), ", cp->str, ev)
                             : g_strdup("");
        sum_text_put(o, 8, "      %s%s to %s, frames %s", way, t0, t1, fr);
        g_free(way);
    }
    g_free(t0);
    g_free(t1);
    g_free(fr);
    g_string_free(cp, TRUE);
}

static void
ledger(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    gboolean wide = o->width == 0 || o->width >= LEDGER_WIDE;
    sum_text_put(o, 2, "\n%sAllocations%s", c(o, C_BOLD), c(o, C_RESET));
    if (r->allocations->len == 0) {
        sum_text_put(o, 2, "  none");
        return;
    }
    const SumAllocation *prev = NULL;
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (prev == NULL || !sum_addr_equal(&prev->host, &a->host))
            ledger_head(o, r, a, wide);
        prev = a;
        ledger_row(o, rep, a, wide);
    }
}

static void
firewall_rules(const Out *o, const SumReport *rep)
{
    gboolean head = FALSE;
    for (guint i = 0; rep->remedies != NULL && i < rep->remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rep->remedies, i);
        if (m->windows == NULL)
            continue;
        if (!head) {
            sum_text_put(o, 2, "\n%sFirewall rules%s", c(o, C_BOLD), c(o, C_RESET));
            if (o->width != 0)
                sum_text_put(o, 2, "  (a command too wide for the terminal goes on with ^ "
                                   "in cmd, \\ in a shell; --json has each on one line)");
        }
        head = TRUE;
        sum_text_put(o, 4, "  %s", m->why);
        sum_text_put(o, 6, "    Windows (elevated cmd):");
        sum_text_command(o, 6, " ^", m->windows);
        sum_text_put(o, 6, "    firewalld:");
        sum_text_command(o, 6, " \\", m->firewalld);
        sum_text_put(o, 6, "    nft:");
        sum_text_command(o, 6, " \\", m->nft);
    }
}

static void
findings(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    sum_text_put(o, 2, "\n%sFindings%s", c(o, C_BOLD), c(o, C_RESET));
    if (r->findings->len == 0)
        sum_text_put(o, 2, "  none");
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        gchar *fr = sum_frame_list(rep->capture, f->frames, 8, ",");
        gchar *t = fmt_time(f->t_first);
        sum_text_put(o, 10, "  %s%-7s%s %s%s%s", sev_color(o, f->severity),
                     sum_plan_severity_name(f->severity), c(o, C_RESET), c(o, C_BOLD),
                     sum_plan_finding_name(f->code), c(o, C_RESET));
        sum_text_put(o, 12, "          %s", f->message);
        sum_text_put(o, 12, "          %sframes %s, first at %s, evidence: %s, confidence: %s%s%s%s",
                     c(o, C_DIM), fr, t, sum_evidence_name(f->evidence),
                     sum_plan_confidence_name(f->confidence),
                     f->root_cause != NULL ? ", comes down to " : "",
                     f->root_cause != NULL ? sum_root_cause_name(f->root_cause->code) : "",
                     c(o, C_RESET));
        if (f->advice != NULL)
            sum_text_put(o, 12, "          what to do: %s", f->advice);
        g_free(fr);
        g_free(t);
    }
    firewall_rules(o, rep);
}

static void
counters(const Out *o, const SumCaptureSummary *s)
{
    gchar *t0 = fmt_time(s->t_first), *t1 = fmt_time(s->t_last);
    sum_text_put(o, 2, "\n%sCapture%s", c(o, C_BOLD), c(o, C_RESET));
    for (guint i = 0; i < s->files->len; i++) {
        const char *name = g_ptr_array_index(s->files, i);
        if (!sum_frame_several_files(s)) {
            sum_text_put(o, 4, "  file: %s", name);
            continue;
        }
        /* Several files: frames are written FILE#FRAME, FILE as numbered here. */
        const SumFileFrames *ff = &g_array_index(s->file_frames, SumFileFrames, i);
        sum_text_put(o, 4, "  file %u: %s (frames %u#1 to %u#%" G_GUINT64_FORMAT ")", i + 1,
                     name, i + 1, i + 1, ff->count);
    }
    if (sum_frame_several_files(s))
        sum_text_put(o, 4, "  frames are written FILE#FRAME: the file as numbered here, the "
                           "frame as Wireshark numbers it in that file");
    GString *line = g_string_new(NULL);
    g_string_printf(line, "  %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " bytes",
                    s->packets, s->bytes);
    if (s->packets > 0)
        g_string_append_printf(line, ", %s to %s", t0, t1);
    sum_text_put(o, 4, "%s", line->str);
    g_string_truncate(line, 0);
    for (guint i = 0; i < s->link_types->len; i++)
        g_string_append_printf(line, "%s%s", i ? ", " : "",
                               (const char *)g_ptr_array_index(s->link_types, i));
    sum_text_put(o, 4, "  link types: %s", line->len ? line->str : "-");
    sum_text_put(o, 4, "  skipped frames: %" G_GUINT64_FORMAT " truncated, %" G_GUINT64_FORMAT
                       " invalid, %" G_GUINT64_FORMAT " unsupported link, %" G_GUINT64_FORMAT
                       " fragments, %" G_GUINT64_FORMAT " not IP",
                 s->truncated, s->invalid, s->unsupported, s->fragments, s->not_ip);
    for (guint i = 0; s->unsupported_links != NULL && i < s->unsupported_links->len; i++) {
        const SumLinkCount *lc = g_ptr_array_index(s->unsupported_links, i);
        sum_text_put(o, 4, "  unsupported link type %s (LINKTYPE %u): %" G_GUINT64_FORMAT
                           " frames", lc->name, lc->linktype, lc->frames);
    }
    for (guint i = 0; s->stops != NULL && i < s->stops->len; i++) {
        const SumCaptureStop *st = g_ptr_array_index(s->stops, i);
        g_autofree gchar *at = st->offset >= 0
                                   ? g_strdup_printf(", byte %" G_GINT64_FORMAT, st->offset)
                                   : g_strdup("");
        sum_text_put(o, 4, "  %s: %s at frame %" G_GUINT64_FORMAT "%s: %s", st->file,
                     st->kind == SUM_STOP_CUT_OFF ? "cut off" : "stopped", st->frame, at,
                     st->reason);
    }
    if (s->flows_evicted || s->conns_dropped)
        sum_text_put(o, 4, "  memory cap: %" G_GUINT64_FORMAT " live flows evicted early, %"
                           G_GUINT64_FORMAT " connections counted but not kept",
                     s->flows_evicted, s->conns_dropped);
    g_string_free(line, TRUE);
    g_free(t0);
    g_free(t1);
}

gboolean
sum_report_text(const SumReport *report, FILE *out, GError **error)
{
    Out o = {out, report->color, report->width};
    GPtrArray *targets = sum_status_targets(report->result);
    summary(&o, report);
    view(&o, report->result);
    root_causes(&o, report);
    if (report->result->hosts->len > 0)
        sum_text_failed(&o, report, targets);
    if (!report->quiet && targets->len > 0)
        sum_text_targets(&o, report, targets);
    if (!report->quiet)
        ledger(&o, report);
    findings(&o, report);
    if (!report->quiet)
        counters(&o, report->capture);
    g_ptr_array_unref(targets);
    if (ferror(out)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write the report");
        return FALSE;
    }
    return TRUE;
}
