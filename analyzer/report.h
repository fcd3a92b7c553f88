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
#include "sum-status.h"

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
/* Where one file's frames lie in the run-wide numbering of core (SumFrame). */
typedef struct {
    guint64 first;               /* the run-wide number of its first frame */
    guint64 count;               /* records read from it, kept by -f or not */
} SumFileFrames;

/* What was read: the `capture` object of the JSON output. */
typedef struct {
    GPtrArray *files;            /* gchar*: paths as given ("-" for stdin) */
    GArray *file_frames;         /* SumFileFrames, one per file of FILES (NULL: one file) */
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

/* Frame numbers as Wireshark shows them. Core numbers frames 1-based across
 * all files of a run; a person opens one file at a time (report-frame.c). */
/* The file (index into FILES) and the number within it of run-wide FRAME;
 * FALSE for frame 0 (none) or past the last file. */
gboolean sum_frame_locate(const SumCaptureSummary *capture, SumFrame frame, guint *file,
                          guint64 *local);
/* Several files in the run (frames then need their file). */
gboolean sum_frame_several_files(const SumCaptureSummary *capture);
/* "FRAME" with one file, "FILE#FRAME" with several (FILE: 1-based position in
 * FILES, as the reports list them), "-" for frame 0. Into BUF. */
#define SUM_FRAME_STRLEN 48
const char *sum_frame_text(const SumCaptureSummary *capture, SumFrame frame, char *buf,
                           gsize size);
/* The first MAX of FRAMES (SumFrame) in that form, joined by SEP, with
 * SEP "..." after them when there are more. */
gchar *sum_frame_list(const SumCaptureSummary *capture, const GArray *frames, guint max,
                      const char *sep);

/* Words for core's per-target status (report-status.c). */
/* "fell back", "blocked" ... */
const char *sum_report_status_word(SumStatus status);
/* "callbacks to 61001 on 10.0.0.1 dropped from 23 targets" */
gchar *sum_report_group_clause(const SumStatusGroup *group);
/* "callback 61001 on 10.0.0.1 dropped (+1 more)", "-" without issue */
gchar *sum_report_issue_text(const SumTargetStatus *status);

/* Remediation steps for a result (SumRemedy*, owned by the array). */
GPtrArray *sum_remedy_build(const SumResult *result);

typedef struct {
    const SumResult *result;
    const SumCaptureSummary *capture;
    GPtrArray *remedies;         /* SumRemedy* */
    gboolean color;              /* text: ANSI colour */
    gboolean quiet;              /* text: summary and findings only */
    guint width;                 /* text: columns a line may take, 0 = no limit */
    const char *program_version;
} SumReport;

gboolean sum_report_text(const SumReport *report, FILE *out, GError **error);
gboolean sum_report_json(const SumReport *report, FILE *out, GError **error);
gboolean sum_report_html(const SumReport *report, FILE *out, GError **error);
/* The tables (allocations, findings, channels, targets) as DIR/NAME.csv, or
 * .tsv with TSV; DIR is made when missing (report-csv.c). */
gboolean sum_report_csv(const SumReport *report, const char *dir, gboolean tsv,
                        GError **error);
/* FALSE with ERROR when PATH must not be written: a folder, or an existing
 * capture file (pcap or pcapng), which no report overwrites. */
gboolean sum_report_output_allowed(const char *path, GError **error);

G_END_DECLS

#endif /* SUM_REPORT_H */
