/* capture-format.h: what a file is, from its first bytes.
 *
 * Used twice: before reading (a capture libpcap reads, one compressed the way
 * Wireshark reads it, or a format sumscope cannot read and the command that
 * converts it) and before writing (sumscope never writes over a capture).
 * Bytes only: no libpcap, no I/O. Magics: pcap and pcapng from
 * draft-ietf-opsawg-pcap and -pcapng; gzip RFC 1952 2.3.1; zstd RFC 8878
 * 3.1.1; lz4 frame format 1.6.x; xz and bzip2 from their file formats; zip
 * APPNOTE 4.3.7; Network Monitor from Wireshark's wiretap/netmon.c; ETW
 * trace files (.etl) from the WMI_BUFFER_HEADER and SYSTEM_TRACE_HEADER
 * layouts that Microsoft's etl2pcapng reads.
 */
#ifndef SUM_CAPTURE_FORMAT_H
#define SUM_CAPTURE_FORMAT_H

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
    SUM_FORMAT_UNKNOWN = 0,   /* none of the below */
    SUM_FORMAT_PCAP,          /* classic pcap, either byte order, µs or ns */
    SUM_FORMAT_PCAPNG,        /* a pcapng Section Header Block */
    SUM_FORMAT_GZIP,          /* compressed, and read: capture-decompress.c */
    SUM_FORMAT_ZSTD,
    SUM_FORMAT_LZ4,
    SUM_FORMAT_XZ,            /* compressed, not read: unpack first */
    SUM_FORMAT_BZIP2,
    SUM_FORMAT_ZIP,
    SUM_FORMAT_NETMON,        /* Microsoft Network Monitor .cap */
    SUM_FORMAT_ETL,           /* Windows ETW trace: pktmon, netsh trace */
    SUM_FORMAT_COUNT
} SumFormat;

/* The bytes sum_format_sniff() looks at, at most. */
#define SUM_FORMAT_SNIFF_BYTES 128u

/* What the N bytes at HEAD (a file's start) are. */
SumFormat sum_format_sniff(const guint8 *head, gsize n);
/* TRUE for the formats that hold packets, compressed or not, readable here
 * or not: what sumscope refuses to write over. */
gboolean sum_format_is_capture(SumFormat format);
/* TRUE for gzip, zstd and lz4: capture-decompress.c reads them. */
gboolean sum_format_is_compressed(SumFormat format);
/* A few words: "pcapng capture", "gzip-compressed file" ... */
const char *sum_format_name(SumFormat format);
/* For a format sumscope cannot read: what converts it, with IN standing for
 * the file ("editcap -F pcapng IN OUT.pcapng"); NULL for the others. */
gchar *sum_format_advice(SumFormat format, const char *in);

/* Why sumscope cannot read PATH, whose content (decompressed from
 * COMPRESSION, SUM_FORMAT_UNKNOWN for none) starts with the N bytes at HEAD,
 * in one line without the path: "a Microsoft Network Monitor capture, which
 * sumscope cannot read; convert it with: editcap ..."; NULL for pcap and
 * pcapng, which it reads. */
gchar *sum_format_refusal(SumFormat compression, const guint8 *head, gsize n,
                          const char *path);

G_END_DECLS

#endif /* SUM_CAPTURE_FORMAT_H */
