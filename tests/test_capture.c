/* test_capture.c: pcapng files whose interfaces differ in link type, which
 * libpcap refuses and capture-pcapng.c reads (dumpcap -i eth0 -i any, or
 * mergecap of such captures). Files are built here block by block, in either
 * byte order, with lengths that tell the truth and lengths that lie. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "capture.h"
#include "capture-pcapng.h"
#include "decode.h"

/* ---- Building pcapng files. ---- */

typedef struct {
    GByteArray *b;
    gboolean big;  /* big-endian section */
} Ng;

static void
put32(Ng *ng, guint32 v)
{
    guint32 x = ng->big ? GUINT32_TO_BE(v) : GUINT32_TO_LE(v);
    g_byte_array_append(ng->b, (const guint8 *)&x, 4);
}

static void
put16(Ng *ng, guint16 v)
{
    guint16 x = ng->big ? GUINT16_TO_BE(v) : GUINT16_TO_LE(v);
    g_byte_array_append(ng->b, (const guint8 *)&x, 2);
}

static void
put_bytes(Ng *ng, const void *p, gsize n)
{
    static const guint8 zero[4] = {0};
    g_byte_array_append(ng->b, p, (guint)n);
    g_byte_array_append(ng->b, zero, (guint)((4 - n % 4) % 4));
}

/* A block: TYPE, then BODY (padded), both lengths. */
static void
block(Ng *ng, guint32 type, const GByteArray *body)
{
    guint32 len = 12 + ((body->len + 3u) & ~3u);
    put32(ng, type);
    put32(ng, len);
    put_bytes(ng, body->data, body->len);
    put32(ng, len);
}

static Ng
ng_new(gboolean big)
{
    Ng ng = {g_byte_array_new(), big};
    return ng;
}

static void
shb(Ng *ng)
{
    Ng body = ng_new(ng->big);
    put32(&body, 0x1A2B3C4D);
    put16(&body, 1);
    put16(&body, 0);
    put32(&body, 0xffffffff); /* section length: unknown (-1) */
    put32(&body, 0xffffffff);
    block(ng, 0x0A0D0D0A, body.b);
    g_byte_array_unref(body.b);
}

/* An IDB; TSRESOL < 0: no option. */
static void
idb(Ng *ng, guint16 linktype, guint32 snaplen, int tsresol, gint64 tsoffset)
{
    Ng body = ng_new(ng->big);
    put16(&body, linktype);
    put16(&body, 0);
    put32(&body, snaplen);
    if (tsresol >= 0) {
        put16(&body, 9);
        put16(&body, 1);
        guint8 r = (guint8)tsresol;
        put_bytes(&body, &r, 1);
    }
    if (tsoffset != 0) {
        put16(&body, 14);
        put16(&body, 8);
        guint64 v = ng->big ? GUINT64_TO_BE((guint64)tsoffset) : GUINT64_TO_LE((guint64)tsoffset);
        put_bytes(&body, &v, 8);
    }
    put16(&body, 0); /* opt_endofopt */
    put16(&body, 0);
    block(ng, 1, body.b);
    g_byte_array_unref(body.b);
}

static void
epb(Ng *ng, guint32 iface, guint64 ts, const guint8 *data, guint32 caplen, guint32 wirelen)
{
    Ng body = ng_new(ng->big);
    put32(&body, iface);
    put32(&body, (guint32)(ts >> 32));
    put32(&body, (guint32)ts);
    put32(&body, caplen);
    put32(&body, wirelen);
    put_bytes(&body, data, caplen);
    block(ng, 6, body.b);
    g_byte_array_unref(body.b);
}

static void
spb(Ng *ng, const guint8 *data, guint32 len)
{
    Ng body = ng_new(ng->big);
    put32(&body, len);
    put_bytes(&body, data, len);
    block(ng, 3, body.b);
    g_byte_array_unref(body.b);
}

/* IPv4 + TCP SYN 10.0.0.1:60000 -> 10.0.0.2:62286 (40 bytes). */
static const guint8 ip_syn[40] = {
    0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,  /* IPv4 */
    0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0, /* TCP */
};

/* The SYN behind an Ethernet header (14 + 40). */
static guint8 *
eth_syn(gsize *len)
{
    static guint8 f[54];
    static const guint8 eth[14] = {2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 0x08, 0x00};
    memcpy(f, eth, 14);
    memcpy(f + 14, ip_syn, 40);
    *len = sizeof f;
    return f;
}

/* The SYN behind a Linux cooked v2 header (20 + 40). */
static guint8 *
sll2_syn(gsize *len)
{
    static guint8 f[60];
    static const guint8 sll2[20] = {0x08, 0x00, 0, 0, 0, 0, 0, 1, 0, 1, 4, 6,
                                    2, 0, 0, 0, 0, 1, 0, 0};
    memcpy(f, sll2, 20);
    memcpy(f + 20, ip_syn, 40);
    *len = sizeof f;
    return f;
}

static gchar *
write_file(const Ng *ng)
{
    gchar *path = NULL;
    int fd = g_file_open_tmp("sumscope-capture-XXXXXX.pcapng", &path, NULL);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, ng->b->data, ng->b->len), (gssize)ng->b->len);
    close(fd);
    return path;
}

/* Ethernet, Linux cooked v2 and raw IP interfaces, a SYN on each. */
static Ng
mixed_file(gboolean big)
{
    Ng ng = ng_new(big);
    gsize n;
    shb(&ng);
    idb(&ng, 1, 262144, -1, 0);    /* Ethernet, µs */
    idb(&ng, 276, 262144, 9, 0);   /* Linux cooked v2, ns */
    idb(&ng, 101, 65535, -1, 0);   /* raw IP */
    const guint8 *e = eth_syn(&n);
    epb(&ng, 0, 1700000000000000ull, e, (guint32)n, (guint32)n);
    const guint8 *s = sll2_syn(&n);
    epb(&ng, 1, 1700000000500000000ull, s, (guint32)n, (guint32)n);
    epb(&ng, 2, 1700000001000000ull, ip_syn, 40, 40);
    return ng;
}

/* ---- Reading them through capture.h, as the pipeline does. ---- */

typedef struct {
    guint n;
    guint64 frame[8];
    gint64 time_us[8];
    guint32 linktype[8];
    guint32 caplen[8], wirelen[8];
    guint ok_decodes;
} Seen;

static void
on_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data, guint32 caplen,
         guint32 wirelen, void *user)
{
    Seen *s = user;
    if (s->n < 8) {
        s->frame[s->n] = frame;
        s->time_us[s->n] = time_us;
        s->linktype[s->n] = linktype;
        s->caplen[s->n] = caplen;
        s->wirelen[s->n] = wirelen;
    }
    s->n++;
    sum_packet p;
    if (sum_decode_frame(linktype, data, caplen, wirelen, &p) == SUM_DECODE_OK &&
        p.dport == 62286 && p.sport == 60000)
        s->ok_decodes++;
}

static gboolean
read_all(const char *path, const char *filter, Seen *seen, GError **error)
{
    SumCapture *c = sum_capture_open(path, filter, error);
    if (c == NULL)
        return FALSE;
    gboolean ok = sum_capture_run(c, 1, on_frame, seen, error);
    sum_capture_close(c);
    return ok;
}

static void
test_capture_mixed_linktypes_every_frame_its_own_type(void **state)
{
    (void)state;
    for (int big = 0; big < 2; big++) {
        Ng ng = mixed_file(big);
        g_autofree gchar *path = write_file(&ng);
        GError *error = NULL;
        SumCapture *c = sum_capture_open(path, NULL, &error);
        assert_non_null(c);
        assert_int_equal(sum_capture_linktype(c), 1); /* the first interface's */
        Seen seen = {0};
        assert_true(sum_capture_run(c, 7, on_frame, &seen, &error));
        assert_int_equal(sum_capture_frames(c), 3);
        guint64 done, total;
        sum_capture_progress(c, &done, &total);
        assert_int_equal(total, ng.b->len);
        assert_int_equal(done, total);
        sum_capture_close(c);
        assert_int_equal(seen.n, 3);
        assert_int_equal(seen.frame[0], 7);
        assert_int_equal(seen.frame[2], 9);
        assert_int_equal(seen.linktype[0], 1);
        assert_int_equal(seen.linktype[1], 276);
        assert_int_equal(seen.linktype[2], 101);
        /* µs; ns (if_tsresol 9) divided down; µs */
        assert_int_equal(seen.time_us[0], 1700000000000000LL);
        assert_int_equal(seen.time_us[1], 1700000000500000LL);
        assert_int_equal(seen.time_us[2], 1700000001000000LL);
        assert_int_equal(seen.caplen[1], 60);
        assert_int_equal(seen.ok_decodes, 3); /* each decoded under its own link type */
        g_unlink(path);
        g_byte_array_unref(ng.b);
    }
}

static void
test_capture_one_linktype_not_mixed(void **state)
{
    (void)state;
    Ng ng = ng_new(FALSE);
    gsize n;
    shb(&ng);
    idb(&ng, 1, 262144, -1, 0);
    idb(&ng, 1, 262144, -1, 0);
    const guint8 *e = eth_syn(&n);
    epb(&ng, 1, 1, e, (guint32)n, (guint32)n);
    g_autofree gchar *path = write_file(&ng);
    FILE *fp = fopen(path, "rb");
    guint32 first = 99;
    assert_false(sum_pcapng_mixed_linktypes(fp, &first));
    assert_int_equal(first, 1);
    assert_int_equal(ftell(fp), 0); /* rewound for libpcap */
    fclose(fp);
    Seen seen = {0};
    assert_true(read_all(path, NULL, &seen, NULL)); /* through libpcap */
    assert_int_equal(seen.n, 1);
    g_unlink(path);
    g_byte_array_unref(ng.b);
}

static void
test_capture_mixed_filter_per_linktype(void **state)
{
    (void)state;
    Ng ng = mixed_file(FALSE);
    g_autofree gchar *path = write_file(&ng);
    Seen all = {0}, eth = {0}, none = {0};
    GError *error = NULL;
    assert_true(read_all(path, "tcp dst port 62286", &all, &error));
    assert_int_equal(all.n, 3);
    /* "ether" means nothing on cooked or raw IP: those frames do not match */
    assert_true(read_all(path, "ether src 02:00:00:00:00:01", &eth, &error));
    assert_int_equal(eth.n, 1);
    assert_int_equal(eth.linktype[0], 1);
    assert_true(read_all(path, "udp", &none, &error));
    assert_int_equal(none.n, 0);
    assert_false(read_all(path, "tcp port", &none, &error));
    assert_int_equal(error->code, SUM_CAPTURE_ERROR_FILTER);
    assert_non_null(strstr(error->message, path));
    g_error_free(error);
    g_unlink(path);
    g_byte_array_unref(ng.b);
}

static void
test_capture_mixed_tsresol_binary_offset_spb_second_section(void **state)
{
    (void)state;
    Ng ng = ng_new(FALSE);
    gsize n;
    const guint8 *e = eth_syn(&n);
    shb(&ng);
    idb(&ng, 1, 40, 0x80 | 20, 1000); /* 2^-20 s, +1000 s, snaplen 40 */
    idb(&ng, 101, 65535, 3, 0);       /* ms */
    epb(&ng, 0, (guint64)1700000000 << 20 | (1u << 19), e, (guint32)n, (guint32)n);
    epb(&ng, 1, 1700000000123ull, ip_syn, 40, 40);
    spb(&ng, e, (guint32)n); /* interface 0: cut to its snap length 40 */
    { /* an unknown block and a name resolution block: skipped */
        Ng body = ng_new(FALSE);
        put32(&body, 0xdeadbeef);
        block(&ng, 0x0BAD0BAD, body.b);
        block(&ng, 4, body.b);
        g_byte_array_unref(body.b);
    }
    shb(&ng); /* a new section forgets the interfaces */
    idb(&ng, 101, 65535, -1, 0);
    idb(&ng, 1, 65535, -1, 0);
    epb(&ng, 0, 5, ip_syn, 40, 40);
    g_autofree gchar *path = write_file(&ng);
    Seen seen = {0};
    GError *error = NULL;
    if (!read_all(path, NULL, &seen, &error))
        fail_msg("%s", error->message);
    assert_int_equal(seen.n, 4);
    assert_int_equal(seen.time_us[0], (1700000000LL + 1000) * 1000000 + 500000);
    assert_int_equal(seen.time_us[1], 1700000000123000LL);
    assert_int_equal(seen.time_us[2], 0); /* simple packet blocks carry no time */
    assert_int_equal(seen.caplen[2], 40);
    assert_int_equal(seen.wirelen[2], 54);
    assert_int_equal(seen.linktype[3], 101);
    assert_int_equal(seen.time_us[3], 5);
    g_unlink(path);
    g_byte_array_unref(ng.b);
}

/* Mixed interfaces, then a block that lies at byte offset AT. */
static void
assert_lie_is_format_error(GByteArray *file, const char *why)
{
    Ng ng = {file, FALSE};
    g_autofree gchar *path = write_file(&ng);
    Seen seen = {0};
    GError *error = NULL;
    assert_false(read_all(path, NULL, &seen, &error));
    if (error->code != SUM_CAPTURE_ERROR_FORMAT)
        fail_msg("%s: code %d (%s)", why, error->code, error->message);
    assert_non_null(strstr(error->message, path));
    assert_non_null(strstr(error->message, "byte"));
    assert_null(strchr(error->message, '\n'));
    assert_int_equal(seen.n, 3); /* the frames before the lie were delivered */
    g_error_free(error);
    g_unlink(path);
}

static void
test_capture_mixed_lying_blocks_format_error(void **state)
{
    (void)state;
    gsize n;
    const guint8 *e = eth_syn(&n);
    for (int k = 0; k < 7; k++) {
        Ng ng = mixed_file(FALSE);
        guint32 v;
        switch (k) {
        case 0: /* a length that is no multiple of 4 */
            put32(&ng, 6), v = 13, g_byte_array_append(ng.b, (guint8 *)&v, 4);
            break;
        case 1: /* a length under the 12 bytes of type and both lengths */
            put32(&ng, 6), put32(&ng, 8), put32(&ng, 8);
            break;
        case 2: { /* trailing length differs */
            epb(&ng, 0, 1, e, (guint32)n, (guint32)n);
            guint32 bad = 4;
            memcpy(ng.b->data + ng.b->len - 4, &bad, 4);
            break;
        }
        case 3: /* captured length past the block */
            epb(&ng, 0, 1, e, (guint32)n, (guint32)n);
            v = GUINT32_TO_LE(4000);
            memcpy(ng.b->data + ng.b->len - 4 - 56 - 8, &v, 4);
            break;
        case 4: /* a packet of an interface never described */
            epb(&ng, 7, 1, e, (guint32)n, (guint32)n);
            break;
        case 5: /* a block of 1 GiB */
            put32(&ng, 6), put32(&ng, 1u << 30);
            break;
        default: { /* a section header with an unknown byte-order magic */
            Ng body = ng_new(FALSE);
            put32(&body, 0x11223344);
            put32(&body, 0x00000001);
            put32(&body, 0), put32(&body, 0);
            block(&ng, 0x0A0D0D0A, body.b);
            g_byte_array_unref(body.b);
            break;
        }
        }
        g_autofree gchar *why = g_strdup_printf("lie %d", k);
        assert_lie_is_format_error(ng.b, why);
        g_byte_array_unref(ng.b);
    }
}

static void
test_capture_mixed_cut_file_truncated_after_frames(void **state)
{
    (void)state;
    gsize n;
    const guint8 *e = eth_syn(&n);
    Ng ng = mixed_file(FALSE);
    epb(&ng, 0, 1, e, (guint32)n, (guint32)n);
    g_byte_array_set_size(ng.b, ng.b->len - 10); /* the last block cut */
    g_autofree gchar *path = write_file(&ng);
    Seen seen = {0};
    GError *error = NULL;
    assert_false(read_all(path, NULL, &seen, &error));
    assert_int_equal(error->code, SUM_CAPTURE_ERROR_TRUNCATED);
    assert_int_equal(seen.n, 3);
    g_error_free(error);
    g_unlink(path);
    g_byte_array_unref(ng.b);
}

static void
test_capture_mixed_every_cut_never_crashes(void **state)
{
    (void)state;
    /* Every prefix of a mixed file: frames or a clean error, never more
     * frames than the whole file has. */
    Ng whole = mixed_file(TRUE);
    for (guint cut = 0; cut < whole.b->len; cut += 3) {
        Ng ng = {g_byte_array_new(), TRUE};
        g_byte_array_append(ng.b, whole.b->data, cut);
        g_autofree gchar *path = write_file(&ng);
        Seen seen = {0};
        GError *error = NULL;
        gboolean ok = read_all(path, NULL, &seen, &error);
        assert_true(seen.n <= 3);
        if (!ok) {
            assert_non_null(error);
            g_error_free(error);
        }
        g_unlink(path);
        g_byte_array_unref(ng.b);
    }
    g_byte_array_unref(whole.b);
}

static void
test_capture_interface_declared_after_packets_read_on(void **state)
{
    (void)state;
    /* Ethernet, a packet, then a raw-IP interface: the look ahead stops at
     * the first packet, libpcap refuses the second interface, and the rest
     * is read by capture-pcapng.c from where libpcap stopped. */
    gsize n;
    const guint8 *e = eth_syn(&n);
    Ng ng = ng_new(FALSE);
    shb(&ng);
    idb(&ng, 1, 262144, -1, 0);
    epb(&ng, 0, 1700000000000000ull, e, (guint32)n, (guint32)n);
    idb(&ng, 101, 65535, -1, 0);
    epb(&ng, 1, 1700000000000001ull, ip_syn, 40, 40);
    epb(&ng, 0, 1700000000000002ull, e, (guint32)n, (guint32)n);
    g_autofree gchar *path = write_file(&ng);
    FILE *fp = fopen(path, "rb");
    assert_false(sum_pcapng_mixed_linktypes(fp, NULL)); /* libpcap gets it first */
    fclose(fp);
    Seen seen = {0}, eth = {0};
    GError *error = NULL;
    if (!read_all(path, NULL, &seen, &error))
        fail_msg("%s", error->message);
    assert_int_equal(seen.n, 3);
    assert_int_equal(seen.frame[2], 3);
    assert_int_equal(seen.linktype[0], 1);
    assert_int_equal(seen.linktype[1], 101);
    assert_int_equal(seen.linktype[2], 1);
    assert_int_equal(seen.time_us[2], 1700000000000002LL);
    assert_int_equal(seen.ok_decodes, 3);
    /* the filter holds on both sides of the switch */
    assert_true(read_all(path, "ether src 02:00:00:00:00:01", &eth, &error));
    assert_int_equal(eth.n, 2);
    /* Kept frames keep their numbers in the file (Wireshark's), the raw-IP
     * one the filter skipped leaving a gap. */
    assert_int_equal(eth.frame[0], 1);
    assert_int_equal(eth.frame[1], 3);
    assert_int_equal(eth.time_us[1], 1700000000000002LL);
    g_unlink(path);
    g_byte_array_unref(ng.b);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_capture_mixed_linktypes_every_frame_its_own_type),
        cmocka_unit_test(test_capture_one_linktype_not_mixed),
        cmocka_unit_test(test_capture_mixed_filter_per_linktype),
        cmocka_unit_test(test_capture_mixed_tsresol_binary_offset_spb_second_section),
        cmocka_unit_test(test_capture_mixed_lying_blocks_format_error),
        cmocka_unit_test(test_capture_mixed_cut_file_truncated_after_frames),
        cmocka_unit_test(test_capture_mixed_every_cut_never_crashes),
        cmocka_unit_test(test_capture_interface_declared_after_packets_read_on),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
