/* report-text.c: the story for people. A summary first (who is who, what
 * failed, which ports to open where), then the ledger per host, then the
 * findings with their evidence, then what was read. */
#include "report.h"

#include <string.h>

typedef struct {
    FILE *out;
    gboolean color;
} Out;

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

static const char *
c(const Out *o, const char *code)
{
    return o->color ? code : "";
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

static void
summary(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    char b[SUM_ADDR_STRLEN];
    fprintf(o->out, "%sSUM port story%s  (port plan: %s, %s)\n", c(o, C_BOLD), c(o, C_RESET),
            r->profile->name, r->profile_reason);
    if (r->hosts->len == 0) {
        fprintf(o->out, "  No SUM traffic found: no SUM host or target, no allocation, no "
                        "finding.\n");
        return;
    }
    for (int role = SUM_ROLE_SUM_HOST; role <= SUM_ROLE_TARGET; role++) {
        fprintf(o->out, "  %-10s", role == SUM_ROLE_SUM_HOST ? "SUM hosts:" : "targets:");
        guint n = 0;
        for (guint i = 0; i < r->hosts->len; i++) {
            const SumHost *h = g_ptr_array_index(r->hosts, i);
            if ((int)h->role != role)
                continue;
            fprintf(o->out, "%s%s (%s)", n++ ? ", " : " ", addr(&h->addr, b),
                    sum_plan_confidence_name(h->confidence));
        }
        fputc('\n', o->out);
    }
    guint errors = 0, warnings = 0;
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        errors += f->severity >= SUM_SEVERITY_ERROR;
        warnings += f->severity == SUM_SEVERITY_WARNING;
    }
    fprintf(o->out, "  %u allocation%s, %s%u error%s%s, %s%u warning%s%s\n",
            r->allocations->len, r->allocations->len == 1 ? "" : "s",
            errors ? c(o, C_RED) : "", errors, errors == 1 ? "" : "s", c(o, C_RESET),
            warnings ? c(o, C_YELLOW) : "", warnings, warnings == 1 ? "" : "s", c(o, C_RESET));
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (f->severity < SUM_SEVERITY_ERROR)
            continue;
        fprintf(o->out, "  %sfailed:%s %s\n", c(o, C_RED), c(o, C_RESET), f->message);
    }
    gboolean head = FALSE;
    for (guint i = 0; rep->remedies != NULL && i < rep->remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rep->remedies, i);
        if (m->windows == NULL)
            continue;
        if (!head)
            fprintf(o->out, "  open:\n");
        head = TRUE;
        char pb[SUM_ADDR_STRLEN];
        fprintf(o->out, "    %s %u/%s on %s%s%s\n", m->inbound ? "inbound" : "outbound",
                m->port, m->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp", addr(&m->host, b),
                m->peer.family ? (m->inbound ? " from " : " to ") : "",
                m->peer.family ? addr(&m->peer, pb) : "");
    }
}

static void
ledger(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    char b[SUM_ADDR_STRLEN];
    fprintf(o->out, "\n%sAllocations%s\n", c(o, C_BOLD), c(o, C_RESET));
    if (r->allocations->len == 0) {
        fprintf(o->out, "  none\n");
        return;
    }
    const SumAllocation *prev = NULL;
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (prev == NULL || !sum_addr_equal(&prev->host, &a->host)) {
            const SumHost *h = sum_result_host(r, &a->host);
            fprintf(o->out, "  %s%s%s (%s)\n", c(o, C_BOLD), addr(&a->host, b), c(o, C_RESET),
                    h != NULL ? sum_plan_role_name(h->role) : "host");
            fprintf(o->out, "    %-9s %5s %5s %3s  %-12s %-14s %-9s %-6s %5s  %-15s  %-15s  %s\n",
                    "family", "port", "base", "off", "cause", "in the way", "evidence", "conf",
                    "conns", "first (UTC)", "last (UTC)", "frames");
        }
        prev = a;
        GString *cp = g_string_new(NULL);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            g_string_append_printf(cp, "%s%u", k ? "," : "",
                                   g_array_index(a->conflicting_ports, guint16, k));
        gchar *fr = sum_frame_list(rep->capture, a->frames, 6, ",");
        gboolean notable = a->cause != SUM_CAUSE_DEFAULT && a->cause != SUM_CAUSE_IPC_RESERVED;
        gchar *t0 = fmt_clock(a->t_first), *t1 = fmt_clock(a->t_last);
        fprintf(o->out, "    %-9s %5u %5u %3u  %s%-12s%s %-14s %-9s %-6s %5u  %-15s  %-15s  %s\n",
                sum_plan_family_name(a->family), a->port, a->base, a->offset,
                notable ? c(o, a->cause == SUM_CAUSE_CONCURRENT ? C_CYAN : C_YELLOW) : "",
                sum_plan_cause_name(a->cause), notable ? c(o, C_RESET) : "",
                cp->len ? cp->str : "-",
                a->conflicting_ports->len ? sum_evidence_name(a->conflict_evidence) : "-",
                sum_plan_confidence_name(a->confidence), a->n_connections, t0, t1, fr);
        g_free(t0);
        g_free(t1);
        g_free(fr);
        g_string_free(cp, TRUE);
    }
}

static void
findings(const Out *o, const SumReport *rep)
{
    const SumResult *r = rep->result;
    fprintf(o->out, "\n%sFindings%s\n", c(o, C_BOLD), c(o, C_RESET));
    if (r->findings->len == 0) {
        fprintf(o->out, "  none\n");
        return;
    }
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        gchar *fr = sum_frame_list(rep->capture, f->frames, 8, ",");
        gchar *t = fmt_time(f->t_first);
        fprintf(o->out, "  %s%-7s%s %s%s%s\n", sev_color(o, f->severity),
                sum_plan_severity_name(f->severity), c(o, C_RESET), c(o, C_BOLD),
                sum_plan_finding_name(f->code), c(o, C_RESET));
        fprintf(o->out, "          %s\n", f->message);
        fprintf(o->out, "          %sframes %s, first at %s, evidence: %s%s\n", c(o, C_DIM), fr,
                t, sum_evidence_name(f->evidence), c(o, C_RESET));
        if (f->advice != NULL)
            fprintf(o->out, "          what to do: %s\n", f->advice);
        g_free(fr);
        g_free(t);
    }
    gboolean head = FALSE;
    for (guint i = 0; rep->remedies != NULL && i < rep->remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(rep->remedies, i);
        if (m->windows == NULL)
            continue;
        if (!head)
            fprintf(o->out, "\n%sFirewall rules%s\n", c(o, C_BOLD), c(o, C_RESET));
        head = TRUE;
        fprintf(o->out, "  %s\n    Windows:   %s\n    firewalld: %s\n    nft:       %s\n",
                m->why, m->windows, m->firewalld, m->nft);
    }
}

static void
counters(const Out *o, const SumCaptureSummary *s)
{
    gchar *t0 = fmt_time(s->t_first), *t1 = fmt_time(s->t_last);
    fprintf(o->out, "\n%sCapture%s\n", c(o, C_BOLD), c(o, C_RESET));
    for (guint i = 0; i < s->files->len; i++) {
        const char *name = g_ptr_array_index(s->files, i);
        if (!sum_frame_several_files(s)) {
            fprintf(o->out, "  file: %s\n", name);
            continue;
        }
        /* Several files: frames are written FILE#FRAME, FILE as numbered here. */
        const SumFileFrames *ff = &g_array_index(s->file_frames, SumFileFrames, i);
        fprintf(o->out, "  file %u: %s (frames %u#1 to %u#%" G_GUINT64_FORMAT ")\n", i + 1,
                name, i + 1, i + 1, ff->count);
    }
    if (sum_frame_several_files(s))
        fprintf(o->out, "  frames are written FILE#FRAME: the file as numbered here, the "
                        "frame as Wireshark numbers it in that file\n");
    fprintf(o->out, "  %" G_GUINT64_FORMAT " packets, %" G_GUINT64_FORMAT " bytes", s->packets,
            s->bytes);
    if (s->packets > 0)
        fprintf(o->out, ", %s to %s", t0, t1);
    fputc('\n', o->out);
    GString *lt = g_string_new(NULL);
    for (guint i = 0; i < s->link_types->len; i++)
        g_string_append_printf(lt, "%s%s", i ? ", " : "",
                               (const char *)g_ptr_array_index(s->link_types, i));
    fprintf(o->out, "  link types: %s\n", lt->len ? lt->str : "-");
    fprintf(o->out, "  skipped frames: %" G_GUINT64_FORMAT " truncated, %" G_GUINT64_FORMAT
                    " invalid, %" G_GUINT64_FORMAT " unsupported link, %" G_GUINT64_FORMAT
                    " fragments, %" G_GUINT64_FORMAT " not IP\n",
            s->truncated, s->invalid, s->unsupported, s->fragments, s->not_ip);
    if (s->flows_evicted || s->conns_dropped)
        fprintf(o->out, "  memory cap: %" G_GUINT64_FORMAT " live flows evicted early, %"
                        G_GUINT64_FORMAT " connections counted but not kept\n",
                s->flows_evicted, s->conns_dropped);
    g_string_free(lt, TRUE);
    g_free(t0);
    g_free(t1);
}

gboolean
sum_report_text(const SumReport *report, FILE *out, GError **error)
{
    Out o = {out, report->color};
    summary(&o, report);
    if (!report->quiet)
        ledger(&o, report);
    findings(&o, report);
    if (!report->quiet)
        counters(&o, report->capture);
    if (ferror(out)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write the report");
        return FALSE;
    }
    return TRUE;
}
