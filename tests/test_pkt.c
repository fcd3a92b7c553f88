/* test_pkt.c: the frame decoders on literal byte arrays, commented by layer,
 * including truncated and lying headers. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "pkt.h"

/* Ethernet + IPv4 + TCP SYN 10.0.0.1:60000 -> 10.0.0.11:62286. */
static const uint8_t eth_syn[] = {
    /* Ethernet: dst, src, type IPv4 */
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
    /* IPv4: v4 IHL 5, tos, total 40, id, DF, ttl 64, TCP, csum, src, dst */
    0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 11,
    /* TCP: sport 60000, dport 62286, seq 1000, ack 0, doff 5, SYN, win */
    0xea, 0x60, 0xf3, 0x4e, 0x00, 0x00, 0x03, 0xe8, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0,
    0, 0, 0, 0,
};

static void
test_pkt_ethernet_syn_decodes_ports_and_flags(void **state)
{
    (void)state;
    pkt_info p;
    assert_int_equal(pkt_decode(1, eth_syn, sizeof eth_syn, sizeof eth_syn, &p), PKT_OK);
    assert_int_equal(p.ip_version, 4);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 60000);
    assert_int_equal(p.dport, 62286);
    assert_int_equal(p.tcp_flags, 0x02);
    assert_int_equal(p.seq, 1000);
    assert_int_equal(p.src.bytes[3], 1);
    assert_int_equal(p.dst.bytes[3], 11);
    assert_int_equal(p.payload_len, 0);
}

static void
test_pkt_every_truncation_is_truncated_not_crash(void **state)
{
    (void)state;
    pkt_info p;
    for (size_t n = 0; n < sizeof eth_syn; n++) {
        pkt_result r = pkt_decode(1, eth_syn, n, sizeof eth_syn, &p);
        assert_true(r == PKT_TRUNCATED || r == PKT_INVALID);
    }
}

static void
test_pkt_ihl_under_5_invalid(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_syn];
    memcpy(f, eth_syn, sizeof f);
    f[14] = 0x43; /* IHL 3 */
    pkt_info p;
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_INVALID);
}

static void
test_pkt_total_length_lying_invalid(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_syn];
    pkt_info p;
    memcpy(f, eth_syn, sizeof f);
    f[16] = 0x23, f[17] = 0x28; /* total 9000 in a 54-byte frame */
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_INVALID);
    f[16] = 0x00, f[17] = 0x0c; /* total 12: under the header */
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_INVALID);
}

static void
test_pkt_tcp_data_offset_lying_invalid(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_syn];
    pkt_info p;
    memcpy(f, eth_syn, sizeof f);
    f[46] = 0xf0; /* data offset 15: past the segment */
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_INVALID);
    f[46] = 0x20; /* data offset 2: under 5 */
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_INVALID);
}

static void
test_pkt_snaplen_cut_tcp_truncated(void **state)
{
    (void)state;
    pkt_info p;
    /* 40 of 54 bytes captured: the TCP header is cut. */
    assert_int_equal(pkt_decode(1, eth_syn, 40, sizeof eth_syn, &p), PKT_TRUNCATED);
}

static void
test_pkt_vlan_and_qinq(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_syn + 8];
    /* Ethernet addresses, QinQ 0x88a8 vid 100, 802.1Q vid 77, then IPv4. */
    memcpy(f, eth_syn, 12);
    const uint8_t tags[] = {0x88, 0xa8, 0x00, 0x64, 0x81, 0x00, 0x00, 0x4d, 0x08, 0x00};
    memcpy(f + 12, tags, sizeof tags);
    memcpy(f + 22, eth_syn + 14, sizeof eth_syn - 14);
    pkt_info p;
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_OK);
    assert_int_equal(p.n_vlan, 2);
    assert_int_equal(p.vlan[0], 100);
    assert_int_equal(p.vlan[1], 77);
    assert_int_equal(p.dport, 62286);
    /* Tags chained to the end of the frame. */
    assert_int_equal(pkt_decode(1, f, 20, sizeof f, &p), PKT_TRUNCATED);
}

static void
test_pkt_linux_cooked_v1_v2(void **state)
{
    (void)state;
    uint8_t v1[16 + sizeof eth_syn - 14] = {
        /* SLL: packet type, ARPHRD, addr len, addr(8), protocol IPv4 */
        0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 2, 0, 0, 0, 0, 1, 0, 0, 0x08, 0x00,
    };
    memcpy(v1 + 16, eth_syn + 14, sizeof eth_syn - 14);
    pkt_info p;
    assert_int_equal(pkt_decode(113, v1, sizeof v1, sizeof v1, &p), PKT_OK);
    assert_int_equal(p.sport, 60000);
    uint8_t v2[20 + sizeof eth_syn - 14] = {
        /* SLL2: protocol IPv4, reserved, ifindex, ARPHRD, type, addr len, addr */
        0x08, 0x00, 0, 0, 0, 0, 0, 1, 0x03, 0x04, 0x00, 0x06, 2, 0, 0, 0, 0, 1, 0, 0,
    };
    memcpy(v2 + 20, eth_syn + 14, sizeof eth_syn - 14);
    assert_int_equal(pkt_decode(276, v2, sizeof v2, sizeof v2, &p), PKT_OK);
    assert_int_equal(p.dport, 62286);
}

static void
test_pkt_null_loop_both_byte_orders(void **state)
{
    (void)state;
    uint8_t f[4 + sizeof eth_syn - 14];
    memcpy(f + 4, eth_syn + 14, sizeof eth_syn - 14);
    pkt_info p;
    const uint8_t le[] = {2, 0, 0, 0}, be[] = {0, 0, 0, 2};
    memcpy(f, le, 4); /* NULL, little-endian host */
    assert_int_equal(pkt_decode(0, f, sizeof f, sizeof f, &p), PKT_OK);
    memcpy(f, be, 4); /* NULL written on a big-endian host */
    assert_int_equal(pkt_decode(0, f, sizeof f, sizeof f, &p), PKT_OK);
    assert_int_equal(pkt_decode(108, f, sizeof f, sizeof f, &p), PKT_OK); /* LOOP */
    const uint8_t other[] = {7, 0, 0, 0};
    memcpy(f, other, 4);
    assert_int_equal(pkt_decode(0, f, sizeof f, sizeof f, &p), PKT_NOT_IP);
}

/* Raw IPv6 + hop-by-hop + TCP SYN fd77::1:60001 -> fd77::b:62286. */
static const uint8_t v6_syn[] = {
    /* IPv6: version 6, payload 28, next hop-by-hop (0), hop limit */
    0x60, 0, 0, 0, 0x00, 0x1c, 0x00, 0x40,
    0xfd, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0xfd, 0x77, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x0b,
    /* hop-by-hop: next TCP, length 0 (8 bytes), PadN */
    0x06, 0x00, 0x01, 0x04, 0, 0, 0, 0,
    /* TCP SYN */
    0xea, 0x61, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0, 0, 0, 0, 0,
};

static void
test_pkt_raw_ipv6_ext_header(void **state)
{
    (void)state;
    pkt_info p;
    assert_int_equal(pkt_decode(101, v6_syn, sizeof v6_syn, sizeof v6_syn, &p), PKT_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.sport, 60001);
    assert_int_equal(p.dport, 62286);
    assert_int_equal(pkt_decode(229, v6_syn, sizeof v6_syn, sizeof v6_syn, &p), PKT_OK);
    assert_int_equal(pkt_decode(228, v6_syn, sizeof v6_syn, sizeof v6_syn, &p), PKT_INVALID);
    /* Cut inside the extension header chain. */
    assert_int_equal(pkt_decode(101, v6_syn, 44, sizeof v6_syn, &p), PKT_TRUNCATED);
}

static void
test_pkt_ipv6_endless_ext_chain_stops(void **state)
{
    (void)state;
    uint8_t f[40 + 8 * 64];
    memset(f, 0, sizeof f);
    f[0] = 0x60;
    f[4] = (8 * 64) >> 8, f[5] = (8 * 64) & 0xff; /* payload length */
    f[6] = 0; /* hop-by-hop, each pointing at another hop-by-hop */
    pkt_info p;
    assert_int_equal(pkt_decode(101, f, sizeof f, sizeof f, &p), PKT_INVALID);
}

static void
test_pkt_non_first_fragment_skipped(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_syn];
    memcpy(f, eth_syn, sizeof f);
    f[20] = 0x00, f[21] = 0x10; /* fragment offset 16 */
    pkt_info p;
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_FRAGMENT);
}

static void
test_pkt_icmp_unreachable_quotes_the_attempt(void **state)
{
    (void)state;
    uint8_t f[14 + 20 + 8 + 28];
    memcpy(f, eth_syn, 14);
    /* outer IPv4: ICMP from the target back to the SUM host */
    const uint8_t ip[] = {0x45, 0, 0, 56, 0, 2, 0, 0, 64, 1, 0, 0, 10, 0, 0, 11, 10, 0, 0, 1};
    memcpy(f + 14, ip, 20);
    /* ICMP: type 3 code 13 (administratively prohibited), checksum, unused */
    const uint8_t icmp[] = {3, 13, 0, 0, 0, 0, 0, 0};
    memcpy(f + 34, icmp, 8);
    /* quoted: the SYN's IPv4 header and first 8 bytes of TCP */
    memcpy(f + 42, eth_syn + 14, 28);
    pkt_info p;
    assert_int_equal(pkt_decode(1, f, sizeof f, sizeof f, &p), PKT_OK);
    assert_int_equal(p.proto, 1);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.icmp_code, 13);
    assert_true(p.icmp_quoted);
    assert_int_equal(p.q_sport, 60000);
    assert_int_equal(p.q_dport, 62286);
    assert_int_equal(p.q_src.bytes[3], 1);
}

static void
test_pkt_unsupported_link(void **state)
{
    (void)state;
    pkt_info p;
    assert_int_equal(pkt_decode(147, eth_syn, sizeof eth_syn, sizeof eth_syn, &p),
                     PKT_UNSUPPORTED_LINK);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pkt_ethernet_syn_decodes_ports_and_flags),
        cmocka_unit_test(test_pkt_every_truncation_is_truncated_not_crash),
        cmocka_unit_test(test_pkt_ihl_under_5_invalid),
        cmocka_unit_test(test_pkt_total_length_lying_invalid),
        cmocka_unit_test(test_pkt_tcp_data_offset_lying_invalid),
        cmocka_unit_test(test_pkt_snaplen_cut_tcp_truncated),
        cmocka_unit_test(test_pkt_vlan_and_qinq),
        cmocka_unit_test(test_pkt_linux_cooked_v1_v2),
        cmocka_unit_test(test_pkt_null_loop_both_byte_orders),
        cmocka_unit_test(test_pkt_raw_ipv6_ext_header),
        cmocka_unit_test(test_pkt_ipv6_endless_ext_chain_stops),
        cmocka_unit_test(test_pkt_non_first_fragment_skipped),
        cmocka_unit_test(test_pkt_icmp_unreachable_quotes_the_attempt),
        cmocka_unit_test(test_pkt_unsupported_link),
    };
    return cmocka_run_group_tests_name("pkt", tests, NULL, NULL);
}
