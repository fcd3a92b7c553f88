/* test_conn.c: core's connection helpers: addresses and the first-payload
 * classifier shared by the analyzer and the plugin. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sum-conn.h"

#define TCP SUM_TRANSPORT_TCP
#define UDP SUM_TRANSPORT_UDP
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
    assert_int_equal(sum_payload_classify(BYTES("x"), UDP, 138, 138), SUM_PAYLOAD_NETBIOS);
    assert_int_equal(sum_payload_classify(BYTES("x"), UDP, 50000, 60001), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(BYTES("banner"), TCP, 62286, 1), SUM_PAYLOAD_OTHER);
    assert_int_equal(sum_payload_classify(NULL, 0, TCP, 1, 2), SUM_PAYLOAD_NONE);
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
    assert_false(sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 1));
    assert_false(sum_tcp_track(&t, &c, SUM_TCP_SYN, 100, TRUE, 0, 2));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_S0);
    assert_int_equal(c.syn_count, 2);
    /* RST from the responder before any SYN-ACK: refused, and closed. */
    assert_true(sum_tcp_track(&t, &c, SUM_TCP_RST | SUM_TCP_ACK, 0, FALSE, 0, 3));
    assert_int_equal(sum_tcp_state(&t, SUM_TRANSPORT_TCP), SUM_CONN_REJ);
    assert_int_equal(c.rst_frame, 3);
    /* A full connection: SYN, SYN-ACK, FIN both ways. */
    SumTcpTrack u = {0};
    SumConn d = {0};
    sum_tcp_track(&u, &d, SUM_TCP_SYN, 7, TRUE, 0, 1);
    sum_tcp_track(&u, &d, SUM_TCP_SYN | SUM_TCP_ACK, 9, FALSE, 0, 2);
    assert_int_equal(sum_tcp_state(&u, SUM_TRANSPORT_TCP), SUM_CONN_S1);
    assert_false(sum_tcp_track(&u, &d, SUM_TCP_FIN | SUM_TCP_ACK, 8, TRUE, 0, 3));
    assert_true(sum_tcp_track(&u, &d, SUM_TCP_FIN | SUM_TCP_ACK, 10, FALSE, 0, 4));
    assert_int_equal(sum_tcp_state(&u, SUM_TRANSPORT_TCP), SUM_CONN_SF);
    assert_int_equal(d.synack_frame, 2);
    /* Reset by the originator after establishment. */
    SumTcpTrack v = u;
    v.fin_orig = v.fin_resp = FALSE;
    sum_tcp_track(&v, &d, SUM_TCP_RST, 8, TRUE, 0, 5);
    assert_int_equal(sum_tcp_state(&v, SUM_TRANSPORT_TCP), SUM_CONN_RSTO);
    /* No SYN seen: mid-stream. */
    SumTcpTrack w = {0};
    sum_tcp_track(&w, &d, SUM_TCP_ACK, 1, TRUE, 10, 1);
    assert_int_equal(sum_tcp_state(&w, SUM_TRANSPORT_TCP), SUM_CONN_OTH);
    assert_int_equal(sum_tcp_state(&w, SUM_TRANSPORT_UDP), SUM_CONN_UDP);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conn_classify_payloads),
        cmocka_unit_test(test_conn_addresses_round_trip),
        cmocka_unit_test(test_conn_answered_by_state),
        cmocka_unit_test(test_conn_tcp_track_states),
    };
    return cmocka_run_group_tests_name("conn", tests, NULL, NULL);
}
