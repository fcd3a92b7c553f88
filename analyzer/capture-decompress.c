/* capture-decompress.c: gzip, zstd and lz4 captures as a FILE (capture-
 * decompress.h says why a cookie FILE).
 *
 * One source of raw bytes (a file descriptor and a read buffer) and one
 * decoder per stream. gzip: zlib's inflate with gzip framing (RFC 1952),
 * member after member as gzip -d does, trailing bytes that are not another
 * member ignored. zstd: ZSTD_decompressStream, frame after frame (RFC 8878).
 * lz4: LZ4F_decompress, the frame format the lz4 tool writes. Each decoder
 * says when a frame is complete, so input that ends inside one is told from
 * a whole file: that is a cut-off compressed capture, not a clean end.
 */
#define _GNU_SOURCE
#include "capture-decompress.h"
#include "capture.h"
#include "sum-limits.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>
#include <glib/gstdio.h>

struct _SumStream {
    char *path;
    int fd;
    gboolean own_fd;         /* not standard input's */
    guint64 size;            /* bytes as stored; 0 when unknown */
    guint64 raw_read;        /* bytes read from FD */
    guint8 *in;              /* raw bytes read, not yet decoded */
    gsize in_pos, in_len;
    gboolean raw_eof;
    SumFormat kind;          /* SUM_FORMAT_UNKNOWN: not compressed */
    z_stream z;
    ZSTD_DStream *zstd;
    LZ4F_dctx *lz4;
    gboolean frame_open;     /* inside a compressed frame or member */
    gboolean ended;          /* the content ended (cleanly or not) */
    guint8 *head;            /* peeked content, read before the rest */
    gsize head_pos, head_len;
    guint64 pos;             /* content bytes handed to the FILE */
    FILE *fp;
    gboolean fp_open;
    gboolean direct;         /* fp reads the file itself, from start */
    off_t start;             /* where the content begins in FD */
    GError *error;
};

static void
stream_fail(SumStream *s, SumCaptureError code, const char *fmt, ...) G_GNUC_PRINTF(3, 4);

static void
stream_fail(SumStream *s, SumCaptureError code, const char *fmt, ...)
{
    if (s->error != NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree gchar *what = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    g_set_error(&s->error, SUM_CAPTURE_ERROR, code, "%s: %s", s->path, what);
}

static const char *
kind_word(SumFormat kind)
{
    return kind == SUM_FORMAT_GZIP ? "gzip" : kind == SUM_FORMAT_ZSTD ? "zstd" : "lz4";
}

/* Reads more raw bytes behind what is left; FALSE on an error. */
static gboolean
refill(SumStream *s)
{
    if (s->in_pos > 0) {
        memmove(s->in, s->in + s->in_pos, s->in_len - s->in_pos);
        s->in_len -= s->in_pos;
        s->in_pos = 0;
    }
    while (!s->raw_eof && s->in_len < SUM_DECOMPRESS_IN_BYTES) {
        gssize n = read(s->fd, s->in + s->in_len, SUM_DECOMPRESS_IN_BYTES - s->in_len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "%s", g_strerror(errno));
            return FALSE;
        }
        if (n == 0)
            s->raw_eof = TRUE;
        s->in_len += (gsize)n;
        s->raw_read += (guint64)n;
        break; /* one read: a pipe gives what it has */
    }
    return TRUE;
}

static gsize
in_left(const SumStream *s)
{
    return s->in_len - s->in_pos;
}

/* An uncompressed file: what was read ahead, then straight into DST. */
static gssize
produce_plain(SumStream *s, guint8 *dst, gsize n)
{
    if (in_left(s) > 0) {
        gsize k = MIN(n, in_left(s));
        memcpy(dst, s->in + s->in_pos, k);
        s->in_pos += k;
        return (gssize)k;
    }
    for (;;) {
        gssize k = read(s->fd, dst, n);
        if (k < 0 && errno == EINTR)
            continue;
        if (k < 0) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "%s", g_strerror(errno));
            return -1;
        }
        s->raw_read += (guint64)k;
        return k;
    }
}

/* After a gzip member: another one follows (gzip -d reads them all), or
 * the data is over. */
static gboolean
gzip_next_member(SumStream *s)
{
    while (in_left(s) < 3 && !s->raw_eof)
        if (!refill(s))
            return FALSE;
    const guint8 *p = s->in + s->in_pos;
    if (in_left(s) >= 3 && p[0] == 0x1f && p[1] == 0x8b && p[2] == 8) {
        inflateReset(&s->z);
        s->frame_open = TRUE;
        return TRUE;
    }
    s->in_pos = s->in_len; /* trailing bytes: ignored, as gzip -d does */
    s->raw_eof = TRUE;
    return TRUE;
}

/* One decoder step from the raw bytes into OUT (N bytes); the bytes made. */
static gssize
decode_step(SumStream *s, guint8 *out, gsize n)
{
    const guint8 *src = s->in + s->in_pos;
    gsize src_len = in_left(s), made = 0;
    if (s->kind == SUM_FORMAT_GZIP) {
        s->z.next_in = (Bytef *)src;
        s->z.avail_in = (uInt)MIN(src_len, (gsize)G_MAXUINT32);
        s->z.next_out = out;
        s->z.avail_out = (uInt)MIN(n, (gsize)G_MAXUINT32);
        int rc = inflate(&s->z, Z_NO_FLUSH);
        made = n - s->z.avail_out;
        s->in_pos += src_len - s->z.avail_in;
        if (rc == Z_STREAM_END) {
            s->frame_open = FALSE;
            if (!gzip_next_member(s))
                return -1;
        } else if (rc != Z_OK && !(rc == Z_BUF_ERROR && made == 0)) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "the gzip data is corrupt: %s",
                        s->z.msg != NULL ? s->z.msg : zError(rc));
            return -1;
        }
    } else if (s->kind == SUM_FORMAT_ZSTD) {
        ZSTD_inBuffer zin = {src, src_len, 0};
        ZSTD_outBuffer zout = {out, n, 0};
        size_t rc = ZSTD_decompressStream(s->zstd, &zout, &zin);
        if (ZSTD_isError(rc)) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "the zstd data is corrupt: %s",
                        ZSTD_getErrorName(rc));
            return -1;
        }
        s->frame_open = rc != 0;
        s->in_pos += zin.pos;
        made = zout.pos;
    } else {
        size_t out_len = n, in_len = src_len;
        size_t rc = LZ4F_decompress(s->lz4, out, &out_len, src, &in_len, NULL);
        if (LZ4F_isError(rc)) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "the lz4 data is corrupt: %s",
                        LZ4F_getErrorName(rc));
            return -1;
        }
        s->frame_open = rc != 0;
        s->in_pos += in_len;
        made = out_len;
    }
    return (gssize)made;
}

/* Decompresses into DST, up to N bytes: > 0 made, 0 the end, -1 an error. */
static gssize
produce_compressed(SumStream *s, guint8 *dst, gsize n)
{
    for (;;) {
        if (in_left(s) == 0 && !s->raw_eof && !refill(s))
            return -1;
        if (in_left(s) == 0 && s->raw_eof) {
            if (s->frame_open)
                stream_fail(s, SUM_CAPTURE_ERROR_TRUNCATED,
                            "the %s data is cut off: the file ends inside a compressed "
                            "frame (a copy or download stopped early?)", kind_word(s->kind));
            return 0;
        }
        gsize before = in_left(s);
        gssize made = decode_step(s, dst, n);
        if (made != 0)
            return made;
        if (in_left(s) != before)
            continue;
        /* No progress: the decoder needs more than is buffered. */
        if (s->raw_eof) {
            s->in_pos = s->in_len; /* nothing more comes: the end, cut if in a frame */
        } else if (s->in_pos == 0 && s->in_len == SUM_DECOMPRESS_IN_BYTES) {
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "the %s data is corrupt",
                        kind_word(s->kind));
            return -1;
        } else if (!refill(s)) {
            return -1;
        }
    }
}

static gssize
produce(SumStream *s, guint8 *dst, gsize n)
{
    if (s->ended)
        return 0;
    gssize k = s->kind == SUM_FORMAT_UNKNOWN ? produce_plain(s, dst, n)
                                             : produce_compressed(s, dst, n);
    if (k <= 0)
        s->ended = TRUE;
    return k;
}

/* fopencookie's read: the peeked bytes first, then the rest. */
static ssize_t
cookie_read(void *cookie, char *buf, size_t size)
{
    SumStream *s = cookie;
    gssize k;
    if (s->head_pos < s->head_len) {
        k = (gssize)MIN(size, s->head_len - s->head_pos);
        memcpy(buf, s->head + s->head_pos, (gsize)k);
        s->head_pos += (gsize)k;
    } else {
        k = produce(s, (guint8 *)buf, size);
    }
    if (k < 0) {
        errno = EIO;
        return -1;
    }
    s->pos += (guint64)k;
    return k;
}

/* Only "where am I" (ftell) and "stay here": the content cannot seek. */
static int
cookie_seek(void *cookie, off64_t *offset, int whence)
{
    SumStream *s = cookie;
    if ((whence == SEEK_CUR && *offset == 0) ||
        (whence == SEEK_SET && *offset >= 0 && (guint64)*offset == s->pos)) {
        *offset = (off64_t)s->pos;
        return 0;
    }
    errno = ESPIPE;
    return -1;
}

static int
cookie_close(void *cookie)
{
    SumStream *s = cookie;
    s->fp_open = FALSE;
    return 0;
}

/* Reads the first raw bytes and starts the decoder their magic names. */
static gboolean
start_decoder(SumStream *s, GError **error)
{
    while (!s->raw_eof && in_left(s) < SUM_FORMAT_SNIFF_BYTES)
        if (!refill(s))
            goto fail;
    SumFormat f = sum_format_sniff(s->in, in_left(s));
    if (!sum_format_is_compressed(f))
        return TRUE;
    s->kind = f;
    s->frame_open = TRUE;
    if (f == SUM_FORMAT_GZIP) {
        if (inflateInit2(&s->z, 16 + MAX_WBITS) != Z_OK) /* 16: gzip framing only */
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "zlib: %s", s->z.msg ? s->z.msg : "init");
    } else if (f == SUM_FORMAT_ZSTD) {
        s->zstd = ZSTD_createDStream();
        if (s->zstd == NULL || ZSTD_isError(ZSTD_initDStream(s->zstd)))
            stream_fail(s, SUM_CAPTURE_ERROR_READ, "cannot start the zstd decoder");
    } else if (LZ4F_isError(LZ4F_createDecompressionContext(&s->lz4, LZ4F_VERSION))) {
        stream_fail(s, SUM_CAPTURE_ERROR_READ, "cannot start the lz4 decoder");
    }
    if (s->error == NULL)
        return TRUE;
fail:
    g_propagate_error(error, g_error_copy(s->error));
    return FALSE;
}

static gboolean
open_fd(SumStream *s, const char *path, GError **error)
{
    if (strcmp(path, "-") == 0) {
        s->fd = STDIN_FILENO;
    } else {
        s->fd = g_open(path, O_RDONLY | O_NOCTTY | O_CLOEXEC, 0);
        if (s->fd < 0) {
            int e = errno;
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_OPEN, "%s: %s", path,
                        g_strerror(e));
            return FALSE;
        }
        s->own_fd = TRUE;
    }
    struct stat st;
    if (fstat(s->fd, &st) != 0)
        return TRUE; /* no size: the progress bar just does not move */
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_OPEN,
                    "%s: is a directory, not a capture file", path);
        return FALSE;
    }
    if (S_ISREG(st.st_mode)) {
        s->size = (guint64)st.st_size;
        if (s->size == 0) {
            g_set_error(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT,
                        "%s: empty file, not a capture", path);
            return FALSE;
        }
        posix_fadvise(s->fd, 0, 0, POSIX_FADV_SEQUENTIAL);
        s->start = lseek(s->fd, 0, SEEK_CUR);
    }
    return TRUE;
}

SumStream *
sum_stream_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    SumStream *s = g_new0(SumStream, 1);
    s->path = g_strdup(path);
    s->fd = -1;
    s->in = g_malloc(SUM_DECOMPRESS_IN_BYTES);
    if (!open_fd(s, path, error) || !start_decoder(s, error)) {
        sum_stream_free(s);
        return NULL;
    }
    return s;
}

const guint8 *
sum_stream_peek(SumStream *s, gsize n, gsize *len, GError **error)
{
    g_return_val_if_fail(s->fp == NULL && s->head_pos == 0, NULL);
    if (s->head_len < n) {
        s->head = g_realloc(s->head, n);
        while (s->head_len < n) {
            gssize k = produce(s, s->head + s->head_len, n - s->head_len);
            if (k <= 0)
                break;
            s->head_len += (gsize)k;
        }
    }
    if (s->error != NULL && s->error->code != SUM_CAPTURE_ERROR_TRUNCATED) {
        g_propagate_error(error, g_error_copy(s->error));
        return NULL;
    }
    *len = MIN(n, s->head_len);
    return s->head;
}

/* An uncompressed regular file needs no go-between: after the peek, the
 * FILE reads the file itself from where the content begins, and stdio's
 * buffer is the only copy (through the cookie, every byte was copied twice
 * more). */
static FILE *
direct_file(SumStream *s)
{
    if (s->kind != SUM_FORMAT_UNKNOWN || s->size == 0 || s->start < 0 || s->error != NULL ||
        lseek(s->fd, s->start, SEEK_SET) != s->start)
        return NULL;
    int fd = dup(s->fd);
    FILE *fp = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (fp == NULL && fd >= 0)
        close(fd);
    return fp;
}

FILE *
sum_stream_file(SumStream *s)
{
    if (s->fp != NULL)
        return s->fp;
    s->fp = direct_file(s);
    if (s->fp != NULL) {
        s->direct = TRUE;
        s->fp_open = TRUE;
        return s->fp;
    }
    cookie_io_functions_t io = {cookie_read, NULL, cookie_seek, cookie_close};
    s->fp = fopencookie(s, "rb", io);
    g_assert(s->fp != NULL); /* fails only without memory */
    s->fp_open = TRUE;
    return s->fp;
}

void
sum_stream_file_closed(SumStream *s)
{
    s->fp_open = FALSE;
    s->direct = FALSE; /* no more ftello() on it */
}

SumFormat
sum_stream_compression(const SumStream *s)
{
    return s->kind;
}

guint64
sum_stream_size(const SumStream *s)
{
    return s->size;
}

guint64
sum_stream_consumed(const SumStream *s)
{
    if (s->direct) {
        off_t at = ftello(s->fp);
        return at > s->start ? (guint64)(at - s->start) : 0;
    }
    return s->raw_read - in_left(s);
}

const GError *
sum_stream_error(const SumStream *s)
{
    return s->error;
}

void
sum_stream_free(SumStream *s)
{
    if (s == NULL)
        return;
    if (s->fp != NULL && s->fp_open)
        fclose(s->fp);
    if (s->kind == SUM_FORMAT_GZIP)
        inflateEnd(&s->z);
    ZSTD_freeDStream(s->zstd);
    if (s->lz4 != NULL)
        LZ4F_freeDecompressionContext(s->lz4);
    if (s->own_fd && s->fd >= 0)
        close(s->fd);
    g_free(s->head);
    g_free(s->in);
    g_free(s->path);
    g_clear_error(&s->error);
    g_free(s);
}
