/* pipeline.c: the analyzer's one-way data flow (STYLE.md):
 * capture (reader.c) -> decode (pkt-decode.c) -> flows (flows.c)
 *   -> core: reconstruction (sum-recon.c). */
#include "pipeline.h"

#include "flows.h"
#include "pkt.h"
#include "reader.h"

#define PIPELINE_PROGRESS_EVERY 4096u /* frames between progress calls */

struct _SumPipeline {
    SumRecon *recon;
    SumFlows *flows;
    SumCaptureSummary summary;
    guint64 next_frame;
    GHashTable *link_seen;       /* linktype -> 1 */
    SumReader *reader;           /* while reading */
    SumProgressFunc progress;
    gpointer progress_user;
};

static void
on_conn(const SumConn *conn, gpointer user)
{
    SumPipeline *p = user;
    sum_recon_add(p->recon, conn);
}

SumPipeline *
sum_pipeline_new(const SumProfile *profile, const GArray *hints)
{
    SumPipeline *p = g_new0(SumPipeline, 1);
    p->recon = sum_recon_new(profile);
    p->flows = sum_flows_new(profile, on_conn, p);
    /* Ports moved by --range are relevant too. */
    if (profile != NULL) {
        for (gsize i = 0; i < profile->n_rules; i++) {
            const SumPortRule *r = &profile->rules[i];
            for (guint16 k = 0;; k++) {
                guint16 port = sum_plan_port_at(r, k);
                if (port == 0)
                    break;
                sum_flows_add_port(p->flows, r->transport, port);
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
    sum_flows_free(p->flows);
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
    const char *name = pkt_linktype_name(linktype);
    g_ptr_array_add(p->summary.link_types,
                    g_strcmp0(name, "unsupported") == 0
                        ? g_strdup_printf("unsupported (LINKTYPE %u)", linktype)
                        : g_strdup(name));
}

static void
on_frame(const SumFrameInfo *info, const guint8 *data, gpointer user)
{
    SumPipeline *p = user;
    SumCaptureSummary *s = &p->summary;
    s->packets++;
    s->bytes += info->caplen;
    if (s->t_first == 0 || info->time < s->t_first)
        s->t_first = info->time;
    if (info->time > s->t_last)
        s->t_last = info->time;
    pkt_info pkt;
    switch (pkt_decode(info->linktype, data, info->caplen, info->wirelen, &pkt)) {
    case PKT_OK:
        sum_flows_packet(p->flows, &pkt, info->frame, info->time, info->wirelen);
        break;
    case PKT_TRUNCATED:
        s->truncated++;
        break;
    case PKT_INVALID:
        s->invalid++;
        break;
    case PKT_UNSUPPORTED_LINK:
        s->unsupported++;
        break;
    case PKT_FRAGMENT:
        s->fragments++;
        break;
    case PKT_NOT_IP:
        s->not_ip++;
        break;
    default:
        break;
    }
    if (p->progress != NULL && info->frame % PIPELINE_PROGRESS_EVERY == 0) {
        guint64 done, total;
        sum_reader_progress(p->reader, &done, &total);
        p->progress(done, total, p->progress_user);
    }
}

gboolean
sum_pipeline_read(SumPipeline *p, const char *path, const char *filter, gchar **warning,
                  GError **error)
{
    SumReader *r = sum_reader_open(path, filter, error);
    if (r == NULL)
        return FALSE;
    g_ptr_array_add(p->summary.files, g_strdup(path));
    note_linktype(p, sum_reader_linktype(r));
    p->reader = r;
    gboolean cut = FALSE;
    guint64 before = p->summary.packets;
    gboolean ok = sum_reader_run(r, p->next_frame, on_frame, p, &cut, error);
    p->next_frame += p->summary.packets - before;
    p->reader = NULL;
    sum_reader_close(r);
    if (ok && cut && warning != NULL)
        *warning = g_strdup_printf("%s: the file ends in the middle of a record (a capture "
                                   "stopped while writing?): the %" G_GUINT64_FORMAT
                                   " frames before it were analysed", path,
                                   p->summary.packets - before);
    return ok;
}

SumResult *
sum_pipeline_finish(SumPipeline *p)
{
    sum_flows_flush(p->flows);
    p->summary.flows_evicted = sum_flows_evicted(p->flows);
    SumResult *res = sum_recon_finish(p->recon);
    p->summary.conns_dropped = res->conns_dropped;
    return res;
}

const SumCaptureSummary *
sum_pipeline_summary(const SumPipeline *p)
{
    return &p->summary;
}
