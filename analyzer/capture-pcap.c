/* capture-pcap.c: capture files through libpcap's offline reader.
 *
 * We open the file ourselves and give it a 1 MiB stdio buffer before libpcap
 * gets it, then read with pcap_dispatch: on this machine that made a plain
 * read loop 2.4x faster than pcap_open_offline + pcap_next_ex (STYLE.md,
 * "Measured here"). pcap_dispatch returns 0 at the end of a file and -1 on an
 * error (pcap_dispatch(3PCAP)), which is how end-of-file and error differ.
 * The FILE comes from capture-decompress.c, so a gzip, zstd or lz4 capture
 * reads the same way, from a file or standard input.
 */
#include "capture.h"
#include "capture-decompress.h"
#include "capture-pcapng.h"
#include "decode.h"
#include "sum-limits.h"

#include <errno.h>
#include <stdlib.h>
#include <stdio.h>
#include <stdio_ext.h>
#include <string.h>
#include <sys/stat.h>
#include <pcap/pcap.h>

struct _SumCapture {
    char *path;
    SumStream *stream;   /* the file's bytes, decompressed (capture-decompress.c) */
    FILE *fp;            /* the stream's FILE; pcap_close() closes it */
    char *buffer;        /* the FILE's stdio buffer: freed after the FILE closes */
    pcap_t *pcap;
    SumPcapng *ng;       /* instead of PCAP: a pcapng file of mixed link types */
    char *filter;        /* with NG: the filter, compiled per link type below */
    GHashTable *programs; /* with NG: linktype + 1 -> struct bpf_program* */
    guint32 linktype;
    SumCaptureFrameFunc fn;
    void *user;
    guint64 first_frame; /* the run-wide number of the file's first record */
    guint64 frames;      /* delivered: kept by the filter */
    guint64 records;     /* read from the file, kept or not */
    struct bpf_program bpf; /* with PCAP: the filter, applied in on_frame */
    gboolean has_bpf;
};

G_DEFINE_QUARK(sum-capture-error-quark, sum_capture_error)

/* The filter is applied to each record in on_frame, as libpcap's offline
 * reader would (pcap_offline_filter is its own test), so that every record
 * is counted, kept or not: a stop is told by its frame number in the file,
 * and a kept frame keeps its number in the file, Wireshark's numbering of
 * the unfiltered file, so that "frame 412" is the one Wireshark shows. */
static gboolean
set_filter(SumCapture *c, const char *filter, GError **error)
{
    if (pcap_compile(c->pcap, &c->bpf, filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FILTER,
                    "%s: invalid filter '%s': %s", c->path, filter, pcap_geterr(c->pcap));
        return FALSE;
    }
    c->has_bpf = TRUE;
    return TRUE;
}

/* libpcap reads a record with two fread() calls. Once the process has a
 * second thread (pipeline.c), glibc locks the FILE on every call; only the
 * reading thread ever touches this FILE, so the locks are pure cost (a fifth
 * of the reading thread's time on a 1M-packet file). */
static void
no_stdio_locks(FILE *fp)
{
    __fsetlocking(fp, FSETLOCKING_BYCALLER);
}

/* The 1 MiB stdio buffer, set before the first read as setvbuf(3) requires;
 * ours, freed after the FILE closes. */
static char *
set_buffer(FILE *fp)
{
    char *buffer = g_malloc(SUM_CAPTURE_BUFFER_BYTES);
    setvbuf(fp, buffer, _IOFBF, SUM_CAPTURE_BUFFER_BYTES);
    no_stdio_locks(fp);
    return buffer;
}

static void
program_free(gpointer p)
{
    pcap_freecode(p);
    g_free(p);
}

/* The filter compiled for LINKTYPE (a pcapng file of mixed link types reads
 * without libpcap's reader, so each link type gets its own program, as
 * libpcap would compile it for a capture of that type). */
static const struct bpf_program *
program_for(SumCapture *c, guint32 linktype, GError **error)
{
    if (c->programs == NULL)
        c->programs = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL,
                                            program_free);
    gpointer key = GUINT_TO_POINTER(linktype + 1);
    struct bpf_program *prog = g_hash_table_lookup(c->programs, key);
    if (prog != NULL)
        return prog;
    /* pcap_open_dead() takes a DLT_ value; the file gave a LINKTYPE_ one.
     * They are the same number except for raw IP (LINKTYPE_RAW 101 is
     * DLT_RAW, 12 or 14 by platform), as libpcap's own reader maps them. */
    int dlt = linktype == SUM_LINKTYPE_RAW ? DLT_RAW : (int)linktype;
    pcap_t *dead = pcap_open_dead(dlt, 262144);
    if (dead == NULL) {
        g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FILTER,
                    "%s: cannot compile filters for link type %u", c->path, linktype);
        return NULL;
    }
    prog = g_new0(struct bpf_program, 1);
    if (pcap_compile(dead, prog, c->filter, 1, PCAP_NETMASK_UNKNOWN) != 0) {
        /* Checked on the first interface's type at open: a filter that made
         * sense there but not here ("ether host" on a cooked or raw-IP
         * interface) matches none of this interface's frames. */
        if (linktype == c->linktype) {
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FILTER,
                        "%s: invalid filter '%s': %s", c->path, c->filter, pcap_geterr(dead));
            g_free(prog);
            pcap_close(dead);
            return NULL;
        }
        /* One BPF instruction, "ret #0": reject. calloc, as pcap_freecode
         * frees it with free(). */
        prog->bf_insns = calloc(1, sizeof(struct bpf_insn));
        g_assert(prog->bf_insns != NULL);
        prog->bf_insns[0].code = BPF_RET | BPF_K;
        prog->bf_len = 1;
    }
    pcap_close(dead);
    g_hash_table_insert(c->programs, key, prog);
    return prog;
}

static gboolean
run_pcapng(SumCapture *c, GError **error)
{
    SumPcapngPacket pk;
    int rc;
    while ((rc = sum_pcapng_next(c->ng, &pk, error)) > 0) {
        c->records++;
        if (c->filter != NULL) {
            const struct bpf_program *prog = program_for(c, pk.linktype, error);
            if (prog == NULL)
                return FALSE;
            struct pcap_pkthdr h = {{0, 0}, pk.caplen, pk.wirelen};
            if (pcap_offline_filter(prog, &h, pk.data) == 0)
                continue;
        }
        c->fn(c->first_frame + c->records - 1, pk.time_us, pk.linktype, pk.data, pk.caplen,
              pk.wirelen, c->user);
        c->frames++;
    }
    return rc == 0;
}

/* libpcap stopped at an interface of another link type declared after the
 * first packet, which the look ahead at open does not reach. In a file (not
 * standard input) the rest can still be read: capture-pcapng.c goes through
 * the blocks again, learning the interfaces but not handing on the packets
 * libpcap already did, and takes over from where libpcap stopped. */
static gboolean
switch_to_pcapng(SumCapture *c)
{
    FILE *old = pcap_file(c->pcap);
    long stop = old != NULL ? ftell(old) : -1;
    if (stop <= 0 || g_strcmp0(c->path, "-") == 0)
        return FALSE;
    SumStream *stream = sum_stream_open(c->path, NULL);
    if (stream == NULL)
        return FALSE;
    FILE *fp = sum_stream_file(stream);
    char *buffer = set_buffer(fp);
    SumPcapng *ng = sum_pcapng_new(fp, c->path);
    if (!sum_pcapng_skip_to(ng, (guint64)stop)) {
        sum_pcapng_free(ng);
        sum_stream_free(stream);
        g_free(buffer);
        return FALSE;
    }
    pcap_close(c->pcap); /* closes the old FILE: its buffer and stream can go */
    sum_stream_file_closed(c->stream);
    c->pcap = NULL;
    sum_stream_free(c->stream);
    g_free(c->buffer);
    c->stream = stream;
    c->fp = fp;
    c->buffer = buffer;
    c->ng = ng;
    return TRUE;
}

/* Interfaces of different link types before the first packet: capture-
 * pcapng.c reads the file instead of libpcap. Told from the first bytes,
 * peeked, so a pipe or a compressed file loses nothing to the look. */
static gboolean
mixed_pcapng(const guint8 *head, gsize len, guint32 *first)
{
    FILE *mem = fmemopen((void *)head, len, "rb");
    if (mem == NULL)
        return FALSE;
    gboolean mixed = sum_pcapng_mixed_linktypes(mem, first);
    fclose(mem);
    return mixed;
}

/* The stream's own trouble (compressed data cut off or corrupt, an I/O
 * error) is the cause behind whatever the reader then says: it wins. */
static gboolean
stream_failed(const SumCapture *c, GError **error)
{
    const GError *e = sum_stream_error(c->stream);
    if (e == NULL)
        return FALSE;
    g_clear_error(error);
    g_propagate_error(error, g_error_copy(e));
    return TRUE;
}

/* Is the content something libpcap reads? Empty, cut off before its first
 * block, or a format known to be something else: FALSE, with words that say
 * what it is and what converts it. A format not known at all still goes to
 * libpcap, whose refusal then gets the same words. */
static gboolean
readable(SumCapture *c, const guint8 *head, gsize len, SumFormat *format, GError **error)
{
    if (len == 0 && stream_failed(c, error))
        return FALSE; /* a compressed file cut before its first whole block */
    if (len == 0) {
        g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT,
                    "%s: empty once decompressed, not a capture", c->path);
        return FALSE;
    }
    *format = sum_format_sniff(head, len);
    if (*format == SUM_FORMAT_PCAP || *format == SUM_FORMAT_PCAPNG ||
        *format == SUM_FORMAT_UNKNOWN)
        return TRUE;
    g_autofree gchar *why = sum_format_refusal(sum_stream_compression(c->stream), head, len,
                                               c->path);
    g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT, "%s: %s", c->path, why);
    return FALSE;
}

SumCapture *
sum_capture_open(const char *path, const char *filter, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    g_return_val_if_fail(error == NULL || *error == NULL, NULL);
    char errbuf[PCAP_ERRBUF_SIZE] = "";
    SumCapture *c = g_new0(SumCapture, 1);
    c->path = g_strdup(path);
    c->stream = sum_stream_open(path, error);
    if (c->stream == NULL)
        goto fail;
    gsize len = 0;
    const guint8 *head = sum_stream_peek(c->stream, SUM_CAPTURE_PCAPNG_SCAN_BYTES, &len, error);
    if (head == NULL)
        goto fail;
    SumFormat format = SUM_FORMAT_UNKNOWN;
    if (!readable(c, head, len, &format, error))
        goto fail;
    guint32 first = 0;
    gboolean mixed = format == SUM_FORMAT_PCAPNG &&
                     mixed_pcapng(head, len, &first);
    c->fp = sum_stream_file(c->stream);
    c->buffer = set_buffer(c->fp);
    if (mixed) {
        c->ng = sum_pcapng_new(c->fp, path);
        c->linktype = first;
        if (filter != NULL && *filter != '\0') {
            c->filter = g_strdup(filter);
            if (program_for(c, first, error) == NULL)
                goto fail;
        }
        return c;
    }
    c->pcap = pcap_fopen_offline_with_tstamp_precision(c->fp, PCAP_TSTAMP_PRECISION_MICRO,
                                                       errbuf);
    if (c->pcap == NULL && stream_failed(c, error))
        goto fail;
    if (c->pcap == NULL) {
        g_autofree gchar *why = sum_format_refusal(sum_stream_compression(c->stream), head,
                                                   len, path);
        if (why != NULL) /* ours are clearer than libpcap's "unknown file format" */
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT, "%s: %s", path,
                        why);
        else
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT,
                        "%s: a capture libpcap cannot read: %s", path, errbuf);
        goto fail;
    }
    c->linktype = (guint32)pcap_datalink(c->pcap);
    if (filter != NULL && *filter != '\0') {
        c->filter = g_strdup(filter); /* kept for a switch to capture-pcapng.c */
        if (!set_filter(c, filter, error))
            goto fail;
    }
    return c;
fail:
    sum_capture_close(c);
    return NULL;
}

static gboolean
run_ng(SumCapture *c, GError **error)
{
    gboolean ok = run_pcapng(c, error);
    return !stream_failed(c, error) && ok;
}

static void
on_frame(u_char *user, const struct pcap_pkthdr *h, const u_char *data)
{
    SumCapture *c = (SumCapture *)user;
    c->records++;
    if (c->has_bpf && pcap_offline_filter(&c->bpf, h, data) == 0)
        return;
    gint64 t = (gint64)h->ts.tv_sec * G_USEC_PER_SEC + (gint64)h->ts.tv_usec;
    c->fn(c->first_frame + c->records - 1, t, c->linktype, data, h->caplen, h->len, c->user);
    c->frames++;
}

gboolean
sum_capture_run(SumCapture *c, guint64 first_frame, SumCaptureFrameFunc fn, void *user,
                GError **error)
{
    g_return_val_if_fail(c != NULL && (c->pcap != NULL || c->ng != NULL) && fn != NULL, FALSE);
    c->fn = fn;
    c->user = user;
    c->first_frame = first_frame;
    if (c->ng != NULL)
        return run_ng(c, error);
    for (;;) {
        int n = pcap_dispatch(c->pcap, SUM_CAPTURE_BATCH_FRAMES, on_frame, (u_char *)c);
        if (n > 0)
            continue;
        if (stream_failed(c, error))
            return FALSE;
        if (n == 0)
            return TRUE; /* end of file */
        const char *msg = pcap_geterr(c->pcap);
        /* Interfaces of different link types that the look ahead at open
         * could not see: declared after packets (read on below), or on
         * standard input (an error). */
        gboolean mixed = strstr(msg, "different from the type of the first") != NULL;
        if (mixed && switch_to_pcapng(c))
            return run_ng(c, error);
        /* libpcap's words for a record cut short: "truncated dump file",
         * "truncated pcapng dump file". */
        if (strstr(msg, "truncated") != NULL) {
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_TRUNCATED,
                        "%s: the file ends in the middle of a record (a capture "
                        "stopped while writing?; libpcap: %s)", c->path, msg);
            return FALSE;
        }
        g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_READ, "%s: %s%s", c->path, msg,
                    mixed ? (g_strcmp0(c->path, "-") == 0
                                 ? " (sumscope reads such pcapng files by name, not on "
                                   "standard input)"
                                 : " (declared after the first packet; mergecap -w can "
                                   "rewrite the file with every interface first)")
                          : "");
        return FALSE;
    }
}

guint32
sum_capture_linktype(const SumCapture *c)
{
    return c->linktype;
}

guint64
sum_capture_frames(const SumCapture *c)
{
    return c->frames;
}

gchar *
sum_capture_linktype_name(guint32 linktype)
{
    /* A DLT_ value; the same number as the LINKTYPE_ one but for raw IP
     * (decoded, so never asked here) and a few BSD ones libpcap maps. */
    int dlt = linktype == SUM_LINKTYPE_RAW ? DLT_RAW : (int)linktype;
    const char *name = pcap_datalink_val_to_name(dlt);
    return name != NULL ? g_strdup(name) : g_strdup_printf("LINKTYPE_%u", linktype);
}

guint64
sum_capture_records(const SumCapture *c)
{
    return c->records;
}

/* The byte offset after RECORDS records of the classic pcap in FP, walking
 * the record headers: 16 bytes (24 in Kuznetzov's modified format, magic
 * 0xa1b2cd34), the captured length at byte 8, in the magic's byte order
 * (draft-ietf-opsawg-pcap, 4 and 5). -1 if the file ends first. */
static gint64
pcap_record_offset(FILE *fp, guint64 records)
{
    guint8 h[24], skip[4096];
    if (fread(h, 1, 24, fp) != 24)
        return -1;
    guint32 le = (guint32)h[0] | (guint32)h[1] << 8 | (guint32)h[2] << 16 |
                 (guint32)h[3] << 24;
    gboolean little = le == 0xa1b2c3d4u || le == 0xa1b23c4du || le == 0xa1b2cd34u;
    gsize hdr = (le == 0xa1b2cd34u || GUINT32_SWAP_LE_BE(le) == 0xa1b2cd34u) ? 24 : 16;
    gint64 off = 24;
    for (guint64 i = 0; i < records; i++) {
        if (fread(h, 1, hdr, fp) != hdr)
            return -1;
        guint32 caplen;
        memcpy(&caplen, h + 8, 4);
        caplen = little ? GUINT32_FROM_LE(caplen) : GUINT32_FROM_BE(caplen);
        for (guint32 left = caplen; left > 0;) {
            gsize n = fread(skip, 1, MIN(left, (guint32)sizeof skip), fp);
            if (n == 0)
                return -1;
            left -= (guint32)n;
        }
        off += (gint64)(hdr + caplen);
    }
    return off;
}

/* The offset of the block after RECORDS packets of the pcapng in FP: the
 * packet there, the block that lies, or the end. -1 when capture-pcapng.c
 * finds trouble sooner than libpcap did. */
static gint64
pcapng_record_offset(FILE *fp, const char *path, guint64 records)
{
    SumPcapng *r = sum_pcapng_new(fp, path);
    SumPcapngPacket pk;
    guint64 n = 0;
    for (;;) {
        int rc = sum_pcapng_next(r, &pk, NULL);
        if (rc > 0 && n < records) {
            n++;
            continue;
        }
        gint64 off = n == records ? (gint64)sum_pcapng_block_offset(r) : -1;
        sum_pcapng_free(r);
        return off;
    }
}

gint64
sum_capture_stop_offset(const SumCapture *c)
{
    if (c->ng != NULL)
        return (gint64)sum_pcapng_block_offset(c->ng);
    if (g_strcmp0(c->path, "-") == 0)
        return -1; /* standard input cannot be read again */
    /* libpcap does not say where a record starts: read the file again, by
     * the records' own lengths, up to the one it stopped at. */
    SumStream *s = sum_stream_open(c->path, NULL);
    gsize len = 0;
    const guint8 *head = s != NULL ? sum_stream_peek(s, 4, &len, NULL) : NULL;
    gint64 off = -1;
    if (head != NULL) {
        SumFormat f = sum_format_sniff(head, len);
        FILE *fp = sum_stream_file(s);
        if (f == SUM_FORMAT_PCAP)
            off = pcap_record_offset(fp, c->records);
        else if (f == SUM_FORMAT_PCAPNG)
            off = pcapng_record_offset(fp, c->path, c->records);
    }
    sum_stream_free(s);
    return off;
}

void
sum_capture_progress(const SumCapture *c, guint64 *done, guint64 *total)
{
    /* In bytes of the file as stored: a compressed file's size is known,
     * the size of what it decompresses to is not. */
    *total = sum_stream_size(c->stream);
    *done = MIN(sum_stream_consumed(c->stream), *total);
}

void
sum_capture_close(SumCapture *c)
{
    if (c == NULL)
        return;
    sum_pcapng_free(c->ng);
    if (c->programs != NULL)
        g_hash_table_destroy(c->programs);
    if (c->has_bpf)
        pcap_freecode(&c->bpf);
    g_free(c->filter);
    if (c->pcap != NULL) {
        pcap_close(c->pcap); /* closes the stream's FILE */
        sum_stream_file_closed(c->stream);
    }
    sum_stream_free(c->stream); /* closes it when libpcap did not */
    g_free(c->buffer);
    g_free(c->path);
    g_free(c);
}
