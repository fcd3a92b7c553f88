/* capture-live.h: capturing from an interface (sumscope -i IFACE).
 *
 * The live half of the capture layer (capture.h is the offline one): frames
 * come to the same SumCaptureFrameFunc, so the pipeline and everything after
 * it are the same. libpcap as tcpdump uses it: pcap_create, the full snap
 * length, immediate mode, a read timeout so a duration is kept on an idle
 * link, the filter compiled for the interface and set in the kernel
 * (pcap_setfilter). Optionally every frame is also written to a pcap file,
 * as tcpdump -w does.
 */
#ifndef SUM_CAPTURE_LIVE_H
#define SUM_CAPTURE_LIVE_H

#include <stdio.h>
#include <glib.h>
#include "capture.h"

G_BEGIN_DECLS

typedef struct _SumLive SumLive;

/* Opens IFACE for capture. FILTER: libpcap's syntax, or NULL/"" for none.
 * Errors (no such interface, no permission, a bad filter) are
 * SUM_CAPTURE_ERROR GErrors naming the interface in one line. */
SumLive *sum_live_open(const char *iface, const char *filter, GError **error);
/* Also writes every frame captured from now on to DUMP, as a pcap file
 * (the FILE stays the caller's: it is flushed, never closed, here). */
gboolean sum_live_dump_to(SumLive *live, FILE *dump, GError **error);
/* Captures until DURATION_S seconds have passed (0: no limit) or
 * sum_live_stop(); frames are numbered from FIRST_FRAME. FALSE with ERROR
 * when the capture fails (the interface went away). */
gboolean sum_live_run(SumLive *live, double duration_s, guint64 first_frame,
                      SumCaptureFrameFunc fn, void *user, GError **error);
/* Called by sum_live_run() between rounds of waiting and reading (at least
 * every SUM_LIVE_TIMEOUT_MS, packets or not), for what must happen while
 * the capture goes on. */
typedef void (*SumLiveIdleFunc)(void *user);
void sum_live_set_idle(SumLive *live, SumLiveIdleFunc fn, void *user);
/* Ends sum_live_run() soon; safe in a signal handler. */
void sum_live_stop(SumLive *live);
guint32 sum_live_linktype(const SumLive *live);
/* The capture filter it was opened with, or NULL. */
const char *sum_live_filter(const SumLive *live);
guint64 sum_live_frames(const SumLive *live);
/* Frames the kernel dropped (pcap_stats), 0 when not known. */
guint64 sum_live_dropped(const SumLive *live);
void sum_live_close(SumLive *live);

G_END_DECLS

#endif /* SUM_CAPTURE_LIVE_H */
