/* reader.h: reading capture files. The only part of sumscope that sees
 * libpcap's types. */
#ifndef SUM_READER_H
#define SUM_READER_H

#include <glib.h>

typedef struct {
    guint64 frame;        /* 1-based across the run */
    gint64 time;          /* µs since the epoch */
    guint32 linktype;     /* LINKTYPE_ value */
    guint32 caplen;
    guint32 wirelen;
} SumFrameInfo;

typedef void (*SumFrameFunc)(const SumFrameInfo *info, const guint8 *data, gpointer user);

typedef struct _SumReader SumReader;

#define SUM_READER_ERROR (sum_reader_error_quark())
GQuark sum_reader_error_quark(void);
typedef enum { SUM_READER_ERROR_OPEN, SUM_READER_ERROR_FORMAT, SUM_READER_ERROR_FILTER,
               SUM_READER_ERROR_READ } SumReaderError;

/* PATH "-" is standard input. FILTER is libpcap's filter syntax, or NULL. */
SumReader *sum_reader_open(const char *path, const char *filter, GError **error);
/* Reads every frame, calling FN. FIRST_FRAME numbers the first one. A file
 * cut short (a truncated last record) is not an error: *CUT_SHORT says so and
 * the frames before it count. */
gboolean sum_reader_run(SumReader *reader, guint64 first_frame, SumFrameFunc fn, gpointer user,
                        gboolean *cut_short, GError **error);
guint32 sum_reader_linktype(const SumReader *reader);
/* Bytes read so far and the file's size (0 when unknown: a pipe). */
void sum_reader_progress(const SumReader *reader, guint64 *done, guint64 *total);
void sum_reader_close(SumReader *reader);

#endif
