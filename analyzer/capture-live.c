/* capture-live.c: a live capture through libpcap (capture-live.h says how).
 * pcap_create(3PCAP) then the pcap_set_* calls, then pcap_activate, whose
 * warnings are not errors. In immediate mode Linux's libpcap waits for a
 * packet without end, so the handle is non-blocking and we poll(2) its
 * selectable descriptor with a timeout: a duration is kept on an idle link,
 * and a signal (SIGINT) interrupts the poll. pcap_breakloop(3PCAP) is what a
 * signal handler may call. */
#include "capture-live.h"
#include "decode.h"
#include "sum-limits.h"

#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <pcap/pcap.h>

struct _SumLive {
    char *iface;
    char *filter;                 /* the capture filter, NULL if none */
    pcap_t *pcap;
    pcap_dumper_t *dump;          /* the caller's FILE, as libpcap sees it */
    int fd;                       /* pcap_get_selectable_fd */
    guint32 linktype;
    SumCaptureFrameFunc fn;
    void *user;
    SumLiveIdleFunc idle;         /* between rounds, or NULL */
    void *idle_user;
    guint64 next_frame;
    guint64 frames;
    volatile sig_atomic_t stop;
};

static gboolean
live_fail(GError **error, const SumLive *l, SumCaptureError code, const char *what,
          const char *why)
{
    g_set_error(error, SUM_CAPTURE_ERROR, code, "%s: %s%s%s", l->iface, what,
                why != NULL && *why != '\0' ? ": " : "", why != NULL ? why : "");
    return FALSE;
}

/* The pcap_set_* calls before activation; FALSE when one is refused. */
static gboolean
configure(SumLive *l, GError **error)
{
    if (pcap_set_snaplen(l->pcap, SUM_LIVE_SNAPLEN) != 0 ||
        pcap_set_timeout(l->pcap, SUM_LIVE_TIMEOUT_MS) != 0 ||
        pcap_set_immediate_mode(l->pcap, 1) != 0 ||
        pcap_set_buffer_size(l->pcap, SUM_LIVE_BUFFER_BYTES) != 0 ||
        pcap_set_tstamp_precision(l->pcap, PCAP_TSTAMP_PRECISION_MICRO) != 0)
        return live_fail(error, l, SUM_CAPTURE_ERROR_OPEN, "cannot set up the capture",
                         pcap_geterr(l->pcap));
    return TRUE;
}

static gboolean
set_live_filter(SumLive *l, const char *filter, GError **error)
{
    struct bpf_program prog;
    bpf_u_int32 net = 0, mask = PCAP_NETMASK_UNKNOWN;
    char errbuf[PCAP_ERRBUF_SIZE];
    if (pcap_lookupnet(l->iface, &net, &mask, errbuf) != 0)
        mask = PCAP_NETMASK_UNKNOWN; /* no IPv4 address: "ip broadcast" cannot be used */
    if (pcap_compile(l->pcap, &prog, filter, 1, mask) != 0) {
        g_autofree gchar *what = g_strdup_printf("invalid filter '%s'", filter);
        return live_fail(error, l, SUM_CAPTURE_ERROR_FILTER, what, pcap_geterr(l->pcap));
    }
    int rc = pcap_setfilter(l->pcap, &prog);
    pcap_freecode(&prog);
    if (rc != 0) {
        g_autofree gchar *what = g_strdup_printf("filter '%s' cannot be used", filter);
        return live_fail(error, l, SUM_CAPTURE_ERROR_FILTER, what, pcap_geterr(l->pcap));
    }
    return TRUE;
}

SumLive *
sum_live_open(const char *iface, const char *filter, GError **error)
{
    g_return_val_if_fail(iface != NULL, NULL);
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    SumLive *l = g_new0(SumLive, 1);
    l->iface = g_strdup(iface);
    l->pcap = pcap_create(iface, errbuf);
    if (l->pcap == NULL) {
        live_fail(error, l, SUM_CAPTURE_ERROR_OPEN, "cannot capture", errbuf);
        goto fail;
    }
    if (!configure(l, error))
        goto fail;
    int rc = pcap_activate(l->pcap);
    if (rc < 0) { /* > 0 is a warning (PCAP_WARNING_...): the capture runs */
        const char *why = rc == PCAP_ERROR_NO_SUCH_DEVICE     ? "no such interface"
                          : rc == PCAP_ERROR_PERM_DENIED      ? "permission denied "
                                                                "(run as root, or give "
                                                                "sumscope CAP_NET_RAW)"
                          : rc == PCAP_ERROR_IFACE_NOT_UP     ? "the interface is down"
                                                              : pcap_statustostr(rc);
        g_autofree gchar *detail = g_strdup(pcap_geterr(l->pcap));
        live_fail(error, l, SUM_CAPTURE_ERROR_OPEN, "cannot capture",
                  *detail != '\0' && rc == PCAP_ERROR ? detail : why);
        goto fail;
    }
    /* pcap_datalink gives a DLT_ value; the decoders take LINKTYPE_ ones,
     * the same number but for raw IP (capture-pcap.c, program_for). */
    l->fd = pcap_get_selectable_fd(l->pcap);
    if (l->fd < 0 || pcap_setnonblock(l->pcap, 1, errbuf) != 0) {
        live_fail(error, l, SUM_CAPTURE_ERROR_OPEN, "cannot wait for packets", errbuf);
        goto fail;
    }
    int dlt = pcap_datalink(l->pcap);
    l->linktype = dlt == DLT_RAW ? SUM_LINKTYPE_RAW : (guint32)dlt;
    if (filter != NULL && *filter != '\0' && !set_live_filter(l, filter, error))
        goto fail;
    l->filter = filter != NULL && *filter != '\0' ? g_strdup(filter) : NULL;
    return l;
fail:
    sum_live_close(l);
    return NULL;
}

gboolean
sum_live_dump_to(SumLive *l, FILE *dump, GError **error)
{
    l->dump = pcap_dump_fopen(l->pcap, dump);
    if (l->dump == NULL)
        return live_fail(error, l, SUM_CAPTURE_ERROR_OPEN, "cannot write the capture file",
                         pcap_geterr(l->pcap));
    return TRUE;
}

static void
on_live_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    SumLive *l = (SumLive *)user;
    if (l->dump != NULL)
        pcap_dump((u_char *)l->dump, h, data);
    gint64 t = (gint64)h->ts.tv_sec * G_USEC_PER_SEC + (gint64)h->ts.tv_usec;
    l->fn(l->next_frame++, t, l->linktype, data, h->caplen, h->len, l->user);
    l->frames++;
}

gboolean
sum_live_run(SumLive *l, double duration_s, guint64 first_frame, SumCaptureFrameFunc fn,
             void *user, GError **error)
{
    l->fn = fn;
    l->user = user;
    l->next_frame = first_frame;
    gint64 end = duration_s > 0 ? g_get_monotonic_time() + (gint64)(duration_s * 1e6) : 0;
    while (!l->stop) {
        gint64 now = g_get_monotonic_time();
        if (end != 0 && now >= end)
            break;
        int wait = SUM_LIVE_TIMEOUT_MS;
        if (end != 0 && (end - now) / 1000 < wait)
            wait = (int)((end - now) / 1000) + 1;
        struct pollfd pfd = {l->fd, POLLIN, 0};
        if (poll(&pfd, 1, wait) < 0 && errno != EINTR)
            return live_fail(error, l, SUM_CAPTURE_ERROR_READ, "capture failed",
                             g_strerror(errno));
        int n = pcap_dispatch(l->pcap, SUM_CAPTURE_BATCH_FRAMES, on_live_frame, (u_char *)l);
        if (n == PCAP_ERROR_BREAK)
            break;
        if (n < 0)
            return live_fail(error, l, SUM_CAPTURE_ERROR_READ, "capture failed",
                             pcap_geterr(l->pcap));
        if (l->idle != NULL)
            l->idle(l->idle_user);
    }
    if (l->dump != NULL && pcap_dump_flush(l->dump) != 0)
        return live_fail(error, l, SUM_CAPTURE_ERROR_READ, "cannot write the capture file",
                         g_strerror(errno));
    return TRUE;
}

void
sum_live_set_idle(SumLive *l, SumLiveIdleFunc fn, void *user)
{
    l->idle = fn;
    l->idle_user = user;
}

void
sum_live_stop(SumLive *l)
{
    l->stop = 1;
    pcap_breakloop(l->pcap);
}

const char *
sum_live_filter(const SumLive *l)
{
    return l->filter;
}

guint32
sum_live_linktype(const SumLive *l)
{
    return l->linktype;
}

guint64
sum_live_frames(const SumLive *l)
{
    return l->frames;
}

guint64
sum_live_dropped(const SumLive *l)
{
    struct pcap_stat st;
    return pcap_stats(l->pcap, &st) == 0 ? st.ps_drop : 0;
}

void
sum_live_close(SumLive *l)
{
    if (l == NULL)
        return;
    /* The dumper is the caller's FILE: flushed in sum_live_run, not closed. */
    if (l->pcap != NULL)
        pcap_close(l->pcap);
    g_free(l->iface);
    g_free(l->filter);
    g_free(l);
}
