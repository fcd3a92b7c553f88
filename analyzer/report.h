/* report.h: the reporters' common interface.
 *
 * Reporters read only the reconstructed SumResult and the capture summary;
 * they never touch packets or flows. Adding a format changes no analysis.
 */
#ifndef SUM_REPORT_H
#define SUM_REPORT_H

#include <stdio.h>
#include <glib.h>
#include "sum-recon.h"
#include "sum-remedy.h"

G_BEGIN_DECLS

/* A file not read to its end, as tshark stops: what came before was
 * analysed. */
typedef enum {
    SUM_STOP_CUT_OFF,            /* the file, or its compressed data, ends inside a record */
    SUM_STOP_BAD_RECORD          /* a record or block that lies, corrupt data, a read error */
} SumStopKind;

typedef struct {
    gchar *file;                 /* as given ("-" for stdin) */
    SumStopKind kind;
    guint64 frame;               /* the record it stopped at, 1-based in its file (Wireshark's) */
    gint64 offset;               /* that record's byte offset in the file, -1 if not known */
    gchar *reason;               /* one line, the reader's words */
} SumCaptureStop;

/* Frames of one link type that sumscope does not decode. */
typedef struct {
    guint32 linktype;            /* LINKTYPE_ value */
    gchar *name;                 /* libpcap's name for it (pcap_datalink_val_to_name) */
    guint64 frames;
} SumLinkCount;

/* What was read: the `capture` object of the JSON output. */
typedef struct {
    GPtrArray *files;            /* gchar*: paths as given ("-" for stdin) */
    guint64 packets;             /* frames read */
    guint64 bytes;               /* captured bytes */
    gint64 t_first;              /* µs since the epoch, 0 if no packet */
    gint64 t_last;
    guint64 truncated;           /* frames cut by the snap length before L4 */
    guint64 invalid;             /* frames with a lying header */
    guint64 unsupported;         /* frames of a link type we do not decode */
    guint64 not_ip;              /* ARP, STP ...: fine, just counted */
    guint64 fragments;           /* IP fragments, counted and skipped */
    guint64 flows_evicted;       /* live flows evicted by the memory cap */
    guint64 conns_dropped;       /* SUM connections over the reconstruction cap */
    GPtrArray *link_types;       /* gchar*: names of the link types seen */
    GPtrArray *stops;            /* SumCaptureStop*: files not read to their end */
    GPtrArray *unsupported_links; /* SumLinkCount*: UNSUPPORTED per link type, first seen first */
} SumCaptureSummary;

typedef struct {
    const SumResult *result;
    const SumCaptureSummary *capture;
    GPtrArray *remedies;         /* SumRemedy* */
    gboolean color;              /* text: ANSI colour */
    gboolean quiet;              /* text: summary and findings only */
    const char *program_version;
} SumReport;

gboolean sum_report_text(const SumReport *report, FILE *out, GError **error);
gboolean sum_report_json(const SumReport *report, FILE *out, GError **error);
gboolean sum_report_html(const SumReport *report, FILE *out, GError **error);

G_END_DECLS

#endif /* SUM_REPORT_H */
