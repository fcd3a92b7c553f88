/* test_flows.c: connection tracking on decoded packets: Zeek-style states,
 * SYN retransmissions as one attempt, ICMP tied to the attempt, the cap. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "flows.h"

typedef struct {
    GArray *conns; /* SumConn emitted */
} Sink;

static void
collect(const SumConn *c, gpointer user)
{
    Sink *s = user;
    g_array_append_val(s->conns, *c);
}

static pkt_info
tcp_pkt(uint8_t src, uint16_t sport, uint8_t dst, uint16_t dport, uint8_t flags, uint32_t seq)
{
    pkt_info p;
    memset(&p, 0, sizeof p);
    p.ip_version = 4;
    p.src.family = p.dst.family = 4;
    p.src.bytes[0] = p.dst.bytes[0] = 10;
    p.src.bytes[3] = src;
    p.dst.bytes[3] = dst;
    p.proto = 6;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = flags;
    p.seq = seq;
    return p;
}

#define SYN 0x02
#define ACK 0x10
#define RST 0x04
#define FIN 0x01

static SumFlows *
new_flows(Sink *s)
{
    s->conns = g_array_new(FALSE, FALSE, sizeof(SumConn));
    return sum_flows_new(sum_plan_profile_default(), collect, s);
}

static void
feed(SumFlows *f, pkt_info p, SumFrame frame, double t)
{
    sum_flows_packet(f, &p, frame, (gint64)(t * 1e6), 60);
}

static void
test_flows_syn_retransmitted_unanswered_s0_one_attempt(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    for (int i = 0; i < 3; i++)
        feed(f, tcp_pkt(1, 60000, 11, 62286, SYN, 1000), (SumFrame)(i + 1), i * 1.0);
    sum_flows_flush(f);
    assert_int_equal(s.conns->len, 1);
    SumConn *c = &g_array_index(s.conns, SumConn, 0);
    assert_int_equal(c->state, SUM_CONN_S0);
    assert_int_equal(c->syn_count, 3);
    assert_true(c->roles_known);
    assert_int_equal(c->orig_port, 60000);
    assert_int_equal(c->first_frame, 1);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_syn_then_rst_rej(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    feed(f, tcp_pkt(1, 60000, 11, 62286, SYN, 1000), 1, 0);
    feed(f, tcp_pkt(11, 62286, 1, 60000, RST | ACK, 0), 2, 0.001);
    sum_flows_flush(f);
    SumConn *c = &g_array_index(s.conns, SumConn, 0);
    assert_int_equal(c->state, SUM_CONN_REJ);
    assert_int_equal(c->rst_frame, 2);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_handshake_data_fin_sf_with_tls(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x40, 0x01};
    feed(f, tcp_pkt(1, 60000, 11, 62286, SYN, 1000), 1, 0);
    feed(f, tcp_pkt(11, 62286, 1, 60000, SYN | ACK, 5000), 2, 0.001);
    feed(f, tcp_pkt(1, 60000, 11, 62286, ACK, 1001), 3, 0.002);
    pkt_info d = tcp_pkt(1, 60000, 11, 62286, ACK | 0x08, 1001);
    d.payload = hello;
    d.payload_caplen = d.payload_len = sizeof hello;
    feed(f, d, 4, 0.003);
    d = tcp_pkt(11, 62286, 1, 60000, ACK | 0x08, 5001);
    d.payload = hello;
    d.payload_caplen = d.payload_len = sizeof hello;
    feed(f, d, 5, 0.004);
    feed(f, tcp_pkt(1, 60000, 11, 62286, FIN | ACK, 1007), 6, 0.005);
    feed(f, tcp_pkt(11, 62286, 1, 60000, FIN | ACK, 5007), 7, 0.006);
    feed(f, tcp_pkt(1, 60000, 11, 62286, ACK, 1008), 8, 0.007);
    sum_flows_flush(f);
    assert_int_equal(s.conns->len, 1); /* the last ACK joins the closed flow */
    SumConn *c = &g_array_index(s.conns, SumConn, 0);
    assert_int_equal(c->state, SUM_CONN_SF);
    assert_int_equal(c->orig_payload, SUM_PAYLOAD_TLS);
    assert_int_equal(c->resp_payload, SUM_PAYLOAD_TLS);
    assert_int_equal(c->synack_frame, 2);
    assert_int_equal(c->payload_frame, 5);
    assert_int_equal(c->packets, 8);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_icmp_unreachable_tied_to_attempt(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    feed(f, tcp_pkt(11, 45000, 1, 61001, SYN, 7), 1, 0);
    pkt_info icmp;
    memset(&icmp, 0, sizeof icmp);
    icmp.ip_version = 4;
    icmp.proto = 1;
    icmp.icmp_type = 3;
    icmp.icmp_code = 13;
    icmp.icmp_quoted = 1;
    icmp.q_src = tcp_pkt(11, 0, 1, 0, 0, 0).src;
    icmp.q_dst = tcp_pkt(11, 0, 1, 0, 0, 0).dst;
    icmp.q_proto = 6;
    icmp.q_sport = 45000;
    icmp.q_dport = 61001;
    feed(f, icmp, 2, 0.001);
    sum_flows_flush(f);
    SumConn *c = &g_array_index(s.conns, SumConn, 0);
    assert_true(c->icmp_unreachable);
    assert_int_equal(c->icmp_frame, 2);
    assert_int_equal(c->icmp_code, 13);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_non_sum_traffic_not_kept(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    feed(f, tcp_pkt(1, 60003, 11, 443, SYN, 1), 1, 0);   /* ephemeral 6000x to 443 */
    feed(f, tcp_pkt(1, 40000, 11, 8080, SYN, 1), 2, 0);
    assert_int_equal(sum_flows_live(f), 1);              /* 60003 is a message port */
    sum_flows_flush(f);
    assert_int_equal(s.conns->len, 1);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_cap_evicts_oldest_and_counts(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    sum_flows_set_max_live(f, 10);
    for (int i = 0; i < 100; i++)
        feed(f, tcp_pkt(1, (uint16_t)(20000 + i), 11, 62286, SYN, 1), (SumFrame)(i + 1),
             i * 0.001);
    assert_true(sum_flows_live(f) <= 10);
    assert_int_equal(sum_flows_evicted(f), 90);
    sum_flows_flush(f);
    assert_int_equal(s.conns->len, 100); /* evicted flows are still told */
    assert_int_equal(g_array_index(s.conns, SumConn, 0).first_frame, 1);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_new_syn_after_close_is_new_connection(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    feed(f, tcp_pkt(1, 60000, 11, 62286, SYN, 1000), 1, 0);
    feed(f, tcp_pkt(11, 62286, 1, 60000, RST | ACK, 0), 2, 0.001);
    feed(f, tcp_pkt(1, 60000, 11, 62286, SYN, 9000), 3, 0.5);
    feed(f, tcp_pkt(11, 62286, 1, 60000, SYN | ACK, 1), 4, 0.501);
    sum_flows_flush(f);
    assert_int_equal(s.conns->len, 2);
    assert_int_equal(g_array_index(s.conns, SumConn, 0).state, SUM_CONN_REJ);
    assert_int_equal(g_array_index(s.conns, SumConn, 1).state, SUM_CONN_S1);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

static void
test_flows_midstream_oth(void **state)
{
    (void)state;
    Sink s;
    SumFlows *f = new_flows(&s);
    feed(f, tcp_pkt(1, 60000, 11, 62286, ACK, 1000), 1, 0);
    sum_flows_flush(f);
    SumConn *c = &g_array_index(s.conns, SumConn, 0);
    assert_int_equal(c->state, SUM_CONN_OTH);
    assert_false(c->roles_known);
    sum_flows_free(f);
    g_array_free(s.conns, TRUE);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_flows_syn_retransmitted_unanswered_s0_one_attempt),
        cmocka_unit_test(test_flows_syn_then_rst_rej),
        cmocka_unit_test(test_flows_handshake_data_fin_sf_with_tls),
        cmocka_unit_test(test_flows_icmp_unreachable_tied_to_attempt),
        cmocka_unit_test(test_flows_non_sum_traffic_not_kept),
        cmocka_unit_test(test_flows_cap_evicts_oldest_and_counts),
        cmocka_unit_test(test_flows_new_syn_after_close_is_new_connection),
        cmocka_unit_test(test_flows_midstream_oth),
    };
    return cmocka_run_group_tests_name("flows", tests, NULL, NULL);
}
