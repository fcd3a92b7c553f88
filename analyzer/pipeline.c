/* pipeline.c: the analyzer's one-way data flow (STYLE.md):
 * capture (capture-pcap.c) -> decode (decode-*.c) -> flows (flow-table.c)
 *   -> core: reconstruction (sum-recon.c).
 *
 * By default one thread does it all: the calling thread reads and decodes
 * every frame, keeps the capture's counters and hands the packets on the
 * plan's ports to the flow table, whose finished flows go to the
 * reconstruction.
 *
 * With SUMSCOPE_THREADS=2 the flow table and the reconstruction run on a
 * worker thread instead. The reader asks the flow table (read-only) whether
 * it wants a packet; the ones it wants are copied, with the first
 * SUM_PAYLOAD_CLASSIFY_BYTES of their payload, into batches for the worker.
 * The batches are a fixed set handed back and forth through two queues: when
 * the worker falls behind the reader waits, so memory stays bounded. Order
 * is kept (one reader, one worker, FIFO), and the flow table's clock gets a
 * tick whenever it would have swept had it seen every packet, so the result
 * is the same as feeding it frame by frame (test_pipeline).
 */
#include "pipeline.h"

#include <pthread.h>
#include <string.h>

#include "capture.h"
#include "capture-filter.h"
#include "decode.h"
#include "flow-table.h"
#include "sum-mem.h"

#define PIPELINE_PROGRESS_EVERY 4096u /* frames between progress calls */
#define PIPELINE_BATCH_ITEMS 2048u    /* packets per hand-over to the worker */
#define PIPELINE_BATCHES 8u           /* batches in flight (about 3 MB in all) */
#define PIPELINE_SETTLE_US 1000000LL  /* µs between looks for live findings */

/* A queue of batches: a fixed ring (there are never more than
 * PIPELINE_BATCHES), one mutex, one condition. POSIX threads rather than
 * GAsyncQueue so that ThreadSanitizer sees the hand-over (GLib's mutexes are
 * futexes it cannot follow) and checks the ownership rule below. */
typedef struct {
    pthread_mutex_t lock;
    pthread_cond_t ready;
    void *slots[PIPELINE_BATCHES];
    guint head, len;
} BatchQueue;

static void
queue_init(BatchQueue *q)
{
    pthread_mutex_init(&q->lock, NULL);
    pthread_cond_init(&q->ready, NULL);
    q->head = q->len = 0;
}

static void
queue_clear(BatchQueue *q)
{
    pthread_mutex_destroy(&q->lock);
    pthread_cond_destroy(&q->ready);
}

static void
queue_push(BatchQueue *q, void *batch)
{
    pthread_mutex_lock(&q->lock);
    g_assert(q->len < PIPELINE_BATCHES);
    q->slots[(q->head + q->len) % PIPELINE_BATCHES] = batch;
    q->len++;
    pthread_cond_signal(&q->ready);
    pthread_mutex_unlock(&q->lock);
}

/* Waits for a batch. */
static void *
queue_pop(BatchQueue *q)
{
    pthread_mutex_lock(&q->lock);
    while (q->len == 0)
        pthread_cond_wait(&q->ready, &q->lock);
    void *batch = q->slots[q->head];
    q->head = (q->head + 1) % PIPELINE_BATCHES;
    q->len--;
    pthread_mutex_unlock(&q->lock);
    return batch;
}

/* One packet for the worker, or a clock tick (TICK set: only TIME_US). */
typedef struct {
    sum_packet pkt;              /* payload re-pointed at HEAD by the worker */
    guint8 head[SUM_PAYLOAD_CLASSIFY_BYTES]; /* the payload's first bytes */
    guint64 frame;               /* 1-based across the run */
    gint64 time_us;              /* capture time, µs since the epoch */
    gboolean tick;
} Item;

typedef struct {
    guint n;                     /* items used */
    gboolean stop;               /* the worker ends after this batch */
    Item items[PIPELINE_BATCH_ITEMS];
} Batch;

struct _SumPipeline {
    SumRecon *recon;             /* the worker's until it is joined */
    SumFlowTable *flows;         /* the worker's; the reader only asks _wants */
    SumCaptureSummary summary;
    guint64 next_frame;
    GHashTable *link_seen;       /* linktype -> 1 */
    GHashTable *unsupported;     /* linktype + 1 -> SumLinkCount* (in the summary) */
    SumCapture *capture;         /* while reading */
    SumProgressFunc progress;
    gpointer progress_user;
    gint64 last_sweep;           /* the flow table's sweep clock, as it would be */
    guint32 last_linktype;       /* of the last frame (+ 1; 0 = none yet) */
    gboolean threaded;           /* flows on a worker thread (else on this one) */
    gboolean finished;           /* sum_pipeline_finish() was called */
    GThread *worker;             /* NULL once joined, or when not THREADED */
    BatchQueue full;             /* Batch*: reader -> worker */
    BatchQueue empty;            /* Batch*: worker -> reader */
    Batch *batch;                /* being filled by the reader, or NULL */
    Batch *batches;              /* the PIPELINE_BATCHES batches */
    SumSettled *settled;         /* live findings told so far, or NULL */
    SumPipelineFindingFunc on_finding;
    gpointer on_finding_user;
    gint64 last_settle;          /* µs, wall clock, of the last look */
};

static void
on_conn(const SumConn *conn, void *user)
{
    SumPipeline *p = user;
    sum_recon_add(p->recon, conn);
}

static gpointer
worker_main(gpointer data)
{
    SumPipeline *p = data;
    for (;;) {
        Batch *b = queue_pop(&p->full);
        for (guint i = 0; i < b->n; i++) {
            Item *it = &b->items[i];
            if (it->tick) {
                sum_flow_table_tick(p->flows, it->time_us);
                continue;
            }
            if (it->pkt.payload != NULL)
                it->pkt.payload = it->head;
            sum_flow_table_packet(p->flows, &it->pkt, it->frame, it->time_us);
        }
        gboolean stop = b->stop;
        b->n = 0;
        b->stop = FALSE;
        queue_push(&p->empty, b);
        if (stop)
            break;
    }
    sum_flow_table_flush(p->flows);
    return NULL;
}

/* SUMSCOPE_THREADS=2 splits reading from flow tracking (on a machine with
 * more than one CPU). One thread is the default: on the 2-vCPU virtual
 * machines measured here, handing packets from one core to the other cost
 * as much as it saved in some hours and doubled the spread of run times,
 * while one thread kept pace with a bare libpcap read loop throughout
 * (docs/sumscope.md, "Speed"). */
static gboolean
threads_wanted(void)
{
    return g_strcmp0(g_getenv("SUMSCOPE_THREADS"), "2") == 0 && g_get_num_processors() > 1;
}

static void
stop_free(gpointer data)
{
    SumCaptureStop *st = data;
    g_free(st->file);
    g_free(st->reason);
    g_free(st);
}

static void
link_count_free(gpointer data)
{
    SumLinkCount *lc = data;
    g_free(lc->name);
    g_free(lc);
}

/* A frame of a link type not decoded: counted under that type's name. */
static void
count_unsupported(SumPipeline *p, guint32 linktype)
{
    gpointer key = GUINT_TO_POINTER(linktype + 1);
    SumLinkCount *lc = g_hash_table_lookup(p->unsupported, key);
    if (lc == NULL) {
        lc = g_new0(SumLinkCount, 1);
        lc->linktype = linktype;
        lc->name = sum_capture_linktype_name(linktype);
        g_hash_table_insert(p->unsupported, key, lc);
        g_ptr_array_add(p->summary.unsupported_links, lc);
    }
    lc->frames++;
}

SumPipeline *
sum_pipeline_new(const SumProfile *profile, const GArray *hints)
{
    SumPipeline *p = g_new0(SumPipeline, 1);
    p->recon = sum_recon_new(profile);
    /* The table keeps every port of PROFILE's rules, so ports moved by
     * --range are kept too. */
    p->flows = sum_flow_table_new(profile, on_conn, p);
    for (guint i = 0; hints != NULL && i < hints->len; i++)
        sum_recon_hint_sum_host(p->recon, &g_array_index(hints, SumAddr, i));
    p->summary.files = g_ptr_array_new_with_free_func(g_free);
    p->summary.file_frames = g_array_new(FALSE, TRUE, sizeof(SumFileFrames));
    p->summary.link_types = g_ptr_array_new_with_free_func(g_free);
    p->summary.stops = g_ptr_array_new_with_free_func(stop_free);
    p->summary.unsupported_links = g_ptr_array_new_with_free_func(link_count_free);
    p->unsupported = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->link_seen = g_hash_table_new(g_direct_hash, g_direct_equal);
    p->next_frame = 1;
    p->threaded = threads_wanted();
    if (!p->threaded)
        return p;
    queue_init(&p->full);
    queue_init(&p->empty);
    p->batches = sum_mem_block_new(sizeof(Batch) * PIPELINE_BATCHES);
    for (guint i = 0; i < PIPELINE_BATCHES; i++)
        queue_push(&p->empty, &p->batches[i]);
    /* Started last: from here on the flow table and the reconstruction are
     * the worker's, until sum_pipeline_finish() or _free() joins it. */
    p->worker = g_thread_new("sumscope-flows", worker_main, p);
    return p;
}

/* Hands the batch being filled to the worker (STOP: as its last). */
static void
send_batch(SumPipeline *p, gboolean stop)
{
    if (p->batch == NULL) {
        if (!stop)
            return;
        p->batch = queue_pop(&p->empty);
    }
    p->batch->stop = stop;
    queue_push(&p->full, p->batch);
    p->batch = NULL;
}

/* The next free item. A full batch is sent here, before its successor is
 * taken, never right after its last item: the caller still writes that one. */
static Item *
next_item(SumPipeline *p)
{
    if (p->batch != NULL && p->batch->n == PIPELINE_BATCH_ITEMS)
        send_batch(p, FALSE);
    if (p->batch == NULL)
        p->batch = queue_pop(&p->empty); /* waits while the worker is behind */
    return &p->batch->items[p->batch->n++];
}

/* Stops the worker after everything sent so far; the flow table is flushed
 * into the reconstruction. */
static void
join_worker(SumPipeline *p)
{
    if (p->worker == NULL)
        return;
    send_batch(p, TRUE);
    g_thread_join(p->worker);
    p->worker = NULL;
}

void
sum_pipeline_free(SumPipeline *p)
{
    if (p == NULL)
        return;
    join_worker(p);
    sum_recon_free(p->recon);
    sum_flow_table_free(p->flows);
    if (p->threaded) {
        queue_clear(&p->full);
        queue_clear(&p->empty);
        sum_mem_block_free(p->batches, sizeof(Batch) * PIPELINE_BATCHES);
    }
    g_ptr_array_unref(p->summary.files);
    g_array_unref(p->summary.file_frames);
    g_ptr_array_unref(p->summary.link_types);
    g_ptr_array_unref(p->summary.stops);
    g_ptr_array_unref(p->summary.unsupported_links);
    g_hash_table_destroy(p->unsupported);
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

/* A decoded packet: to the worker if the flow table wants it, else only a
 * clock tick when the table would have swept at this packet. */
static void
hand_over(SumPipeline *p, const sum_packet *pkt, guint64 frame, gint64 time_us)
{
    if (pkt->ip_version == 0 || pkt->fragment)
        return; /* the flow table ignores these before its clock */
    gboolean due = sum_flow_sweep_due(p->last_sweep, time_us);
    if (due)
        p->last_sweep = time_us;
    gboolean wanted = sum_flow_table_wants(p->flows, pkt);
    if (!wanted && !due)
        return;
    Item *it = next_item(p);
    it->frame = frame;
    it->time_us = time_us;
    it->tick = !wanted;
    if (!wanted)
        return;
    it->pkt = *pkt;
    guint32 n = MIN(pkt->payload_caplen, (guint32)SUM_PAYLOAD_CLASSIFY_BYTES);
    if (pkt->payload != NULL && n > 0)
        memcpy(it->head, pkt->payload, n);
    it->pkt.payload_caplen = n;
}

static void
on_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data, guint32 caplen,
         guint32 wirelen, void *user)
{
    SumPipeline *p = user;
    SumCaptureSummary *s = &p->summary;
    if (linktype + 1 != p->last_linktype) { /* pcapng: interfaces may differ */
        note_linktype(p, linktype);
        p->last_linktype = linktype + 1;
    }
    s->packets++;
    s->bytes += caplen;
    if (s->t_first == 0 || time_us < s->t_first)
        s->t_first = time_us;
    if (time_us > s->t_last)
        s->t_last = time_us;
    sum_packet pkt;
    switch (sum_decode_frame(linktype, data, caplen, wirelen, &pkt)) {
    case SUM_DECODE_OK:
        if (p->threaded)
            hand_over(p, &pkt, frame, time_us);
        else
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
        count_unsupported(p, linktype);
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

/* Records where C stopped reading PATH, with ERR, in the summary; *WARNING
 * (may be NULL) gets the line for standard error. */
static void
note_stop(SumPipeline *p, const SumCapture *c, const char *path, const GError *err,
          gchar **warning)
{
    SumCaptureStop *st = g_new0(SumCaptureStop, 1);
    st->file = g_strdup(path);
    st->kind = err->code == SUM_CAPTURE_ERROR_TRUNCATED ? SUM_STOP_CUT_OFF
                                                        : SUM_STOP_BAD_RECORD;
    st->frame = sum_capture_records(c) + 1;
    st->offset = sum_capture_stop_offset(c);
    /* The capture layer's words start with the path, which is said apart. */
    const char *why = err->message;
    gsize n = strlen(path);
    if (strncmp(why, path, n) == 0 && strncmp(why + n, ": ", 2) == 0)
        why += n + 2;
    st->reason = g_strdup(why);
    if (warning != NULL) {
        g_autofree gchar *at = st->offset >= 0
                                   ? g_strdup_printf(", byte %" G_GINT64_FORMAT, st->offset)
                                   : g_strdup("");
        *warning = g_strdup_printf("%s: %s at frame %" G_GUINT64_FORMAT "%s: %s; the %"
                                   G_GUINT64_FORMAT " records before it were analysed",
                                   path, st->kind == SUM_STOP_CUT_OFF ? "cut off"
                                                                      : "stopped",
                                   st->frame, at, st->reason, st->frame - 1);
    }
    g_ptr_array_add(p->summary.stops, st);
}

gboolean
sum_pipeline_read(SumPipeline *p, const char *path, const char *filter, gchar **warning,
                  GError **error)
{
    g_return_val_if_fail(!p->finished, FALSE);
    SumCapture *c = sum_capture_open(path, filter, error);
    if (c == NULL)
        return FALSE;
    /* The report names the filter the packets came through: -f, else the
     * one the file records (docs/reconstruction.md, "Filtered captures"). */
    gchar *recorded = filter != NULL && *filter ? NULL : sum_filter_of_file(path);
    const char *told = recorded != NULL ? recorded : filter;
    if (told != NULL && *told)
        sum_recon_set_capture_filter(p->recon, told, sum_filter_hides_sum(told));
    g_free(recorded);
    g_ptr_array_add(p->summary.files, g_strdup(path));
    /* Each file's place in the run-wide numbering, for frames as Wireshark
     * shows them (report-frame.c). */
    SumFileFrames ff = {p->next_frame, 0};
    g_array_append_val(p->summary.file_frames, ff);
    note_linktype(p, sum_capture_linktype(c));
    p->last_linktype = sum_capture_linktype(c) + 1;
    p->capture = c;
    GError *err = NULL;
    gboolean ok = sum_capture_run(c, p->next_frame, on_frame, p, &err);
    /* Every record of the file has its number, kept by -f or not (frames
     * as Wireshark numbers the file). */
    guint64 frames = sum_capture_records(c);
    p->next_frame += frames;
    g_array_index(p->summary.file_frames, SumFileFrames, p->summary.file_frames->len - 1).count =
        frames;
    p->capture = NULL;
    /* Stopped after records were read: they count, and the report says
     * where and why, as tshark does. Nothing read at all is an error. */
    if (!ok && sum_capture_records(c) > 0 && err->domain == SUM_CAPTURE_ERROR &&
        err->code != SUM_CAPTURE_ERROR_FILTER) {
        note_stop(p, c, path, err, warning);
        g_clear_error(&err);
        ok = TRUE;
    }
    sum_capture_close(c);
    if (p->threaded)
        send_batch(p, FALSE); /* the worker catches up while the next file opens */
    if (!ok)
        g_propagate_error(error, err);
    return ok;
}

void
sum_pipeline_set_live_findings(SumPipeline *p, SumPipelineFindingFunc fn, gpointer user)
{
    p->on_finding = fn;
    p->on_finding_user = user;
}

static void
collect_open(const SumConn *conn, void *user)
{
    g_array_append_val((GArray *)user, *conn);
}

/* Between rounds of a live capture, at most once a PIPELINE_SETTLE_US: the
 * findings core says are certain so far (sum-settled.h). */
static void
on_live_idle(void *user)
{
    SumPipeline *p = user;
    gint64 now = g_get_real_time(); /* live frames carry the wall clock */
    if (now - p->last_settle < PIPELINE_SETTLE_US)
        return;
    p->last_settle = now;
    GArray *open = g_array_new(FALSE, FALSE, sizeof(SumConn));
    sum_flow_table_each_open(p->flows, collect_open, open);
    sum_settled_update(p->settled, p->recon, (const SumConn *)(gpointer)open->data, open->len,
                       now, p->on_finding, p->on_finding_user);
    g_array_free(open, TRUE);
}

gboolean
sum_pipeline_read_live(SumPipeline *p, SumLive *live, const char *name, double duration_s,
                       GError **error)
{
    g_return_val_if_fail(!p->finished && p->progress == NULL, FALSE);
    if (p->on_finding != NULL && !p->threaded) {
        p->settled = sum_settled_new();
        sum_live_set_idle(live, on_live_idle, p);
    }
    g_ptr_array_add(p->summary.files, g_strdup(name));
    const char *filter = sum_live_filter(live);
    if (filter != NULL)
        sum_recon_set_capture_filter(p->recon, filter, sum_filter_hides_sum(filter));
    note_linktype(p, sum_live_linktype(live));
    p->last_linktype = sum_live_linktype(live) + 1;
    gboolean ok = sum_live_run(live, duration_s, p->next_frame, on_frame, p, error);
    sum_live_set_idle(live, NULL, NULL);
    sum_settled_free(p->settled);
    p->settled = NULL;
    p->next_frame += sum_live_frames(live);
    if (p->threaded)
        send_batch(p, FALSE);
    return ok;
}

SumResult *
sum_pipeline_finish(SumPipeline *p)
{
    g_return_val_if_fail(!p->finished, NULL);
    p->finished = TRUE;
    if (p->threaded)
        join_worker(p); /* the worker flushes the flow table */
    else
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
