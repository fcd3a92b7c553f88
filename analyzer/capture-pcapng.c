/* capture-pcapng.c: pcapng block by block, for files whose interfaces differ
 * in link type (capture-pcapng.h says why libpcap is not used for them).
 *
 * draft-ietf-opsawg-pcapng: a block is type, total length, body, the total
 * length again (3.1); the Section Header Block's byte-order magic says the
 * section's byte order (4.1); Interface Description Blocks give each
 * interface's link type, snap length and timestamp resolution and offset
 * (4.2, options if_tsresol and if_tsoffset); packets come in Enhanced (4.3),
 * Simple (4.4) and the obsolete Packet Block (Appendix). Every other block
 * is skipped by its length. A new section forgets the last one's interfaces.
 */
#include "capture-pcapng.h"
#include "capture.h"
#include "sum-limits.h"

#include <errno.h>
#include <stdarg.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u  /* obsolete Packet Block */
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BYTE_ORDER_MAGIC 0x1A2B3C4Du
#define OPT_ENDOFOPT 0
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14
#define OPT_IF_FILTER 11 /* first byte 0: a libpcap filter string */

typedef struct {
    guint32 linktype;
    guint32 snaplen;
    gboolean binary;  /* if_tsresol: units are 2^-exp s; else 10^-exp s */
    guint8 exp;       /* default 6: microseconds */
    gint64 offset_s;  /* if_tsoffset, seconds */
} Iface;

struct _SumPcapng {
    FILE *fp;
    char *path;
    gboolean swap;      /* the section's byte order is not ours */
    gboolean in_section;
    GArray *ifaces;     /* Iface, this section's */
    guint8 *buf;        /* the current block, whole */
    gsize buf_size;
    guint64 offset;     /* file offset of the next block */
    guint64 block;      /* file offset of the last block read, or being read */
};

static guint32
rd32(const SumPcapng *r, const guint8 *p)
{
    guint32 v;
    memcpy(&v, p, 4);
    return r->swap ? GUINT32_SWAP_LE_BE(v) : v;
}

static guint16
rd16(const SumPcapng *r, const guint8 *p)
{
    guint16 v;
    memcpy(&v, p, 2);
    return r->swap ? GUINT16_SWAP_LE_BE(v) : v;
}

SumPcapng *
sum_pcapng_new(FILE *fp, const char *path)
{
    SumPcapng *r = g_new0(SumPcapng, 1);
    r->fp = fp;
    r->path = g_strdup(path);
    r->ifaces = g_array_new(FALSE, TRUE, sizeof(Iface));
    return r;
}

void
sum_pcapng_free(SumPcapng *r)
{
    if (r == NULL)
        return;
    g_array_free(r->ifaces, TRUE);
    g_free(r->buf);
    g_free(r->path);
    g_free(r);
}

static int
fail(SumPcapng *r, GError **error, SumCaptureError code, const char *fmt, ...)
    G_GNUC_PRINTF(4, 5);

static int
fail(SumPcapng *r, GError **error, SumCaptureError code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    g_autofree gchar *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(error, SUM_CAPTURE_ERROR, code, "%s: pcapng block at byte %" G_GUINT64_FORMAT
                ": %s", r->path, r->offset, what);
    return -1;
}

/* Reads N bytes; 1, 0 at a clean end (nothing read), -1 cut or I/O error. */
static int
read_exact(SumPcapng *r, void *dst, gsize n, gboolean at_block_start, GError **error)
{
    gsize got = fread(dst, 1, n, r->fp);
    if (got == n)
        return 1;
    if (ferror(r->fp))
        return fail(r, error, SUM_CAPTURE_ERROR_READ, "%s", g_strerror(errno));
    if (got == 0 && at_block_start)
        return 0;
    return fail(r, error, SUM_CAPTURE_ERROR_TRUNCATED,
                "the file ends inside this block (a capture stopped while writing?)");
}

/* Reads one whole block into r->buf; returns its type, 0 at the end, or -1. */
static gint64
read_block(SumPcapng *r, guint32 *len_out, GError **error)
{
    guint8 head[12];
    r->block = r->offset;
    int rc = read_exact(r, head, 8, TRUE, error);
    if (rc <= 0)
        return rc;
    guint32 type;
    memcpy(&type, head, 4);
    if (type == BT_SHB || GUINT32_SWAP_LE_BE(type) == BT_SHB) {
        /* The byte order comes from this block's own magic. */
        if (read_exact(r, head + 8, 4, FALSE, error) < 0)
            return -1;
        guint32 magic;
        memcpy(&magic, head + 8, 4);
        if (magic == BYTE_ORDER_MAGIC)
            r->swap = FALSE;
        else if (GUINT32_SWAP_LE_BE(magic) == BYTE_ORDER_MAGIC)
            r->swap = TRUE;
        else
            return fail(r, error, SUM_CAPTURE_ERROR_FORMAT,
                        "section header with an unknown byte-order magic 0x%08x", magic);
        r->in_section = TRUE;
        g_array_set_size(r->ifaces, 0);
        type = BT_SHB;
    } else if (!r->in_section) {
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "not a pcapng section header");
    } else {
        type = rd32(r, head);
    }
    guint32 len = rd32(r, head + 4);
    if (len < 12 || len % 4 != 0 || len > SUM_CAPTURE_MAX_BLOCK_BYTES)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT,
                    "block length %u is not a pcapng block length", len);
    if (type == BT_SHB && len < 28)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "section header of %u bytes", len);
    if (r->buf_size < len) {
        r->buf = g_realloc(r->buf, len);
        r->buf_size = len;
    }
    gsize have = type == BT_SHB ? 12 : 8;
    memcpy(r->buf, head, have);
    if (read_exact(r, r->buf + have, len - have, FALSE, error) < 0)
        return -1;
    if (rd32(r, r->buf + len - 4) != len)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT,
                    "the block's trailing length %u is not its leading length %u",
                    rd32(r, r->buf + len - 4), len);
    *len_out = len;
    return type;
}

/* An IDB's options: the timestamp resolution and offset. */
static void
idb_options(const SumPcapng *r, const guint8 *p, gsize n, Iface *ifc)
{
    gsize off = 0;
    while (off + 4 <= n) {
        guint16 code = rd16(r, p + off), olen = rd16(r, p + off + 2);
        off += 4;
        if (code == OPT_ENDOFOPT || olen > n - off)
            break;
        if (code == OPT_IF_TSRESOL && olen >= 1) {
            ifc->binary = (p[off] & 0x80) != 0;
            ifc->exp = p[off] & 0x7f;
        } else if (code == OPT_IF_TSOFFSET && olen >= 8) {
            guint64 v;
            memcpy(&v, p + off, 8);
            if (r->swap)
                v = GUINT64_SWAP_LE_BE(v);
            ifc->offset_s = (gint64)v;
        }
        off += (olen + 3u) & ~3u;
    }
}

static int
add_interface(SumPcapng *r, guint32 len, GError **error)
{
    if (len < 20)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "interface description of %u bytes",
                    len);
    if (r->ifaces->len >= SUM_CAPTURE_MAX_INTERFACES)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "more than %u interfaces",
                    SUM_CAPTURE_MAX_INTERFACES);
    Iface ifc = {0};
    ifc.linktype = rd16(r, r->buf + 8);
    ifc.snaplen = rd32(r, r->buf + 12);
    ifc.exp = 6;
    idb_options(r, r->buf + 16, len - 20, &ifc);
    /* Resolutions past 10^-19 s or 2^-63 s do not fit the 64-bit counter. */
    if ((!ifc.binary && ifc.exp > 19) || (ifc.binary && ifc.exp > 63))
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "timestamp resolution %s%u",
                    ifc.binary ? "2^-" : "10^-", ifc.exp);
    g_array_append_val(r->ifaces, ifc);
    return 0;
}

/* TS in the interface's units -> µs since the epoch (saturating). */
static gint64
to_us(const Iface *ifc, guint64 ts)
{
    gint64 us;
    if (ifc->binary) {
        guint64 sec = ifc->exp == 0 ? ts : ts >> ifc->exp;
        guint64 frac = ifc->exp == 0 ? 0 : ts & ((G_GUINT64_CONSTANT(1) << ifc->exp) - 1);
        us = (gint64)MIN(sec, (guint64)G_MAXINT64 / G_USEC_PER_SEC) * G_USEC_PER_SEC +
             (gint64)((double)frac * 1e6 / (double)(G_GUINT64_CONSTANT(1) << ifc->exp));
    } else if (ifc->exp >= 6) {
        guint64 div = 1;
        for (guint i = 6; i < ifc->exp; i++)
            div *= 10;
        us = (gint64)MIN(ts / div, (guint64)G_MAXINT64);
    } else {
        guint64 mul = 1;
        for (guint i = ifc->exp; i < 6; i++)
            mul *= 10;
        us = ts > (guint64)G_MAXINT64 / mul ? G_MAXINT64 : (gint64)(ts * mul);
    }
    gint64 off = ifc->offset_s;
    if (off > 0 && us > G_MAXINT64 - off * G_USEC_PER_SEC)
        return G_MAXINT64;
    if (off < -G_MAXINT64 / G_USEC_PER_SEC || off > G_MAXINT64 / G_USEC_PER_SEC)
        return us;
    return us + off * G_USEC_PER_SEC;
}

static int
packet(SumPcapng *r, guint32 type, guint32 len, SumPcapngPacket *out, GError **error)
{
    const guint8 *b = r->buf + 8;
    gsize body = len - 12;
    guint32 ifidx, caplen, wirelen;
    guint64 ts = 0;
    gsize data_off;
    if (type == BT_EPB || type == BT_PB) {
        if (body < 20)
            return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "packet block of %u bytes", len);
        ifidx = type == BT_EPB ? rd32(r, b) : rd16(r, b);
        ts = (guint64)rd32(r, b + 4) << 32 | rd32(r, b + 8);
        caplen = rd32(r, b + 12);
        wirelen = rd32(r, b + 16);
        data_off = 20;
    } else { /* SPB: the first interface, no timestamp, caplen from the block */
        if (body < 4)
            return fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "simple packet block of %u bytes",
                        len);
        ifidx = 0;
        wirelen = rd32(r, b);
        data_off = 4;
        caplen = (guint32)MIN((gsize)wirelen, body - 4);
    }
    if (ifidx >= r->ifaces->len)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT,
                    "a packet of interface %u, which the section has not described", ifidx);
    const Iface *ifc = &g_array_index(r->ifaces, Iface, ifidx);
    if (type == BT_SPB && ifc->snaplen > 0)
        caplen = MIN(caplen, ifc->snaplen);
    if (caplen > body - data_off)
        return fail(r, error, SUM_CAPTURE_ERROR_FORMAT,
                    "captured length %u past the %" G_GSIZE_FORMAT " bytes the block holds",
                    caplen, body - data_off);
    out->interface = ifidx;
    out->linktype = ifc->linktype;
    out->time_us = type == BT_SPB ? 0 : to_us(ifc, ts);
    out->data = b + data_off;
    out->caplen = caplen;
    out->wirelen = MAX(wirelen, caplen);
    return 1;
}

int
sum_pcapng_next(SumPcapng *r, SumPcapngPacket *out, GError **error)
{
    g_return_val_if_fail(r != NULL && out != NULL, -1);
    for (;;) {
        guint32 len = 0;
        gint64 type = read_block(r, &len, error);
        if (type <= 0)
            return (int)type;
        int rc = 0;
        switch ((guint32)type) {
        case BT_SHB:
            if (rd16(r, r->buf + 12) != 1)
                rc = fail(r, error, SUM_CAPTURE_ERROR_FORMAT, "pcapng version %u.%u",
                          rd16(r, r->buf + 12), rd16(r, r->buf + 14));
            break;
        case BT_IDB:
            rc = add_interface(r, len, error);
            break;
        case BT_EPB:
        case BT_PB:
        case BT_SPB:
            rc = packet(r, (guint32)type, len, out, error);
            break;
        default:
            break; /* name resolution, statistics, secrets, custom: not ours */
        }
        r->offset += len;
        if (rc != 0)
            return rc;
    }
}

guint64
sum_pcapng_block_offset(const SumPcapng *r)
{
    return r->block;
}

gboolean
sum_pcapng_skip_to(SumPcapng *r, guint64 offset)
{
    while (r->offset < offset) {
        guint32 len = 0;
        gint64 type = read_block(r, &len, NULL);
        if (type <= 0)
            return FALSE;
        int rc = 0;
        if (type == BT_IDB)
            rc = add_interface(r, len, NULL);
        r->offset += len;
        if (rc != 0)
            return FALSE;
    }
    return r->offset == offset;
}

gboolean
sum_pcapng_mixed_linktypes(FILE *fp, guint32 *first_linktype)
{
    SumPcapng *r = sum_pcapng_new(fp, "");
    gboolean mixed = FALSE;
    guint32 first = 0, n_idb = 0;
    for (;;) {
        guint32 len = 0;
        gint64 type = read_block(r, &len, NULL);
        if (type <= 0 || (type == BT_SHB && r->offset > 0) || type == BT_EPB ||
            type == BT_PB || type == BT_SPB)
            break; /* the end, an error, a second section or the first packet */
        if (type == BT_IDB && len >= 20) {
            guint32 lt = rd16(r, r->buf + 8);
            if (n_idb++ == 0)
                first = lt;
            else if (lt != first)
                mixed = TRUE;
        }
        r->offset += len;
        if (mixed || r->offset > SUM_CAPTURE_PCAPNG_SCAN_BYTES)
            break;
    }
    sum_pcapng_free(r);
    rewind(fp);
    if (first_linktype != NULL)
        *first_linktype = first;
    return mixed;
}

/* The if_filter option (a libpcap string) in the IDB R holds, or NULL. */
static gchar *
idb_filter(const SumPcapng *r, guint32 len)
{
    const guint8 *p = r->buf + 16;
    gsize n = len - 20, off = 0;
    while (off + 4 <= n) {
        guint16 code = rd16(r, p + off), olen = rd16(r, p + off + 2);
        off += 4;
        if (code == OPT_ENDOFOPT || olen > n - off)
            break;
        if (code == OPT_IF_FILTER && olen >= 2 && p[off] == 0)
            return g_strndup((const char *)p + off + 1, olen - 1);
        off += (olen + 3u) & ~3u;
    }
    return NULL;
}

gchar *
sum_pcapng_if_filter(FILE *fp)
{
    SumPcapng *r = sum_pcapng_new(fp, "");
    gchar *filter = NULL;
    gboolean unfiltered = FALSE; /* an interface without one: the file is not all filtered */
    for (;;) {
        guint32 len = 0;
        gint64 type = read_block(r, &len, NULL);
        if (type <= 0 || (type == BT_SHB && r->offset > 0) || type == BT_EPB ||
            type == BT_PB || type == BT_SPB)
            break; /* the end, an error, a second section or the first packet */
        if (type == BT_IDB && len >= 20) {
            gchar *f = idb_filter(r, len);
            unfiltered |= f == NULL;
            if (filter == NULL)
                filter = f;
            else
                g_free(f);
        }
        r->offset += len;
        if (r->offset > SUM_CAPTURE_PCAPNG_SCAN_BYTES)
            break;
    }
    sum_pcapng_free(r);
    if (filter != NULL && (unfiltered || !g_utf8_validate(filter, -1, NULL)))
        g_clear_pointer(&filter, g_free);
    return filter;
}
