/* test_decompress.c: analyzer/capture-decompress.c. Content compressed here
 * with zlib (gzip framing), libzstd and liblz4's frame format, whole, in
 * several members or frames, cut at every length and corrupted; and a
 * gzip capture read through capture.h, whose progress counts compressed
 * bytes. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib/gstdio.h>
#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include "capture.h"
#include "capture-decompress.h"

enum { GZ, ZST, LZ4, N_KINDS };
static const SumFormat kinds[N_KINDS] = {SUM_FORMAT_GZIP, SUM_FORMAT_ZSTD, SUM_FORMAT_LZ4};

/* Content that compresses but not to nothing: counting text with noise. */
static GByteArray *
content(gsize n)
{
    GByteArray *b = g_byte_array_sized_new((guint)n);
    guint32 x = 12345;
    for (gsize i = 0; i < n; i++) {
        x = x * 1103515245u + 12345u;
        guint8 c = (i % 7 == 0) ? (guint8)(x >> 24) : (guint8)('a' + i % 23);
        g_byte_array_append(b, &c, 1);
    }
    return b;
}

static void
append_gzip(GByteArray *out, const guint8 *p, gsize n)
{
    z_stream z = {0};
    assert_int_equal(deflateInit2(&z, 6, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY),
                     Z_OK);
    gsize cap = deflateBound(&z, (uLong)n) + 32;
    guint old = out->len;
    g_byte_array_set_size(out, old + (guint)cap);
    z.next_in = (Bytef *)p;
    z.avail_in = (uInt)n;
    z.next_out = out->data + old;
    z.avail_out = (uInt)cap;
    assert_int_equal(deflate(&z, Z_FINISH), Z_STREAM_END);
    g_byte_array_set_size(out, old + (guint)z.total_out);
    deflateEnd(&z);
}

static void
append_zstd(GByteArray *out, const guint8 *p, gsize n)
{
    gsize cap = ZSTD_compressBound(n), old = out->len;
    g_byte_array_set_size(out, (guint)(old + cap));
    ZSTD_CCtx *cctx = ZSTD_createCCtx();
    ZSTD_CCtx_setParameter(cctx, ZSTD_c_checksumFlag, 1); /* as the zstd tool writes */
    size_t k = ZSTD_compress2(cctx, out->data + old, cap, p, n);
    ZSTD_freeCCtx(cctx);
    assert_false(ZSTD_isError(k));
    g_byte_array_set_size(out, (guint)(old + k));
}

static void
append_lz4(GByteArray *out, const guint8 *p, gsize n)
{
    LZ4F_preferences_t prefs;
    memset(&prefs, 0, sizeof prefs);
    prefs.frameInfo.blockSizeID = LZ4F_max64KB; /* several blocks per frame */
    prefs.frameInfo.contentChecksumFlag = LZ4F_contentChecksumEnabled; /* as lz4 writes */
    gsize cap = LZ4F_compressFrameBound(n, &prefs), old = out->len;
    g_byte_array_set_size(out, (guint)(old + cap));
    size_t k = LZ4F_compressFrame(out->data + old, cap, p, n, &prefs);
    assert_false(LZ4F_isError(k));
    g_byte_array_set_size(out, (guint)(old + k));
}

/* PLAIN compressed with KIND in PARTS members or frames. */
static GByteArray *
compress_parts(int kind, const GByteArray *plain, guint parts)
{
    GByteArray *out = g_byte_array_new();
    gsize step = plain->len / parts;
    for (guint i = 0; i < parts; i++) {
        gsize off = i * step, n = i + 1 == parts ? plain->len - off : step;
        if (kind == GZ)
            append_gzip(out, plain->data + off, n);
        else if (kind == ZST)
            append_zstd(out, plain->data + off, n);
        else
            append_lz4(out, plain->data + off, n);
    }
    return out;
}

static gchar *
write_tmp(const guint8 *p, gsize n)
{
    gchar *path = NULL;
    int fd = g_file_open_tmp("sumscope-decompress-XXXXXX", &path, NULL);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, p, n), (gssize)n);
    close(fd);
    return path;
}

/* Everything the stream's FILE gives, after a peek of PEEK bytes; CONSUMED,
 * if given, is what the stream had read when the FILE gave no more. */
static GByteArray *
read_stream(SumStream *s, gsize peek, guint64 *consumed)
{
    gsize len = 0;
    if (peek > 0)
        assert_non_null(sum_stream_peek(s, peek, &len, NULL));
    FILE *fp = sum_stream_file(s);
    setvbuf(fp, NULL, _IOFBF, 4096); /* small: many refills */
    GByteArray *got = g_byte_array_new();
    guint8 buf[1000];
    gsize n;
    while ((n = fread(buf, 1, sizeof buf, fp)) > 0) {
        g_byte_array_append(got, buf, (guint)n);
        assert_int_equal(ftell(fp), (long)got->len); /* the content's offset */
    }
    if (consumed != NULL)
        *consumed = sum_stream_consumed(s);
    fclose(fp);
    sum_stream_file_closed(s);
    return got;
}

static void
test_stream_plain_file_bytes_as_they_are(void **state)
{
    (void)state;
    GByteArray *plain = content(300000);
    g_autofree gchar *path = write_tmp(plain->data, plain->len);
    SumStream *s = sum_stream_open(path, NULL);
    assert_non_null(s);
    assert_int_equal(sum_stream_compression(s), SUM_FORMAT_UNKNOWN);
    guint64 consumed = 0;
    GByteArray *got = read_stream(s, 1000, &consumed);
    assert_int_equal(got->len, plain->len);
    assert_memory_equal(got->data, plain->data, plain->len);
    assert_int_equal(consumed, plain->len);
    assert_null(sum_stream_error(s));
    sum_stream_free(s);
    g_unlink(path);
    g_byte_array_unref(got);
    g_byte_array_unref(plain);
}

static void
test_stream_every_kind_whole_and_in_parts_same_content(void **state)
{
    (void)state;
    GByteArray *plain = content(700000);
    for (int k = 0; k < N_KINDS; k++) {
        for (guint parts = 1; parts <= 3; parts += 2) {
            GByteArray *z = compress_parts(k, plain, parts);
            g_autofree gchar *path = write_tmp(z->data, z->len);
            SumStream *s = sum_stream_open(path, NULL);
            assert_non_null(s);
            assert_int_equal(sum_stream_compression(s), kinds[k]);
            assert_int_equal(sum_stream_size(s), z->len);
            gsize len = 0;
            const guint8 *head = sum_stream_peek(s, 64, &len, NULL);
            assert_int_equal(len, 64);
            assert_memory_equal(head, plain->data, 64);
            GByteArray *got = read_stream(s, 0, NULL);
            assert_int_equal(got->len, plain->len);
            assert_memory_equal(got->data, plain->data, plain->len);
            assert_int_equal(sum_stream_consumed(s), z->len);
            assert_null(sum_stream_error(s));
            sum_stream_free(s);
            g_unlink(path);
            g_byte_array_unref(got);
            g_byte_array_unref(z);
        }
    }
    g_byte_array_unref(plain);
}

static void
test_stream_every_cut_prefix_and_cut_off_never_hangs(void **state)
{
    (void)state;
    GByteArray *plain = content(90000);
    for (int k = 0; k < N_KINDS; k++) {
        GByteArray *z = compress_parts(k, plain, 1);
        gsize step = z->len / 97 + 1;
        for (gsize cut = 4; cut < z->len; cut += step) { /* from the magic on */
            g_autofree gchar *path = write_tmp(z->data, cut);
            GError *error = NULL;
            SumStream *s = sum_stream_open(path, &error);
            if (s == NULL) { /* too short for a header: named, one line */
                assert_non_null(strstr(error->message, path));
                g_error_free(error);
                g_unlink(path);
                continue;
            }
            gsize len = 0;
            if (sum_stream_peek(s, 10, &len, &error) == NULL) {
                assert_non_null(error); /* a header cut short reads as corrupt */
                g_clear_error(&error);
            } else {
                GByteArray *got = read_stream(s, 0, NULL);
                assert_true(got->len < plain->len);
                assert_memory_equal(got->data, plain->data, got->len); /* a prefix */
                const GError *e = sum_stream_error(s);
                assert_non_null(e);
                assert_true(e->code == SUM_CAPTURE_ERROR_TRUNCATED ||
                            e->code == SUM_CAPTURE_ERROR_READ);
                assert_non_null(strstr(e->message, path));
                g_byte_array_unref(got);
            }
            sum_stream_free(s);
            g_unlink(path);
        }
        g_byte_array_unref(z);
    }
    g_byte_array_unref(plain);
}

static void
test_stream_corrupt_data_read_error(void **state)
{
    (void)state;
    GByteArray *plain = content(200000);
    for (int k = 0; k < N_KINDS; k++) {
        GByteArray *z = compress_parts(k, plain, 1);
        for (gsize i = z->len / 3; i < z->len / 3 + 64; i++)
            z->data[i] ^= 0x5a;
        g_autofree gchar *path = write_tmp(z->data, z->len);
        SumStream *s = sum_stream_open(path, NULL);
        assert_non_null(s);
        GByteArray *got = read_stream(s, 0, NULL);
        const GError *e = sum_stream_error(s);
        /* zlib and lz4 check sums; every kind must notice the damage */
        assert_non_null(e);
        assert_non_null(strstr(e->message, "corrupt"));
        assert_true(got->len <= plain->len);
        sum_stream_free(s);
        g_unlink(path);
        g_byte_array_unref(got);
        g_byte_array_unref(z);
    }
    g_byte_array_unref(plain);
}

/* A classic pcap of N Ethernet SYNs to 62286. */
static GByteArray *
syn_pcap(guint n)
{
    static const guint8 hdr[24] = {0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0, 0, 0, 0, 0,
                                   0, 0, 0, 0, 0xff, 0xff, 0, 0, 1, 0, 0, 0};
    static const guint8 frame[54] = {
        2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00,                      /* Ethernet */
        0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, /* IPv4 */
        0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
        0, 0, 0, 0, /* TCP SYN 60000 -> 62286 */
    };
    GByteArray *b = g_byte_array_new();
    g_byte_array_append(b, hdr, sizeof hdr);
    for (guint i = 0; i < n; i++) {
        guint32 rec[4] = {GUINT32_TO_LE(1700000000u + i), 0, GUINT32_TO_LE(54),
                          GUINT32_TO_LE(54)};
        g_byte_array_append(b, (const guint8 *)rec, sizeof rec);
        g_byte_array_append(b, frame, sizeof frame);
    }
    return b;
}

static void
count_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data,
            guint32 caplen, guint32 wirelen, void *user)
{
    (*(guint *)user)++;
}

static void
test_capture_gzip_read_by_libpcap_progress_in_compressed_bytes(void **state)
{
    (void)state;
    GByteArray *plain = syn_pcap(5000);
    for (int k = 0; k < N_KINDS; k++) {
        GByteArray *z = compress_parts(k, plain, 2);
        g_autofree gchar *path = write_tmp(z->data, z->len);
        GError *error = NULL;
        SumCapture *c = sum_capture_open(path, "tcp dst port 62286", &error);
        if (c == NULL)
            fail_msg("%s", error->message);
        guint n = 0;
        assert_true(sum_capture_run(c, 1, count_frame, &n, &error));
        assert_int_equal(n, 5000);
        guint64 done, total;
        sum_capture_progress(c, &done, &total);
        assert_int_equal(total, z->len); /* the file as stored, not what it holds */
        assert_int_equal(done, z->len);
        sum_capture_close(c);
        g_unlink(path);
        g_byte_array_unref(z);
    }
    g_byte_array_unref(plain);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_plain_file_bytes_as_they_are),
        cmocka_unit_test(test_stream_every_kind_whole_and_in_parts_same_content),
        cmocka_unit_test(test_stream_every_cut_prefix_and_cut_off_never_hangs),
        cmocka_unit_test(test_stream_corrupt_data_read_error),
        cmocka_unit_test(test_capture_gzip_read_by_libpcap_progress_in_compressed_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
