/* capture-pcapng.h: a pcapng reader for the one kind of file libpcap 1.10
 * refuses: interfaces of different link types in one section ("an interface
 * has a type ... different from the type of the first interface"), which is
 * what dumpcap writes when it captures an Ethernet port and a loopback or
 * "any" device at once, and what mergecap makes of such captures.
 *
 * Internal to capture-pcap.c, which still reads every other file through
 * libpcap and applies BPF filters. No pcap types here: blocks are read from a
 * FILE as bytes, every length is checked against the block that holds it
 * (draft-ietf-opsawg-pcapng, sections 3, 4.1-4.4 and 4.6).
 */
#ifndef SUM_CAPTURE_PCAPNG_H
#define SUM_CAPTURE_PCAPNG_H

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _SumPcapng SumPcapng;

/* One packet. DATA stays valid until the next sum_pcapng_next(). */
typedef struct {
    guint32 interface;      /* index of its interface in the section */
    guint32 linktype;       /* that interface's LINKTYPE_ value */
    gint64 time_us;         /* µs since the epoch (0 for a simple packet block) */
    const guint8 *data;
    guint32 caplen;         /* bytes at DATA */
    guint32 wirelen;        /* bytes on the wire (>= caplen) */
} SumPcapngPacket;

/* TRUE when FP, at the start of a pcapng file, declares interfaces of
 * different link types before its first packet (the case libpcap refuses);
 * *FIRST_LINKTYPE (may be NULL) gets the first interface's. Reads at most
 * about SUM_CAPTURE_PCAPNG_SCAN_BYTES and rewinds FP to its start; FALSE for
 * anything else, including a file that is not pcapng. */
gboolean sum_pcapng_mixed_linktypes(FILE *fp, guint32 *first_linktype);
/* The capture filter the interfaces of FP (a pcapng file, at its start)
 * record in their if_filter option (the first one's), or NULL when one of
 * them records none (then not every packet came through a filter). */
gchar *sum_pcapng_if_filter(FILE *fp);

/* Reads FP (positioned at the file's start) block by block. PATH names the
 * file in errors. */
SumPcapng *sum_pcapng_new(FILE *fp, const char *path);
void sum_pcapng_free(SumPcapng *reader);

/* 1 and *OUT set: a packet. 0: the end of the file. -1 and ERROR
 * (SUM_CAPTURE_ERROR_FORMAT for a block that lies, _TRUNCATED for a file
 * that ends inside a block, _READ for an I/O error). */
int sum_pcapng_next(SumPcapng *reader, SumPcapngPacket *out, GError **error);

/* The file offset of the block last read: the packet's after a 1, the
 * block that lies or is cut after a -1. */
guint64 sum_pcapng_block_offset(const SumPcapng *reader);

/* Reads blocks up to file offset OFFSET, learning sections and interfaces
 * but passing over packets (another reader has handed those on). FALSE when
 * a block lies or OFFSET is not a block boundary. */
gboolean sum_pcapng_skip_to(SumPcapng *reader, guint64 offset);

G_END_DECLS

#endif /* SUM_CAPTURE_PCAPNG_H */
