/* test_conn.c: core's connection helpers: addresses and the first-payload
 * classifier shared by the analyzer and the plugin. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-conn.h"

#define TCP SUM_TRANSPORT_TCP
#define UDP SUM_TRANSPORT_UDP
#define SEC(n) ((gint64)(n) * G_USEC_PER_SEC) /* capture time of frame N, 1 s apart */
#define BYTES(s) ((const guint8 *)(s)), (sizeof(s) - 1)

static void
test_conn_classify_payloads(void **state)
{
    (void)state;
    const guint8 hello[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01};
    const guint8 notls[] = {0x16, 0x02, 0x01, 0x00, 0x40};
    const guint8 zero_len[] = {0x17, 0x03, 0x03, 0x00, 0x00};
    const guint8 smb[] = {0x00, 0x00, 0x00, 0x40, 0xff, 'S', 'M', 'B', 0x72};
    const guint8 smb2[] = {0x00, 0x00, 0x00, 0x40, 0xfe, 'S', 'M', 'B', 0x40};
    assert_int_equal(sum_payload_classify(hello, sizeof hello, TCP, 60000, 62286),
                     SUM_PAYLOAD_TLS);
    assert_int_equal(sum_payload_classify(notls, sizeof notls, TCP, 60000, 62286),
                     SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(zero_len, sizeof zero_len, TCP, 1, 2),
                     SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(hello, 3, TCP, 60000, 62286), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(BYTES("GET /fw HTTP/1.1\r\n"), TCP, 1, 80),
                     SUM_PAYLOAD_HTTP_REQUEST);
    assert_int_equal(sum_payload_classify(BYTES("HTTP/1.0 200 OK"), TCP, 80, 1),
                     SUM_PAYLOAD_HTTP_RESPONSE);
    assert_int_equal(sum_payload_classify(BYTES("SSH-2.0-OpenSSH_9.2"), TCP, 22, 1),
                     SUM_PAYLOAD_SSH);
    assert_int_equal(sum_payload_classify(smb, sizeof smb, TCP, 1, 445), SUM_PAYLOAD_SMB);
    assert_int_equal(sum_payload_classify(smb2, sizeof smb2, TCP, 1, 445), SUM_PAYLOAD_SMB);
    /* one byte on 138 is no NetBIOS datagram header */
    assert_int_equal(sum_payload_classify(BYTES("x"), UDP, 138, 138), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(BYTES("x"), UDP, 50000, 60001), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(BYTES("banner"), TCP, 62286, 1), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(NULL, 0, TCP, 1, 2), SUM_PAYLOAD_NONE);
}

/* ---- First payload: the shapes core tells apart. ---- */

static SumPayload
classify_tcp(const char *s, size_t n)
{
    return sum_payload_classify((const guint8 *)s, n, TCP, 60000, 62286);
}

static void
test_conn_payload_tls_records_tls(void **state)
{
    (void)state;
    /* TLS: handshake, version 3.1 (ClientHello record), length 512 */
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x02, 0x00, 0x01};
    /* TLS: application data, version 3.3, length 32 */
    static const uint8_t appdata[] = {0x17, 0x03, 0x03, 0x00, 0x20};
    assert_int_equal(sum_payload_classify(hello, sizeof hello, TCP, 1, 2),
                     SUM_PAYLOAD_TLS);
    assert_int_equal(sum_payload_classify(appdata, sizeof appdata, TCP, 1, 2),
                     SUM_PAYLOAD_TLS);
    /* SSLv2-compatible ClientHello: length 0x2e with the top bit, type 1,
     * version 3.1 */
    static const uint8_t v2hello[] = {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15};
    assert_int_equal(sum_payload_classify(v2hello, sizeof v2hello, TCP, 1, 2),
                     SUM_PAYLOAD_TLS);
}

static void
test_conn_payload_tls_lookalikes_other(void **state)
{
    (void)state;
    /* type 25 (past heartbeat, 24), version 2.0, minor 5, length 0,
     * length 20000 (past 2^14 + 2048), and a cut 4-byte header */
    static const uint8_t bad[][5] = {
        {0x19, 0x03, 0x03, 0x00, 0x10}, {0x16, 0x02, 0x00, 0x00, 0x10},
        {0x16, 0x03, 0x05, 0x00, 0x10}, {0x16, 0x03, 0x03, 0x00, 0x00},
        {0x16, 0x03, 0x03, 0x4e, 0x20},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        assert_int_equal(sum_payload_classify(bad[i], 5, TCP, 1, 2),
                         SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(bad[0] + 1, 4, TCP, 1, 2),
                     SUM_PAYLOAD_OTHER);
}

static void
test_conn_payload_http_ssh_shapes(void **state)
{
    (void)state;
    assert_int_equal(classify_tcp("GET /fw.bin HTTP/1.1\r\n", 22),
                     SUM_PAYLOAD_HTTP_REQUEST);
    assert_int_equal(classify_tcp("OPTIONS * HTTP/1.1", 18), SUM_PAYLOAD_HTTP_REQUEST);
    assert_int_equal(classify_tcp("CONNECT host:443 HTTP/1.1", 25),
                     SUM_PAYLOAD_HTTP_REQUEST);
    assert_int_equal(classify_tcp("HTTP/1.1 200 OK\r\n", 17), SUM_PAYLOAD_HTTP_RESPONSE);
    assert_int_equal(classify_tcp("SSH-2.0-OpenSSH_9.2\r\n", 21), SUM_PAYLOAD_SSH);
    /* an upper-case word that is no method (samples/decoy-service.pcap, an RPC
     * service on 62286), lower-case method, no space, too short for "HTTP/1." */
    assert_int_equal(classify_tcp("BIND epm\r\n", 10), SUM_PAYLOAD_OTHER);
    assert_int_equal(classify_tcp("get / HTTP/1.1", 14), SUM_PAYLOAD_OTHER);
    assert_int_equal(classify_tcp("GETTING", 7), SUM_PAYLOAD_OTHER);
    assert_int_equal(classify_tcp("HTTP/", 5), SUM_PAYLOAD_OTHER);
    assert_int_equal(classify_tcp("", 0), SUM_PAYLOAD_NONE);
    assert_int_equal(sum_payload_classify(NULL, 5, TCP, 1, 2), SUM_PAYLOAD_NONE);
}

static void
test_conn_payload_smb_over_netbios_smb(void **state)
{
    (void)state;
    /* NetBIOS session message, length 0x55, then SMB1 / SMB2 / SMB3 transform */
    static const uint8_t smb1[] = {0x00, 0x00, 0x00, 0x55, 0xff, 'S', 'M', 'B', 0x72};
    static const uint8_t smb2[] = {0x00, 0x00, 0x00, 0x55, 0xfe, 'S', 'M', 'B', 0x40};
    static const uint8_t smb3[] = {0x00, 0x00, 0x00, 0x55, 0xfd, 'S', 'M', 'B', 0x00};
    /* NetBIOS session request (type 0x81), called name "EKEF..." */
    static const uint8_t req[] = {0x81, 0x00, 0x00, 0x44, 0x20, 'E', 'K', 'E', 'F'};
    /* session message with length 0, then the magic */
    static const uint8_t zero[] = {0x00, 0x00, 0x00, 0x00, 0xfe, 'S', 'M', 'B'};
    assert_int_equal(sum_payload_classify(smb1, sizeof smb1, TCP, 50000, 445),
                     SUM_PAYLOAD_SMB);
    assert_int_equal(sum_payload_classify(smb2, sizeof smb2, TCP, 445, 50000),
                     SUM_PAYLOAD_SMB);
    assert_int_equal(sum_payload_classify(smb3, sizeof smb3, TCP, 50000, 445),
                     SUM_PAYLOAD_SMB);
    /* the session service opening SMB on 139 (core's word too), not elsewhere */
    assert_int_equal(sum_payload_classify(req, sizeof req, TCP, 50000, 139),
                     SUM_PAYLOAD_SMB);
    assert_int_equal(sum_payload_classify(req, sizeof req, TCP, 50000, 445),
                     SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(zero, sizeof zero, TCP, 50000, 445),
                     SUM_PAYLOAD_OTHER);
}

static void
test_conn_payload_netbios_udp_shapes(void **state)
{
    (void)state;
    /* NBNS: id, flags (query, broadcast), qd 1, an 0, ns 0, ar 0 */
    static const uint8_t nbns[] = {0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0};
    /* NBDS: direct group datagram (0x11), flags, id, source IP, port 138 */
    static const uint8_t nbds[] = {0x11, 0x02, 0x00, 0x01, 10, 0, 0, 1, 0x00, 0x8a, 0, 0x40};
    assert_int_equal(sum_payload_classify(nbns, sizeof nbns, UDP, 137, 137),
                     SUM_PAYLOAD_NETBIOS);
    assert_int_equal(sum_payload_classify(nbds, sizeof nbds, UDP, 138, 138),
                     SUM_PAYLOAD_NETBIOS);
    /* the same bytes off the NetBIOS ports, and junk on 137 */
    assert_int_equal(sum_payload_classify(nbns, sizeof nbns, UDP, 60000, 60001),
                     SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(nbds, 4, UDP, 138, 138),
                     SUM_PAYLOAD_OTHER);
    static const uint8_t junk[12] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
    assert_int_equal(sum_payload_classify(junk, sizeof junk, UDP, 137, 137),
                     SUM_PAYLOAD_OTHER);
}

static void
test_conn_payload_classify_reads_only_the_first_bytes(void **state)
{
    (void)state;
    /* Each shape the classifier knows, padded past its window: the class
     * must not change when only the first SUM_PAYLOAD_CLASSIFY_BYTES are
     * given (the analyzer keeps no more than that of a payload). */
    static const char *const texts[] = {
        "GET /fw.bin HTTP/1.1\r\n", "OPTIONS * HTTP/1.1\r\n", "HTTP/1.1 200 OK\r\n",
        "SSH-2.0-OpenSSH_9.2\r\n", "BIND epm, then a long line of other text",
    };
    static const guint8 bins[][24] = {
        {0x16, 0x03, 0x01, 0x02, 0x00, 0x01},                 /* TLS handshake */
        {0x80, 0x2e, 0x01, 0x03, 0x01, 0x00, 0x15},           /* SSLv2 hello */
        {0x00, 0x00, 0x00, 0x55, 0xfe, 'S', 'M', 'B', 0x40},  /* SMB2 */
        {0x81, 0x00, 0x00, 0x44, 0x20, 'E', 'K', 'E', 'F'},   /* NBSS request */
        {0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0},     /* NBNS query */
        {0x11, 0x02, 0x00, 0x01, 10, 0, 0, 1, 0x00, 0x8a, 0, 0x40}, /* NBDS */
    };
    const gsize w = SUM_PAYLOAD_CLASSIFY_BYTES;
    for (gsize i = 0; i < G_N_ELEMENTS(texts); i++) {
        const guint8 *p = (const guint8 *)texts[i];
        gsize n = strlen(texts[i]);
        assert_true(n > w);
        assert_int_equal(sum_payload_classify(p, w, TCP, 50000, 62286),
                         sum_payload_classify(p, n, TCP, 50000, 62286));
    }
    for (gsize i = 0; i < G_N_ELEMENTS(bins); i++) {
        for (int udp = 0; udp < 2; udp++) {
            SumTransport tr = udp ? UDP : TCP;
            guint16 port = udp ? (i == 5 ? 138 : 137) : 139;
            assert_int_equal(sum_payload_classify(bins[i], w, tr, port, port),
                             sum_payload_classify(bins[i], sizeof bins[i], tr, port, port));
        }
    }
}

static void
test_conn_addresses_round_trip(void **state)
{
    (void)state;
    SumAddr a, b;
    char buf[SUM_ADDR_STRLEN];
    assert_true(sum_addr_from_string(&a, "10.77.0.1"));
    assert_int_equal(a.family, 4);
    assert_string_equal(sum_addr_to_string(&a, buf, sizeof buf), "10.77.0.1");
    assert_true(sum_addr_from_string(&b, "fd77::1"));
    assert_int_equal(b.family, 6);
    assert_string_equal(sum_addr_to_string(&b, buf, sizeof buf), "fd77::1");
    assert_false(sum_addr_equal(&a, &b));
    assert_false(sum_addr_from_string(&a, "10.77.0"));
    assert_false(sum_addr_from_string(&a, NULL));
    assert_true(sum_addr_from_string(&a, "127.0.0.1"));
    assert_true(sum_addr_is_loopback(&a));
    assert_true(sum_addr_from_string(&a, "::1"));
    assert_true(sum_addr_is_loopback(&a));
}

static void
test_conn_answered_by_state(void **state)
{
    (void)state;
    SumConn c = {0};
    c.state = SUM_CONN_S0;
    assert_false(sum_conn_answered(&c));
    c.state = SUM_CONN_REJ;
    assert_false(sum_conn_answered(&c));
    c.state = SUM_CONN_SF;
    assert_true(sum_conn_answered(&c));
    c.state = SUM_CONN_OTH;
    assert_false(sum_conn_answered(&c));
    c.resp_payload = SUM_PAYLOAD_TLS;
    assert_true(sum_conn_answered(&c));
    assert_string_equal(sum_conn_state_name(SUM_CONN_RSTR), "RSTR");
}

static void
test_conn_tcp_track_states(void **state)
{
    (void)state;
    SumTcpTrack t = {0};
    SumConn c = {0};
    /* SYN twice (a retransmission), no answer: S0 with two SYNs. */
    assert_false(sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 1, SEC(1)));
    assert_false(sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 2, SEC(2)));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S0);
    assert_int_equal(c.syn_count, 2);
    /* RST from the responder before any SYN-ACK: refused, and closed. */
    assert_true(sum_tcp_track(&t, &c, SUM_TCP_RST | SUM_TCP_ACK, 0, FALSE, 0, 3, SEC(3)));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_REJ);
    assert_int_equal(c.rst_frame, 3);
    /* A full connection: SYN, SYN-ACK, FIN both ways. */
    SumTcpTrack u = {0};
    SumConn d = {0};
    sum_tcp_track(&u, &d, SUM_TCP_SYN, 7, TRUE, 0, 1, SEC(1));
    sum_tcp_track(&u, &d, SUM_TCP_SYN | SUM_TCP_ACK, 9, FALSE, 0, 2, SEC(2));
    assert_int_equal(sum_tcp_state(&u, SUM_TRANSPORT_TCP), SUM_CONN_S1);
    assert_false(sum_tcp_track(&u, &d, SUM_TCP_FIN | SUM_TCP_ACK, 8, TRUE, 0, 3, SEC(3)));
    assert_true(sum_tcp_track(&u, &d, SUM_TCP_FIN | SUM_TCP_ACK, 10, FALSE, 0, 4, SEC(4)));
    assert_int_equal(sum_tcp_state(&u, SUM_TRANSPORT_TCP), SUM_CONN_SF);
    assert_int_equal(d.synack_frame, 2);
    /* Reset by the originator after establishment. */
    SumTcpTrack v = u;
    v.fin_orig = v.fin_resp = FALSE;
    sum_tcp_track(&v, &d, SUM_TCP_RST, 8, TRUE, 0, 5, SEC(5));
    assert_int_equal(sum_tcp_state(&v, SUM_TRANSPORT_TCP), SUM_CONN_RSTO);
    /* No SYN seen: mid-stream. */
    SumTcpTrack w = {0};
    sum_tcp_track(&w, &d, SUM_TCP_ACK, 1, TRUE, 10, 1, SEC(1));
    assert_int_equal(sum_tcp_state(&w, SUM_TRANSPORT_TCP), SUM_CONN_OTH);
    assert_int_equal(sum_tcp_state(&w, SUM_TRANSPORT_UDP), SUM_CONN_UDP);
}

static void
test_conn_tcp_track_one_direction_not_s0(void **state)
{
    (void)state;
    /* Only the originator's side captured (a one-way SPAN, asymmetric
     * routing): SYN, then its handshake ACK and data. It got a SYN-ACK we did
     * not see: established, not an unanswered attempt. */
    SumTcpTrack t = {0};
    SumConn c = {0};
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 1, SEC(1));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S0);
    sum_tcp_track(&t, &c, SUM_TCP_ACK, 101, TRUE, 0, 2, SEC(2));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S1);
    sum_tcp_track(&t, &c, SUM_TCP_ACK | 0x08, 101, TRUE, 517, 3, SEC(3));
    sum_tcp_track(&t, &c, SUM_TCP_FIN | SUM_TCP_ACK, 618, TRUE, 0, 4, SEC(4));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S1);
    assert_int_equal(c.synack_frame, 0); /* nothing claims a SYN-ACK was seen */
    /* But SYNs alone, or a SYN then the originator's RST, stay unanswered. */
    SumTcpTrack u = {0};
    SumConn d = {0};
    sum_tcp_track(&u, &d, SUM_TCP_SYN, 5, TRUE, 0, 1, SEC(1));
    sum_tcp_track(&u, &d, SUM_TCP_SYN, 5, TRUE, 0, 2, SEC(2));
    sum_tcp_track(&u, &d, SUM_TCP_RST | SUM_TCP_ACK, 6, TRUE, 0, 3, SEC(3));
    assert_int_equal(sum_tcp_state(&u, SUM_TRANSPORT_TCP), SUM_CONN_S0);
    assert_int_equal(d.syn_count, 2);
}

static void
test_conn_tcp_track_duplicate_syn_not_a_retry(void **state)
{
    (void)state;
    /* A SPAN port that mirrors both ways shows every SYN twice, microseconds
     * apart: one attempt, one SYN. A retry comes a second later. */
    SumTcpTrack t = {0};
    SumConn c = {0};
    const gint64 t0 = 1700000000LL * G_USEC_PER_SEC;
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 1, t0);
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 2, t0 + 40);
    assert_int_equal(c.syn_count, 1);
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 3, t0 + G_USEC_PER_SEC);
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 4, t0 + G_USEC_PER_SEC + 40);
    assert_int_equal(c.syn_count, 2);
    sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 5, t0 + 3 * G_USEC_PER_SEC);
    assert_int_equal(c.syn_count, 3);
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S0);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conn_classify_payloads),
        cmocka_unit_test(test_conn_payload_classify_reads_only_the_first_bytes),
        cmocka_unit_test(test_conn_payload_tls_records_tls),
        cmocka_unit_test(test_conn_payload_tls_lookalikes_other),
        cmocka_unit_test(test_conn_payload_http_ssh_shapes),
        cmocka_unit_test(test_conn_payload_smb_over_netbios_smb),
        cmocka_unit_test(test_conn_payload_netbios_udp_shapes),
        cmocka_unit_test(test_conn_addresses_round_trip),
        cmocka_unit_test(test_conn_answered_by_state),
        cmocka_unit_test(test_conn_tcp_track_states),
        cmocka_unit_test(test_conn_tcp_track_one_direction_not_s0),
        cmocka_unit_test(test_conn_tcp_track_duplicate_syn_not_a_retry),
    };
    return cmocka_run_group_tests_name("conn", tests, NULL, NULL);
}
