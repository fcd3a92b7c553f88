/* capture.h: reading capture files (pcap or pcapng) frame by frame.
 *
 * The only part of the analyzer that sees libpcap; what it hands on is bytes,
 * lengths, a LINKTYPE_ number (per frame: a pcapng file's interfaces may
 * differ, capture-pcapng.c), a frame number and a time in µs. The file is
 * opened here with a 1 MiB stdio buffer and read with pcap_dispatch (2.4x
 * faster than pcap_open_offline + pcap_next_ex here: STYLE.md, "Measured").
 */
#ifndef SUM_CAPTURE_H
#define SUM_CAPTURE_H

#include <glib.h>

G_BEGIN_DECLS

/* One frame. FRAME: 1-based across the run (the caller chooses the first);
 * TIME_US: µs since the epoch; LINKTYPE: the frame's LINKTYPE_ value; DATA:
 * CAPLEN bytes, valid during the call only (copy what you keep); WIRELEN:
 * the frame's length on the wire. */
typedef void (*SumCaptureFrameFunc)(guint64 frame, gint64 time_us, guint32 linktype,
                                    const guint8 *data, guint32 caplen, guint32 wirelen,
                                    void *user);

typedef struct _SumCapture SumCapture;

#define SUM_CAPTURE_ERROR (sum_capture_error_quark())
GQuark sum_capture_error_quark(void);
typedef enum {
    SUM_CAPTURE_ERROR_OPEN,      /* cannot open the file (errno's words) */
    SUM_CAPTURE_ERROR_FORMAT,    /* not a capture libpcap reads, or a bad file header */
    SUM_CAPTURE_ERROR_FILTER,    /* the BPF filter does not compile or apply */
    SUM_CAPTURE_ERROR_TRUNCATED, /* the file ends inside a record: frames before it count */
    SUM_CAPTURE_ERROR_READ       /* any other read error */
} SumCaptureError;

/* Opens PATH ("-": standard input). FILTER: libpcap's filter syntax, or NULL
 * or "" for none. Errors name the file (and the filter) in one line. */
SumCapture *sum_capture_open(const char *path, const char *filter, GError **error);
/* Reads every frame to the end, calling FN; the first gets FIRST_FRAME.
 * TRUE at the end of the file; FALSE with ERROR on a read error, after the
 * frames before it were delivered (SUM_CAPTURE_ERROR_TRUNCATED: a capture
 * stopped mid-write). */
gboolean sum_capture_run(SumCapture *cap, guint64 first_frame, SumCaptureFrameFunc fn,
                         void *user, GError **error);
/* The file's link type (LINKTYPE_ value). For pcapng, libpcap gives the first
 * interface's, and refuses a file whose interfaces differ in link type. */
guint32 sum_capture_linktype(const SumCapture *cap);
/* libpcap's name for a LINKTYPE_ value ("USER0", "DOCSIS"), or
 * "LINKTYPE_n" for one it does not know. */
gchar *sum_capture_linktype_name(guint32 linktype);
/* Frames delivered so far (kept by the filter). Each is delivered with its
 * number in the file (FIRST_FRAME for the file's first record, kept or not),
 * so a filter leaves gaps, never renumbers. */
guint64 sum_capture_frames(const SumCapture *cap);
/* Records read so far, kept by the filter or not: after a failed
 * sum_capture_run(), the record it stopped at is number RECORDS + 1 of the
 * file, as Wireshark numbers frames. */
guint64 sum_capture_records(const SumCapture *cap);
/* After a failed sum_capture_run(): the byte offset in the file (as
 * decompressed) of the record it stopped at, -1 when not known (standard
 * input, which cannot be read again). May read the file again up to there. */
gint64 sum_capture_stop_offset(const SumCapture *cap);
/* For a progress bar: bytes read so far and the file's size in bytes (size 0
 * when unknown: a pipe or standard input). */
void sum_capture_progress(const SumCapture *cap, guint64 *done, guint64 *total);
void sum_capture_close(SumCapture *cap);
/* libpcap's own words for its version (pcap_lib_version), for --version. */
const char *sum_capture_lib_version(void);

G_END_DECLS

#endif /* SUM_CAPTURE_H */
