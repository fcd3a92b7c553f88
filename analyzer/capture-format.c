/* capture-format.c: a file's format from its first bytes (capture-format.h
 * cites where each magic comes from). */
#include "capture-format.h"

#include <string.h>

/* ETW: a trace file is a run of buffers, each a 0x48-byte WMI_BUFFER_HEADER
 * (BufferSize at 0, the bytes in use at 0x30) and events; the first event of
 * the first buffer is the logfile header, a SYSTEM_TRACE_HEADER whose type
 * byte is 1 or 2 (32- or 64-bit system header), whose flags byte has the
 * trace-header marker bits 0xC0 and whose hook id is 0 (EVENT_TRACE_GROUP_
 * HEADER, type INFO). Buffer sizes are set in KiB. */
#define ETL_BUFFER_HEADER 0x48u
#define ETL_OFFSET_FIELD 0x30u
#define ETL_MIN_BUFFER 1024u
#define ETL_MAX_BUFFER (64u << 20)

static guint32
le32(const guint8 *p)
{
    return (guint32)p[0] | (guint32)p[1] << 8 | (guint32)p[2] << 16 | (guint32)p[3] << 24;
}

static guint32
be32(const guint8 *p)
{
    return (guint32)p[0] << 24 | (guint32)p[1] << 16 | (guint32)p[2] << 8 | (guint32)p[3];
}

static gboolean
is_etl(const guint8 *h, gsize n)
{
    if (n < ETL_BUFFER_HEADER + 16)
        return FALSE;
    guint32 size = le32(h), used = le32(h + ETL_OFFSET_FIELD);
    const guint8 *sys = h + ETL_BUFFER_HEADER;
    guint16 hook = (guint16)(sys[6] | sys[7] << 8);
    return size >= ETL_MIN_BUFFER && size <= ETL_MAX_BUFFER && size % 1024 == 0 &&
           used >= ETL_BUFFER_HEADER && used <= size && (sys[2] == 1 || sys[2] == 2) &&
           (sys[3] & 0xC0) == 0xC0 && hook == 0;
}

static gboolean
is_pcap_magic(guint32 m)
{
    /* µs, ns (0xa1b23c4d) and Kuznetzov's modified pcap (0xa1b2cd34), which
     * libpcap reads too; read big-endian, so a little-endian file's magic
     * shows byte-swapped. */
    static const guint32 magics[] = {0xa1b2c3d4u, 0xa1b23c4du, 0xa1b2cd34u};
    for (gsize i = 0; i < G_N_ELEMENTS(magics); i++)
        if (m == magics[i] || m == GUINT32_SWAP_LE_BE(magics[i]))
            return TRUE;
    return FALSE;
}

SumFormat
sum_format_sniff(const guint8 *h, gsize n)
{
    if (n >= 4 && is_pcap_magic(be32(h)))
        return SUM_FORMAT_PCAP;
    if (n >= 4 && be32(h) == 0x0a0d0d0au)
        return SUM_FORMAT_PCAPNG;
    if (n >= 3 && h[0] == 0x1f && h[1] == 0x8b && h[2] == 8)
        return SUM_FORMAT_GZIP;
    if (n >= 4 && le32(h) == 0xfd2fb528u)
        return SUM_FORMAT_ZSTD;
    if (n >= 4 && le32(h) == 0x184d2204u)
        return SUM_FORMAT_LZ4;
    if (n >= 6 && memcmp(h, "\xfd" "7zXZ\0", 6) == 0)
        return SUM_FORMAT_XZ;
    if (n >= 4 && memcmp(h, "BZh", 3) == 0 && h[3] >= '1' && h[3] <= '9')
        return SUM_FORMAT_BZIP2;
    if (n >= 4 && (memcmp(h, "PK\x03\x04", 4) == 0 || memcmp(h, "PK\x05\x06", 4) == 0))
        return SUM_FORMAT_ZIP;
    if (n >= 4 && (memcmp(h, "GMBU", 4) == 0 || memcmp(h, "RTSS", 4) == 0))
        return SUM_FORMAT_NETMON;
    if (is_etl(h, n))
        return SUM_FORMAT_ETL;
    return SUM_FORMAT_UNKNOWN;
}

gboolean
sum_format_is_capture(SumFormat f)
{
    return f > SUM_FORMAT_UNKNOWN && f < SUM_FORMAT_COUNT;
}

gboolean
sum_format_is_compressed(SumFormat f)
{
    return f == SUM_FORMAT_GZIP || f == SUM_FORMAT_ZSTD || f == SUM_FORMAT_LZ4;
}

const char *
sum_format_name(SumFormat f)
{
    static const char *const names[SUM_FORMAT_COUNT] = {
        "not a capture",
        "pcap capture",
        "pcapng capture",
        "gzip-compressed file",
        "zstd-compressed file",
        "lz4-compressed file",
        "xz-compressed file",
        "bzip2-compressed file",
        "zip archive",
        "Microsoft Network Monitor capture",
        "Windows event trace (ETL, from pktmon or netsh trace)",
    };
    return (unsigned)f < SUM_FORMAT_COUNT ? names[f] : names[0];
}

/* IN as a shell word: as it is when it is plain, else in single quotes. */
static gchar *
shell_word(const char *in)
{
    for (const char *p = in; *p != '\0'; p++)
        if (!g_ascii_isalnum(*p) && strchr("._/+-:@,%=", *p) == NULL)
            return g_shell_quote(in);
    return g_strdup(in);
}

/* IN with its extension replaced by EXT ("trace.etl" -> "trace.pcapng"). */
static gchar *
renamed(const char *in, const char *ext)
{
    gchar *base = g_strdup(in);
    char *dot = strrchr(base, '.'), *slash = strrchr(base, '/');
    if (dot != NULL && dot != base && (slash == NULL || dot > slash + 1))
        *dot = '\0';
    gchar *out = g_strconcat(base, ext, NULL);
    g_free(base);
    return out;
}

gchar *
sum_format_advice(SumFormat f, const char *in)
{
    gboolean stdin_ = strcmp(in, "-") == 0;
    const char *tool;
    switch (f) {
    case SUM_FORMAT_NETMON:
        tool = "editcap -F pcapng";
        in = stdin_ ? "in.cap" : in;
        break;
    case SUM_FORMAT_ETL:
        tool = "etl2pcapng";
        in = stdin_ ? "in.etl" : in;
        break;
    case SUM_FORMAT_ZIP:
        tool = "unzip";
        in = stdin_ ? "in.zip" : in;
        break;
    case SUM_FORMAT_XZ:
        tool = "xz -dk";
        in = stdin_ ? "in.xz" : in;
        break;
    case SUM_FORMAT_BZIP2:
        tool = "bzip2 -dk";
        in = stdin_ ? "in.bz2" : in;
        break;
    default:
        return NULL;
    }
    gchar *word = shell_word(in);
    if (f == SUM_FORMAT_ZIP || f == SUM_FORMAT_XZ || f == SUM_FORMAT_BZIP2) {
        gchar *advice = g_strdup_printf("unpack it with: %s %s%s", tool, word,
                                        f == SUM_FORMAT_ZIP ? ", and give sumscope the "
                                                              "capture inside" : "");
        g_free(word);
        return advice;
    }
    gchar *out = renamed(in, ".pcapng");
    gchar *out_word = shell_word(strcmp(out, in) == 0 || stdin_ ? "out.pcapng" : out);
    gchar *advice = g_strdup_printf("convert it with: %s %s %s", tool, word, out_word);
    g_free(word);
    g_free(out);
    g_free(out_word);
    return advice;
}

/* The first bytes, for a file that is nothing we know: as text when they
 * are (an error page saved instead of the capture), else in hex. */
static gchar *
first_bytes(const guint8 *head, gsize n)
{
    gsize k = MIN(n, (gsize)16), printable = 0;
    for (gsize i = 0; i < k; i++)
        printable += g_ascii_isprint(head[i]) || head[i] == '\n' || head[i] == '\r' ||
                     head[i] == '\t';
    GString *s = g_string_new(NULL);
    if (printable == k) {
        g_string_append(s, "it starts with \"");
        for (gsize i = 0; i < k; i++)
            g_string_append_c(s, g_ascii_isprint(head[i]) ? (char)head[i] : ' ');
        g_string_append_c(s, '"');
    } else {
        g_string_append(s, "its first bytes are");
        for (gsize i = 0; i < MIN(k, (gsize)8); i++)
            g_string_append_printf(s, " %02x", head[i]);
    }
    return g_string_free(s, FALSE);
}

gchar *
sum_format_refusal(SumFormat compression, const guint8 *head, gsize n, const char *path)
{
    SumFormat f = sum_format_sniff(head, n);
    if (f == SUM_FORMAT_PCAP || f == SUM_FORMAT_PCAPNG)
        return NULL;
    g_autofree gchar *inside = compression != SUM_FORMAT_UNKNOWN
                                   ? g_strdup_printf(" inside the %s",
                                                     sum_format_name(compression))
                                   : g_strdup("");
    if (sum_format_is_compressed(f))
        return g_strdup_printf("%s%s: compressed twice; decompress it once first",
                               sum_format_name(f), inside);
    if (f == SUM_FORMAT_UNKNOWN) {
        g_autofree gchar *start = first_bytes(head, n);
        return g_strdup_printf("not a capture%s: %s (sumscope reads pcap and pcapng, as "
                               "they are or compressed with gzip, zstd or lz4)", inside,
                               start);
    }
    g_autofree gchar *advice = sum_format_advice(f, path);
    return g_strdup_printf("%s%s, not pcap or pcapng: %s", sum_format_name(f), inside,
                           advice);
}
