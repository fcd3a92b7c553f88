/* report-csv.c: the ledger, the findings, the channels and the targets as
 * tables a spreadsheet opens: one file each in a folder (allocations,
 * findings, channels, targets; .csv or .tsv). CSV follows RFC 4180 (fields
 * with a comma, a quote or a line break quoted, quotes doubled, CRLF line
 * ends); TSV (IANA text/tab-separated-values) cannot carry a tab or a line
 * break in a field, so those become spaces. Values are the JSON report's
 * (docs/json.md), null as an empty field, lists joined by spaces, frames as
 * the other reports write them (N, or F#N with several files). Each file is
 * written whole to a temporary name and renamed (g_file_set_contents), and no
 * file is written over a capture. Columns: docs/sumscope.md. */
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>

#include "sum-status.h"

typedef struct {
    GString *s;
    gboolean tsv;
    gboolean first;           /* no field on this row yet */
    const SumCaptureSummary *capture;
} Table;

static void
field(Table *t, const char *v)
{
    if (!t->first)
        g_string_append_c(t->s, t->tsv ? '\t' : ',');
    t->first = FALSE;
    if (v == NULL)
        return;
    if (t->tsv) {
        for (const char *p = v; *p; p++)
            g_string_append_c(t->s, (*p == '\t' || *p == '\n' || *p == '\r') ? ' ' : *p);
        return;
    }
    if (strpbrk(v, ",\"\r\n") == NULL) {
        g_string_append(t->s, v);
        return;
    }
    g_string_append_c(t->s, '"');
    for (const char *p = v; *p; p++) {
        if (*p == '"')
            g_string_append_c(t->s, '"');
        g_string_append_c(t->s, *p);
    }
    g_string_append_c(t->s, '"');
}

static void
end_row(Table *t)
{
    g_string_append(t->s, t->tsv ? "\n" : "\r\n");
    t->first = TRUE;
}

static void
header(Table *t, const char *const *names)
{
    for (; *names != NULL; names++)
        field(t, *names);
    end_row(t);
}

static void
num(Table *t, gint64 v)
{
    char b[24];
    g_snprintf(b, sizeof b, "%" G_GINT64_FORMAT, v);
    field(t, b);
}

static void
addr(Table *t, const SumAddr *a)
{
    char b[SUM_ADDR_STRLEN];
    field(t, a->family != 0 ? sum_addr_to_string(a, b, sizeof b) : NULL);
}

/* As the JSON writes times: ISO 8601 UTC with microseconds, empty for none. */
static void
when(Table *t, gint64 us)
{
    if (us == 0 || us == G_MAXINT64) {
        field(t, NULL);
        return;
    }
    GDateTime *dt = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    GDateTime *full = dt != NULL ? g_date_time_add(dt, us % G_USEC_PER_SEC) : NULL;
    gchar *s = full != NULL ? g_date_time_format(full, "%Y-%m-%dT%H:%M:%S.%fZ") : NULL;
    field(t, s);
    g_free(s);
    if (full != NULL)
        g_date_time_unref(full);
    if (dt != NULL)
        g_date_time_unref(dt);
}

static void
frame(Table *t, SumFrame f)
{
    char b[SUM_FRAME_STRLEN];
    field(t, f != 0 ? sum_frame_text(t->capture, f, b, sizeof b) : NULL);
}

static void
frames(Table *t, const GArray *list)
{
    gchar *s = sum_frame_list(t->capture, list, G_MAXUINT, " ");
    field(t, s);
    g_free(s);
}

static void
index_or_null(Table *t, gint v)
{
    if (v >= 0)
        num(t, v);
    else
        field(t, NULL);
}

static void
allocations(Table *t, const SumResult *r)
{
    static const char *const cols[] = {
        "host", "family", "port", "base", "offset", "range_end", "cause", "conflicting_ports",
        "evidence", "confidence", "session", "first_peer", "connections", "first", "last",
        "first_frame", "frames", NULL};
    header(t, cols);
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        addr(t, &a->host);
        field(t, sum_plan_family_name(a->family));
        num(t, a->port);
        num(t, a->base);
        num(t, a->offset);
        num(t, a->range_end);
        field(t, sum_plan_cause_name(a->cause));
        GString *cp = g_string_new(NULL);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            g_string_append_printf(cp, "%s%u", k ? " " : "",
                                   g_array_index(a->conflicting_ports, guint16, k));
        field(t, cp->str);
        g_string_free(cp, TRUE);
        field(t, sum_evidence_name(a->conflict_evidence));
        field(t, sum_plan_confidence_name(a->confidence));
        num(t, a->session);
        addr(t, &a->first_peer);
        num(t, a->n_connections);
        when(t, a->t_first);
        when(t, a->t_last);
        frame(t, a->first_frame);
        frames(t, a->frames);
        end_row(t);
    }
}

static void
findings(Table *t, const SumResult *r)
{
    static const char *const cols[] = {"code", "severity", "host", "port", "family", "peer",
                                       "message", "advice", "evidence", "count", "first",
                                       "frames", NULL};
    header(t, cols);
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        field(t, sum_plan_finding_name(f->code));
        field(t, sum_plan_severity_name(f->severity));
        addr(t, &f->host);
        num(t, f->port);
        field(t, sum_plan_family_name(f->family));
        addr(t, &f->peer);
        field(t, f->message);
        field(t, f->advice);
        field(t, sum_evidence_name(f->evidence));
        num(t, f->count);
        when(t, f->t_first);
        frames(t, f->frames);
        end_row(t);
    }
}

static void
channels(Table *t, const SumResult *r)
{
    static const char *const cols[] = {
        "family", "transport", "client", "client_port", "server", "server_port", "sum_host",
        "target", "port", "state", "client_payload", "server_payload", "syn_count", "session",
        "confidence", "first_frame", "last_frame", "first", "last", "packets", "bytes",
        "allocation", "peer_allocation", "search_step", NULL};
    header(t, cols);
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        const SumConn *c = &ch->conn;
        field(t, sum_plan_family_name(ch->family));
        field(t, c->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp");
        addr(t, &c->orig);
        num(t, c->orig_port);
        addr(t, &c->resp);
        num(t, c->resp_port);
        addr(t, &ch->sum_host);
        addr(t, &ch->target);
        num(t, ch->sum_port);
        field(t, sum_conn_state_name(c->state));
        field(t, sum_payload_name(c->orig_payload));
        field(t, sum_payload_name(c->resp_payload));
        num(t, c->syn_count);
        num(t, ch->session);
        field(t, sum_plan_confidence_name(ch->confidence));
        frame(t, c->first_frame);
        frame(t, c->last_frame);
        when(t, c->t_first);
        when(t, c->t_last);
        num(t, (gint64)c->packets);
        num(t, (gint64)c->bytes);
        index_or_null(t, ch->alloc != NULL ? (gint)ch->alloc->index : -1);
        index_or_null(t, ch->peer_alloc != NULL ? (gint)ch->peer_alloc->index : -1);
        field(t, ch->search_step ? "true" : "false");
        end_row(t);
    }
}

static void
targets(Table *t, const SumResult *r)
{
    static const char *const cols[] = {"target", "status", "sum_host", "connections",
                                       "first_frame", "issues", "issue_family", "issue_host",
                                       "issue_port", "issue_used", NULL};
    header(t, cols);
    GPtrArray *st = sum_status_targets(r);
    for (guint i = 0; i < st->len; i++) {
        const SumTargetStatus *s = g_ptr_array_index(st, i);
        const SumStatusIssue *is =
            s->issues->len ? &g_array_index(s->issues, SumStatusIssue, 0) : NULL;
        addr(t, &s->target);
        field(t, sum_status_name(s->status));
        addr(t, &s->sum_host);
        num(t, s->n_channels);
        frame(t, s->first_frame);
        num(t, s->issues->len);
        field(t, is != NULL ? sum_plan_family_name(is->family) : NULL);
        if (is != NULL) {
            addr(t, &is->holder);
            num(t, is->port);
        } else {
            field(t, NULL);
            field(t, NULL);
        }
        if (is != NULL && is->used != 0)
            num(t, is->used);
        else
            field(t, NULL);
        end_row(t);
    }
    g_ptr_array_unref(st);
}

/* pcap (either byte order, µs or ns) and pcapng (section header block). */
static gboolean
is_capture(const guint8 m[4])
{
    static const guint8 magics[][4] = {{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
                                       {0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
                                       {0x0a, 0x0d, 0x0d, 0x0a}};
    for (gsize i = 0; i < G_N_ELEMENTS(magics); i++) {
        if (memcmp(m, magics[i], 4) == 0)
            return TRUE;
    }
    return FALSE;
}

gboolean
sum_report_output_allowed(const char *path, GError **error)
{
    if (strcmp(path, "-") == 0 || !g_file_test(path, G_FILE_TEST_EXISTS))
        return TRUE;
    if (g_file_test(path, G_FILE_TEST_IS_DIR)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: is a folder, not a file",
                    path);
        return FALSE;
    }
    FILE *f = g_fopen(path, "rb");
    guint8 m[4];
    gboolean capture = f != NULL && fread(m, 1, 4, f) == 4 && is_capture(m);
    if (f != NULL)
        fclose(f);
    if (capture) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                    "%s: is a capture file: a report does not write over it", path);
        return FALSE;
    }
    return TRUE;
}

typedef void (*TableFunc)(Table *t, const SumResult *r);

gboolean
sum_report_csv(const SumReport *report, const char *dir, gboolean tsv, GError **error)
{
    static const char *const names[] = {"allocations", "findings", "channels", "targets"};
    static const TableFunc fill[] = {allocations, findings, channels, targets};
    if (g_mkdir_with_parents(dir, 0777) != 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "%s: cannot make the "
                    "folder: %s", dir, g_strerror(errno));
        return FALSE;
    }
    gchar *paths[G_N_ELEMENTS(names)];
    gboolean ok = TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++) {
        gchar *base = g_strconcat(names[i], tsv ? ".tsv" : ".csv", NULL);
        paths[i] = g_build_filename(dir, base, NULL);
        g_free(base);
        /* Every file is checked before any is written: all or none. */
        if (ok && !sum_report_output_allowed(paths[i], error))
            ok = FALSE;
    }
    for (gsize i = 0; ok && i < G_N_ELEMENTS(names); i++) {
        Table t = {g_string_new(NULL), tsv, TRUE, report->capture};
        fill[i](&t, report->result);
        GError *err = NULL;
        if (!g_file_set_contents_full(paths[i], t.s->str, (gssize)t.s->len,
                                      G_FILE_SET_CONTENTS_CONSISTENT, 0666, &err)) {
            g_set_error(error, G_FILE_ERROR, err->code, "%s: cannot write: %s", paths[i],
                        err->message);
            g_error_free(err);
            ok = FALSE;
        }
        g_string_free(t.s, TRUE);
    }
    for (gsize i = 0; i < G_N_ELEMENTS(names); i++)
        g_free(paths[i]);
    return ok;
}
