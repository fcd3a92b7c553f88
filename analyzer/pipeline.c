/* pipeline.c: the analyzer's one-way data flow (STYLE.md):
 * capture (capture-pcap.c) -> decode (decode-*.c) -> flows (flow-table.c)
 *   -> core: reconstruction (sum-recon.c). */
#include "pipeline.h"

#include "capture.h"
#include "decode.h"
#include "flow-table.h"

#define PIPELINE_PROGRESS_EVERY 4096u /* frames between progress calls */

struct _SumPipeline {
    SumRecon *recon;
    SumFlowTable *flows;
    SumCaptureSummary summary;
    guint64 next_frame;
    GHashTable *link_seen;       /* linktype -> 1 */
    SumCapture *capture;         /* while reading */
    SumProgressFunc progress;
    gpointer progress_user;
};

static void
on_conn(const SumConn *conn, void *user)
{
    SumPipeline *p = user;
    sum_recon_add(p->recon, conn);
}

SumPipeline *
sum_pipeline_new(const SumProfile *profile, const GArray *hints)
{
    SumPipeline *p = g_new0(SumPipeline, 1);
    p->recon = sum_recon_new(profile);
    p->flows = sum_flow_table_new(profile, on_conn, p);
    /* Ports moved by --range are relevant too. */
    if (profile != NULL) {
        for (gsize i = 0; i < profile->n_rules; i++) {
            const SumPortRule *r = &profile->rules[i];
            for (guint16 k = 0;; k++) {
                guint16 port = sum_plan_port_at(r, k);
                if (port == 0)
                    break;
                sum_flow_table_add_port(p->flows, r->transport, port);
            }
        }
    }
    for (guint i = 0; hints != NULL && i < hints->len; i++)
        sum_recon_hint_sum_host(p->recon, &g_array_index(hints, SumAddr, i));
    p->summary.files = g_ptr_array_new_with_free_func(g_free);
    p->summary.link_types = g_ptr_array_new_with_free_func(g_free);
    p->link_seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->next_frame = 1;
    return p;
}

void
sum_pipeline_free(SumPipeline *p)
{
    if (p == NULL)
        return;
    sum_recon_free(p->recon);
    sum_flow_table_free(p->flows);
    g_ptr_array_unref(p->summary.files);
    g_ptr_array_unref(p->summary.link_types);
    g_hash_table_destroy(p->link_seen);
    g_free(p);
}

void
sum_pipeline_set_progress(SumPipeline *p, SumProgressFunc fn, gpointer user)
{
    p->progress = fn;
    p->progress_user = user;
}

static void
note_linktype(SumPipeline *p, guint32 linktype)
{
    gpointer key = GUINT_TO_POINTER(linktype + 1);
    if (g_hash_table_contains(p->link_seen, key))
        return;
    g_hash_table_add(p->link_seen, key);
    const char *name = sum_decode_linktype_name(linktype);
    g_ptr_array_add(p->summary.link_types,
                    g_strcmp0(name, "unsupported") == 0
                        ? g_strdup_printf("unsupported (LINKTYPE %u)", linktype)
                        : g_strdup(name));
}

static void
on_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data, guint32 caplen,
         guint32 wirelen, void *user)
{
    SumPipeline *p = user;
    SumCaptureSummary *s = &p->summary;
    s->packets++;
    s->bytes += caplen;
    if (s->t_first == 0 || time_us < s->t_first)
        s->t_first = time_us;
    if (time_us > s->t_last)
        s->t_last = time_us;
    sum_packet pkt;
    switch (sum_decode_frame(linktype, data, caplen, wirelen, &pkt)) {
    case SUM_DECODE_OK:
        sum_flow_table_packet(p->flows, &pkt, frame, time_us);
        break;
    case SUM_DECODE_TRUNCATED:
        s->truncated++;
        break;
    case SUM_DECODE_INVALID:
        s->invalid++;
        break;
    case SUM_DECODE_UNSUPPORTED_LINK:
        s->unsupported++;
        break;
    case SUM_DECODE_FRAGMENT:
        s->fragments++;
        break;
    case SUM_DECODE_NOT_IP:
        s->not_ip++;
        break;
    case SUM_DECODE_RESULT_COUNT:
        break;
    }
    if (p->progress != NULL && frame % PIPELINE_PROGRESS_EVERY == 0) {
        guint64 done, total;
        sum_capture_progress(p->capture, &done, &total);
        p->progress(done, total, p->progress_user);
    }
}

gboolean
sum_pipeline_read(SumPipeline *p, const char *path, const char *filter, gchar **warning,
                  GError **error)
{
    SumCapture *c = sum_capture_open(path, filter, error);
    if (c == NULL)
        return FALSE;
    g_ptr_array_add(p->summary.files, g_strdup(path));
    note_linktype(p, sum_capture_linktype(c));
    p->capture = c;
    GError *err = NULL;
    gboolean ok = sum_capture_run(c, p->next_frame, on_frame, p, &err);
    guint64 frames = sum_capture_frames(c);
    p->next_frame += frames;
    p->capture = NULL;
    sum_capture_close(c);
    /* A capture stopped mid-write: what came before the cut record counts. */
    if (!ok && g_error_matches(err, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_TRUNCATED) &&
        frames > 0) {
        if (warning != NULL)
            *warning = g_strdup_printf("%s: the file ends in the middle of a record (a "
                                       "capture stopped while writing?): the %"
                                       G_GUINT64_FORMAT " frames before it were analysed",
                                       path, frames);
        g_clear_error(&err);
        return TRUE;
    }
    if (!ok)
        g_propagate_error(error, err);
    return ok;
}

SumResult *
sum_pipeline_finish(SumPipeline *p)
{
    sum_flow_table_flush(p->flows);
    p->summary.flows_evicted = sum_flow_table_evicted(p->flows);
    SumResult *res = sum_recon_finish(p->recon);
    p->summary.conns_dropped = res->conns_dropped;
    return res;
}

const SumCaptureSummary *
sum_pipeline_summary(const SumPipeline *p)
{
    return &p->summary;
}
