/* capture-decompress.h: a capture file's bytes as a stdio FILE, decompressed
 * on the fly when they are gzip (zlib), zstd (libzstd) or lz4 frames
 * (liblz4), as Wireshark reads them. Compression is told by magic
 * (capture-format.h), never by name, so standard input works too.
 *
 * Streamed: no temporary copy. The FILE is made with fopencookie(3), so
 * libpcap still does the reading and the filtering (pcap_fopen_offline), and
 * capture-pcapng.c reads the same FILE. Decompressed bytes are written
 * straight into the FILE's own buffer; an uncompressed file is read(2) into
 * it, so it costs what a plain fopen() did.
 *
 * The first bytes can be looked at before anyone reads (sum_stream_peek):
 * they stay in the stream and are read first, so a pipe loses nothing.
 */
#ifndef SUM_CAPTURE_DECOMPRESS_H
#define SUM_CAPTURE_DECOMPRESS_H

#include <stdio.h>
#include <glib.h>
#include "capture-format.h"

G_BEGIN_DECLS

typedef struct _SumStream SumStream;

/* Opens PATH ("-": standard input). Errors (a directory, an empty file, a
 * compressed header that is not one) are SUM_CAPTURE_ERROR GErrors naming
 * the file. */
SumStream *sum_stream_open(const char *path, GError **error);
/* Frees S, closing its FILE if nobody did (NULL is fine). */
void sum_stream_free(SumStream *s);

/* The first bytes of the content (decompressed), up to N; *LEN gets how many
 * (fewer when the content is shorter). They are still read from the FILE.
 * NULL with ERROR when even these cannot be read or decompressed. */
const guint8 *sum_stream_peek(SumStream *s, gsize n, gsize *len, GError **error);

/* The content as a FILE, made on the first call. Whoever reads it closes it
 * (pcap_close() does) and then says so with sum_stream_file_closed(); the
 * stream outlives it until sum_stream_free(). ftell() tells the content's
 * offset. An uncompressed regular file is read by the FILE itself. */
FILE *sum_stream_file(SumStream *s);

/* Its reader closed the FILE (pcap_close()): the stream must not again. */
void sum_stream_file_closed(SumStream *s);

/* SUM_FORMAT_GZIP, _ZSTD, _LZ4, or SUM_FORMAT_UNKNOWN when not compressed. */
SumFormat sum_stream_compression(const SumStream *s);
/* The file's size in bytes as stored (compressed), 0 when unknown (a pipe). */
guint64 sum_stream_size(const SumStream *s);
/* Bytes of the file as stored consumed so far: for a progress bar. */
guint64 sum_stream_consumed(const SumStream *s);

/* Why the content ended, once the FILE read its end or failed: NULL when the
 * compressed data was whole, else a SUM_CAPTURE_ERROR (_TRUNCATED: the
 * compressed file is cut off; _READ: corrupt data or an I/O error), whose
 * words name the file. Reading through libpcap, this is the root cause
 * behind whatever libpcap then says. */
const GError *sum_stream_error(const SumStream *s);

G_END_DECLS

#endif /* SUM_CAPTURE_DECOMPRESS_H */
