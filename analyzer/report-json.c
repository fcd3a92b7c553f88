/* report-json.c: the JSON output (docs/json.md, docs/sumscope.schema.json),
 * written with json-glib. An interface: keep it stable. */
#include "report.h"

#include <json-glib/json-glib.h>

#include "sum-status.h"
#include "sum-verdict.h"

#define SUM_JSON_SCHEMA_VERSION 3 /* 2: evidence.conflict became evidence.kind;
                                   * 3: generation, generations, hosts[].generation */

static void
add_addr(JsonBuilder *b, const char *name, const SumAddr *a)
{
    char buf[SUM_ADDR_STRLEN];
    json_builder_set_member_name(b, name);
    if (a->family == 0)
        json_builder_add_null_value(b);
    else
        json_builder_add_string_value(b, sum_addr_to_string(a, buf, sizeof buf));
}

static void
add_str(JsonBuilder *b, const char *name, const char *v)
{
    json_builder_set_member_name(b, name);
    if (v == NULL)
        json_builder_add_null_value(b);
    else
        json_builder_add_string_value(b, v);
}

static void
add_int(JsonBuilder *b, const char *name, gint64 v)
{
    json_builder_set_member_name(b, name);
    json_builder_add_int_value(b, v);
}

static void
add_time(JsonBuilder *b, const char *name, gint64 us)
{
    json_builder_set_member_name(b, name);
    if (us == 0 || us == G_MAXINT64) {
        json_builder_add_null_value(b);
        return;
    }
    GDateTime *dt = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    GDateTime *full = dt != NULL ? g_date_time_add(dt, us % G_USEC_PER_SEC) : NULL;
    gchar *s = full != NULL ? g_date_time_format(full, "%Y-%m-%dT%H:%M:%S.%fZ") : NULL;
    if (s != NULL)
        json_builder_add_string_value(b, s);
    else
        json_builder_add_null_value(b);
    g_free(s);
    if (full != NULL)
        g_date_time_unref(full);
    if (dt != NULL)
        g_date_time_unref(dt);
}

/* Seconds since the epoch, with microseconds: for tools that want numbers. */
static void
add_epoch(JsonBuilder *b, const char *name, gint64 us, gboolean known)
{
    json_builder_set_member_name(b, name);
    if (known)
        json_builder_add_double_value(b, (double)us / G_USEC_PER_SEC);
    else
        json_builder_add_null_value(b);
}

static void
add_frames(JsonBuilder *b, const char *name, const GArray *frames)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (guint i = 0; frames != NULL && i < frames->len; i++)
        json_builder_add_int_value(b, (gint64)g_array_index(frames, SumFrame, i));
    json_builder_end_array(b);
}

/* Files not read to their end: where and why (report.h, SumCaptureStop). */
static void
build_stops(JsonBuilder *b, const GPtrArray *stops)
{
    json_builder_set_member_name(b, "stopped");
    json_builder_begin_array(b);
    for (guint i = 0; stops != NULL && i < stops->len; i++) {
        const SumCaptureStop *st = g_ptr_array_index(stops, i);
        json_builder_begin_object(b);
        add_str(b, "file", st->file);
        add_str(b, "kind", st->kind == SUM_STOP_CUT_OFF ? "cut_off" : "bad_record");
        add_int(b, "frame", (gint64)st->frame);
        json_builder_set_member_name(b, "offset");
        if (st->offset >= 0)
            json_builder_add_int_value(b, st->offset);
        else
            json_builder_add_null_value(b);
        add_str(b, "reason", st->reason);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* A frame as Wireshark shows it: {"file": index into capture.files, "frame":
 * its number in that file}, null for none. Beside every run-wide number. */
static void
add_frame_at_value(JsonBuilder *b, const SumCaptureSummary *c, SumFrame frame)
{
    guint file;
    guint64 local;
    if (!sum_frame_locate(c, frame, &file, &local)) {
        json_builder_add_null_value(b);
        return;
    }
    json_builder_begin_object(b);
    add_int(b, "file", file);
    add_int(b, "frame", (gint64)local);
    json_builder_end_object(b);
}

static void
add_frame_at(JsonBuilder *b, const char *name, const SumCaptureSummary *c, SumFrame frame)
{
    json_builder_set_member_name(b, name);
    add_frame_at_value(b, c, frame);
}

static void
add_frames_at(JsonBuilder *b, const char *name, const SumCaptureSummary *c,
              const GArray *frames)
{
    json_builder_set_member_name(b, name);
    json_builder_begin_array(b);
    for (guint i = 0; frames != NULL && i < frames->len; i++)
        add_frame_at_value(b, c, g_array_index(frames, SumFrame, i));
    json_builder_end_array(b);
}

/* The capture filter and how much of SUM the capture can show. */
static void
build_view(JsonBuilder *b, const SumResult *r)
{
    add_str(b, "filter", r->capture_filter);
    json_builder_set_member_name(b, "view");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "partial");
    json_builder_add_boolean_value(b, r->partial_view);
    add_addr(b, "host", &r->view_host);
    add_str(b, "note", r->view_note);
    add_str(b, "advice", r->view_advice);
    json_builder_end_object(b);
}

static void
build_capture(JsonBuilder *b, const SumCaptureSummary *c, const SumResult *r)
{
    json_builder_set_member_name(b, "capture");
    json_builder_begin_object(b);
    build_view(b, r);
    json_builder_set_member_name(b, "files");
    json_builder_begin_array(b);
    for (guint i = 0; i < c->files->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(c->files, i));
    json_builder_end_array(b);
    json_builder_set_member_name(b, "file_frames");
    json_builder_begin_array(b);
    for (guint i = 0; c->file_frames != NULL && i < c->file_frames->len; i++) {
        const SumFileFrames *ff = &g_array_index(c->file_frames, SumFileFrames, i);
        json_builder_begin_object(b);
        add_int(b, "first_frame", (gint64)ff->first);
        add_int(b, "frames", (gint64)ff->count);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    add_int(b, "packets", (gint64)c->packets);
    add_int(b, "bytes", (gint64)c->bytes);
    add_time(b, "first", c->t_first);
    add_time(b, "last", c->t_last);
    add_epoch(b, "first_epoch", c->t_first, c->packets > 0);
    add_epoch(b, "last_epoch", c->t_last, c->packets > 0);
    json_builder_set_member_name(b, "duration");
    json_builder_add_double_value(b, c->packets > 0 ? (c->t_last - c->t_first) / 1e6 : 0.0);
    json_builder_set_member_name(b, "link_types");
    json_builder_begin_array(b);
    for (guint i = 0; i < c->link_types->len; i++)
        json_builder_add_string_value(b, g_ptr_array_index(c->link_types, i));
    json_builder_end_array(b);
    build_stops(b, c->stops);
    json_builder_set_member_name(b, "unsupported_link_types");
    json_builder_begin_array(b);
    for (guint i = 0; c->unsupported_links != NULL && i < c->unsupported_links->len; i++) {
        const SumLinkCount *lc = g_ptr_array_index(c->unsupported_links, i);
        json_builder_begin_object(b);
        add_int(b, "linktype", lc->linktype);
        add_str(b, "name", lc->name);
        add_int(b, "frames", (gint64)lc->frames);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    json_builder_set_member_name(b, "counters");
    json_builder_begin_object(b);
    add_int(b, "truncated", (gint64)c->truncated);
    add_int(b, "invalid", (gint64)c->invalid);
    add_int(b, "unsupported", (gint64)c->unsupported);
    add_int(b, "not_ip", (gint64)c->not_ip);
    add_int(b, "fragments", (gint64)c->fragments);
    add_int(b, "flows_evicted", (gint64)c->flows_evicted);
    add_int(b, "connections_dropped", (gint64)c->conns_dropped);
    json_builder_end_object(b);
    json_builder_end_object(b);
}

static void
build_hosts(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *c)
{
    json_builder_set_member_name(b, "hosts");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        json_builder_begin_object(b);
        add_addr(b, "address", &h->addr);
        add_str(b, "role", sum_plan_role_name(h->role));
        add_str(b, "confidence", sum_plan_confidence_name(h->confidence));
        add_int(b, "peers", h->n_peers);
        add_str(b, "why", h->why);
        add_int(b, "first_frame", (gint64)h->first_frame);
        add_frame_at(b, "first_frame_at", c, h->first_frame);
        /* The plan it was read with; why and how sure, for a SUM host. */
        gboolean own = h->role == SUM_ROLE_SUM_HOST && h->profile != NULL;
        add_str(b, "generation", h->profile != NULL ? h->profile->name : NULL);
        add_str(b, "generation_confidence",
                own ? sum_plan_confidence_name(h->plan_confidence) : NULL);
        add_str(b, "generation_reason", own ? h->plan_reason : NULL);
        add_str(b, "generation_other", own && h->plan_other < SUM_GENERATION_COUNT
                                           ? sum_plan_generation_name(h->plan_other)
                                           : NULL);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
build_channels(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *cap)
{
    json_builder_set_member_name(b, "channels");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        const SumConn *c = &ch->conn;
        json_builder_begin_object(b);
        add_str(b, "family", sum_plan_family_name(ch->family));
        add_str(b, "transport", c->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp");
        add_addr(b, "client", &c->orig);
        add_int(b, "client_port", c->orig_port);
        add_addr(b, "server", &c->resp);
        add_int(b, "server_port", c->resp_port);
        add_addr(b, "sum_host", &ch->sum_host);
        add_addr(b, "target", &ch->target);
        add_int(b, "port", ch->sum_port);
        add_str(b, "state", sum_conn_state_name(c->state));
        add_str(b, "client_payload", sum_payload_name(c->orig_payload));
        add_str(b, "server_payload", sum_payload_name(c->resp_payload));
        add_int(b, "syn_count", c->syn_count);
        add_int(b, "session", ch->session);
        add_str(b, "confidence", sum_plan_confidence_name(ch->confidence));
        add_int(b, "first_frame", (gint64)c->first_frame);
        add_int(b, "last_frame", (gint64)c->last_frame);
        add_frame_at(b, "first_frame_at", cap, c->first_frame);
        add_frame_at(b, "last_frame_at", cap, c->last_frame);
        add_time(b, "first", c->t_first);
        add_time(b, "last", c->t_last);
        add_int(b, "packets", (gint64)c->packets);
        add_int(b, "bytes", (gint64)c->bytes);
        json_builder_set_member_name(b, "allocation");
        if (ch->alloc != NULL)
            json_builder_add_int_value(b, ch->alloc->index);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "peer_allocation");
        if (ch->peer_alloc != NULL)
            json_builder_add_int_value(b, ch->peer_alloc->index);
        else
            json_builder_add_null_value(b);
        json_builder_set_member_name(b, "search_step");
        json_builder_add_boolean_value(b, ch->search_step);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
build_allocations(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *c)
{
    json_builder_set_member_name(b, "allocations");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        json_builder_begin_object(b);
        add_addr(b, "host", &a->host);
        add_str(b, "family", sum_plan_family_name(a->family));
        add_int(b, "port", a->port);
        add_int(b, "base", a->base);
        add_int(b, "offset", a->offset);
        add_int(b, "range_end", a->range_end);
        add_str(b, "cause", sum_plan_cause_name(a->cause));
        json_builder_set_member_name(b, "conflicting_ports");
        json_builder_begin_array(b);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            json_builder_add_int_value(b, g_array_index(a->conflicting_ports, guint16, k));
        json_builder_end_array(b);
        add_str(b, "confidence", sum_plan_confidence_name(a->confidence));
        add_int(b, "session", a->session);
        add_addr(b, "first_peer", &a->first_peer);
        json_builder_set_member_name(b, "evidence");
        json_builder_begin_object(b);
        add_str(b, "kind", sum_evidence_name(a->conflict_evidence));
        add_int(b, "first_frame", (gint64)a->first_frame);
        add_frames(b, "frames", a->frames);
        add_frame_at(b, "first_frame_at", c, a->first_frame);
        add_frames_at(b, "frames_at", c, a->frames);
        add_time(b, "first", a->t_first);
        add_time(b, "last", a->t_last);
        add_int(b, "connections", a->n_connections);
        json_builder_end_object(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

static void
build_findings(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *c)
{
    json_builder_set_member_name(b, "findings");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        json_builder_begin_object(b);
        add_str(b, "code", sum_plan_finding_name(f->code));
        add_str(b, "severity", sum_plan_severity_name(f->severity));
        add_str(b, "confidence", sum_plan_confidence_name(f->confidence));
        add_addr(b, "host", &f->host);
        add_int(b, "port", f->port);
        add_str(b, "family", sum_plan_family_name(f->family));
        add_addr(b, "peer", &f->peer);
        add_str(b, "message", f->message);
        add_str(b, "advice", f->advice);
        add_str(b, "evidence", sum_evidence_name(f->evidence));
        add_str(b, "confidence", sum_plan_confidence_name(f->confidence));
        add_str(b, "root_cause",
                f->root_cause != NULL ? sum_root_cause_name(f->root_cause->code) : NULL);
        add_frames(b, "frames", f->frames);
        add_frames_at(b, "frames_at", c, f->frames);
        add_time(b, "first", f->t_first);
        add_int(b, "count", f->count);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* What the findings come down to, first in every report. */
static void
build_root_causes(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *c)
{
    json_builder_set_member_name(b, "root_causes");
    json_builder_begin_array(b);
    for (guint i = 0; i < r->root_causes->len; i++) {
        const SumRootCause *rc = g_ptr_array_index(r->root_causes, i);
        json_builder_begin_object(b);
        add_str(b, "code", sum_root_cause_name(rc->code));
        add_addr(b, "host", &rc->host);
        add_str(b, "title", sum_root_cause_title(rc->code));
        add_str(b, "confidence", sum_plan_confidence_name(rc->confidence));
        add_str(b, "evidence", sum_evidence_name(rc->evidence));
        add_str(b, "message", rc->message);
        add_str(b, "advice", rc->advice);
        json_builder_set_member_name(b, "peers");
        json_builder_begin_array(b);
        for (guint k = 0; k < rc->peers->len; k++) {
            char buf[SUM_ADDR_STRLEN];
            json_builder_add_string_value(
                b, sum_addr_to_string(&g_array_index(rc->peers, SumAddr, k), buf, sizeof buf));
        }
        json_builder_end_array(b);
        json_builder_set_member_name(b, "ports");
        json_builder_begin_array(b);
        for (guint k = 0; k < rc->ports->len; k++)
            json_builder_add_int_value(b, g_array_index(rc->ports, guint16, k));
        json_builder_end_array(b);
        json_builder_set_member_name(b, "findings");
        json_builder_begin_array(b);
        for (guint k = 0; k < rc->findings->len; k++) {
            const SumFinding *f = g_ptr_array_index(rc->findings, k);
            json_builder_begin_object(b);
            add_str(b, "code", sum_plan_finding_name(f->code));
            add_addr(b, "host", &f->host);
            add_int(b, "port", f->port);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        add_int(b, "attempts", rc->attempts);
        add_frames(b, "frames", rc->frames);
        add_frames_at(b, "frames_at", c, rc->frames);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* Each target's status (core/sum-status.c) and its issues, worst first. */
static void
build_targets(JsonBuilder *b, const SumResult *r, const SumCaptureSummary *c)
{
    GPtrArray *st = sum_status_targets(r);
    json_builder_set_member_name(b, "targets");
    json_builder_begin_array(b);
    for (guint i = 0; i < st->len; i++) {
        const SumTargetStatus *t = g_ptr_array_index(st, i);
        json_builder_begin_object(b);
        add_addr(b, "address", &t->target);
        add_str(b, "status", sum_status_name(t->status));
        add_addr(b, "sum_host", &t->sum_host);
        add_int(b, "connections", t->n_channels);
        add_int(b, "first_frame", (gint64)t->first_frame);
        add_frame_at(b, "first_frame_at", c, t->first_frame);
        json_builder_set_member_name(b, "issues");
        json_builder_begin_array(b);
        for (guint k = 0; k < t->issues->len; k++) {
            const SumStatusIssue *is = &g_array_index(t->issues, SumStatusIssue, k);
            json_builder_begin_object(b);
            add_str(b, "status", sum_status_name(is->status));
            add_str(b, "family", sum_plan_family_name(is->family));
            add_addr(b, "host", &is->holder);
            add_int(b, "port", is->port);
            json_builder_set_member_name(b, "used");
            if (is->used != 0)
                json_builder_add_int_value(b, is->used);
            else
                json_builder_add_null_value(b);
            add_str(b, "cause", is->status == SUM_STATUS_FELL_BACK
                                    ? sum_plan_cause_name(is->cause) : NULL);
            add_int(b, "attempts", is->attempts);
            add_int(b, "first_frame", (gint64)is->first_frame);
            json_builder_end_object(b);
        }
        json_builder_end_array(b);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
    g_ptr_array_unref(st);
}

static void
build_remediation(JsonBuilder *b, const GPtrArray *remedies)
{
    json_builder_set_member_name(b, "remediation");
    json_builder_begin_array(b);
    for (guint i = 0; remedies != NULL && i < remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(remedies, i);
        json_builder_begin_object(b);
        add_str(b, "finding", sum_plan_finding_name(m->code));
        add_addr(b, "host", &m->host);
        add_str(b, "role", sum_plan_role_name(m->role));
        add_int(b, "port", m->port);
        add_str(b, "transport", m->transport == SUM_TRANSPORT_UDP ? "udp" : "tcp");
        add_str(b, "direction", m->inbound ? "in" : "out");
        add_addr(b, "peer", &m->peer);
        add_str(b, "why", m->why);
        add_str(b, "windows", m->windows);
        add_str(b, "firewalld", m->firewalld);
        add_str(b, "nft", m->nft);
        json_builder_end_object(b);
    }
    json_builder_end_array(b);
}

/* The verdict and what was looked for: the ports of each plan, and what to
 * check when the capture shows no SUM (sum-verdict.h). */
static void
build_verdict(JsonBuilder *b, const SumResult *r)
{
    add_str(b, "verdict", sum_verdict_name(r->verdict));
    json_builder_set_member_name(b, "looked_for");
    json_builder_begin_object(b);
    json_builder_set_member_name(b, "plans");
    json_builder_begin_array(b);
    for (gchar **l = r->looked_for; l != NULL && *l != NULL; l++)
        json_builder_add_string_value(b, *l);
    json_builder_end_array(b);
    json_builder_set_member_name(b, "check");
    json_builder_begin_array(b);
    for (const char *const *c = sum_verdict_checks(); !sum_verdict_is_sum(r->verdict) && *c;
         c++)
        json_builder_add_string_value(b, *c);
    json_builder_end_array(b);
    json_builder_end_object(b);
}

gboolean
sum_report_json(const SumReport *report, FILE *out, GError **error)
{
    const SumResult *r = report->result;
    JsonBuilder *b = json_builder_new();
    json_builder_begin_object(b);
    add_str(b, "sumscope_version", report->program_version);
    add_int(b, "schema_version", SUM_JSON_SCHEMA_VERSION);
    build_capture(b, report->capture, r);
    json_builder_set_member_name(b, "profile");
    json_builder_begin_object(b);
    add_str(b, "name", r->profile->name);
    add_str(b, "description", r->profile->description);
    add_str(b, "reason", r->profile_reason);
    add_str(b, "confidence", sum_plan_confidence_name(r->profile_confidence));
    json_builder_end_object(b);
    /* The capture's generation and each SUM host's (docs/generations.md). */
    add_str(b, "generation", sum_result_generation_name(r));
    json_builder_set_member_name(b, "generations");
    json_builder_begin_object(b);
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        char a[SUM_ADDR_STRLEN];
        if (h->role == SUM_ROLE_SUM_HOST && h->profile != NULL)
            add_str(b, sum_addr_to_string(&h->addr, a, sizeof a), h->profile->name);
    }
    json_builder_end_object(b);
    build_verdict(b, r);
    build_hosts(b, r, report->capture);
    build_channels(b, r, report->capture);
    build_allocations(b, r, report->capture);
    build_root_causes(b, r, report->capture);
    build_findings(b, r, report->capture);
    build_targets(b, r, report->capture);
    build_remediation(b, report->remedies);
    json_builder_end_object(b);

    JsonGenerator *gen = json_generator_new();
    JsonNode *root = json_builder_get_root(b);
    json_generator_set_root(gen, root);
    json_generator_set_pretty(gen, TRUE);
    gsize len = 0;
    gchar *text = json_generator_to_data(gen, &len);
    gboolean ok = fwrite(text, 1, len, out) == len && fputc('\n', out) != EOF;
    if (!ok)
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write the JSON report");
    g_free(text);
    json_node_unref(root);
    g_object_unref(gen);
    g_object_unref(b);
    return ok;
}
