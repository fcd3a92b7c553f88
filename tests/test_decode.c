/* test_decode.c: the frame decoders (analyzer/decode-*.c) on literal byte
 * arrays, commented by layer: every link type, VLAN/QinQ, IPv4 options, IPv6
 * extension headers, truncated and lying headers, ICMP quotes, and the first
 * payload classifier. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"

/* ---- Building blocks, one layer each. ---- */

/* Ethernet: dst 02:00:00:00:00:02, src 02:00:00:00:00:01, type IPv4. */
static const uint8_t eth_v4[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
};
/* Ethernet: same addresses, type IPv6. */
static const uint8_t eth_v6[] = {
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x86, 0xdd,
};
/* IPv4: v4 IHL 5, tos 0, total 40, id 1, DF, ttl 64, TCP, csum 0,
 * 10.0.0.1 -> 10.0.0.2. */
static const uint8_t ip4_tcp[] = {
    0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
};
/* TCP: sport 60000, dport 62286, seq 0x01020304, ack 0, doff 5, SYN,
 * window 0xffff, csum 0, urg 0. */
static const uint8_t tcp_syn[] = {
    0xea, 0x60, 0xf3, 0x4e, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
    0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};
/* IPv6: version 6, flow 0, payload length 20, next TCP, hop limit 64,
 * 2001:db8::1 -> 2001:db8::2. */
static const uint8_t ip6_tcp[] = {
    0x60, 0, 0, 0, 0x00, 0x14, 0x06, 0x40,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
};

/* Concatenates layers into BUF; returns the total length. */
static size_t
cat(uint8_t *buf, size_t cap, size_t n_parts, ...)
{
    va_list ap;
    size_t len = 0;
    va_start(ap, n_parts);
    for (size_t i = 0; i < n_parts; i++) {
        const uint8_t *part = va_arg(ap, const uint8_t *);
        size_t n = va_arg(ap, size_t);
        assert_true(len + n <= cap);
        memcpy(buf + len, part, n);
        len += n;
    }
    va_end(ap);
    return len;
}

#define PART(a) (a), sizeof(a)

static size_t
eth_ip4_syn(uint8_t *buf, size_t cap)
{
    return cat(buf, cap, 3, PART(eth_v4), PART(ip4_tcp), PART(tcp_syn));
}

static void
assert_v4_syn(const sum_packet *p)
{
    assert_int_equal(p->ip_version, 4);
    assert_int_equal(p->src.family, 4);
    assert_int_equal(p->src.bytes[3], 1);
    assert_int_equal(p->dst.bytes[3], 2);
    assert_int_equal(p->proto, 6);
    assert_int_equal(p->sport, 60000);
    assert_int_equal(p->dport, 62286);
    assert_int_equal(p->tcp_flags, 0x02);
    assert_int_equal(p->seq, 0x01020304);
    assert_int_equal(p->payload_len, 0);
    assert_null(p->payload);
}

/* ---- Ethernet, IPv4, TCP. ---- */

static void
test_decode_ethernet_syn_ok(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
    assert_int_equal(p.linktype, 1);
    assert_int_equal(p.frame_len, n);
    assert_int_equal(p.n_vlan, 0);
}

static void
test_decode_every_cut_truncated_never_ok(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    sum_packet p;
    /* Cut by the snap length at every byte: the wire had the whole frame. */
    for (size_t cut = 0; cut < n; cut++)
        assert_int_equal(sum_decode_frame(1, f, cut, n, &p), SUM_DECODE_TRUNCATED);
}

static void
test_decode_runt_frame_shorter_than_ip_header_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    eth_ip4_syn(f, sizeof f);
    sum_packet p;
    /* 14 + 10 bytes on the wire, all captured: not a snap-length cut. */
    assert_int_equal(sum_decode_frame(1, f, 24, 24, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv4_ihl_under_5_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14] = 0x44; /* IPv4: IHL 4 = 16 bytes */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv4_total_under_header_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14 + 3] = 0x10; /* IPv4: total length 16 < IHL 20 */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv4_total_past_frame_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14 + 2] = 0x05; /* IPv4: total length 1320, the frame carries 40 */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv4_total_zero_tso_uses_frame(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14 + 2] = 0x00;
    f[14 + 3] = 0x00; /* IPv4: total length 0, a host's own TSO send */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
}

static void
test_decode_ipv4_options_skipped_ok(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        /* IPv4: IHL 6 (4 bytes of options), total 44, TCP, 10.0.0.1 -> 10.0.0.2 */
        0x46, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 0, 0, 1, 10, 0, 0, 2,
        /* IPv4 options: router alert (RFC 2113) */
        0x94, 0x04, 0x00, 0x00,
        /* TCP: 60000 -> 62286, seq 0x01020304, doff 5, SYN */
        0xea, 0x60, 0xf3, 0x4e, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
        0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
}

static void
test_decode_ipv4_options_cut_truncated(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        /* IPv4: IHL 15 (40 bytes of options), total 80; only 24 captured */
        0x4f, 0x00, 0x00, 0x50, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 0, 0, 1, 10, 0, 0, 2, 0x01, 0x01, 0x01, 0x01,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, 14 + 80, &p), SUM_DECODE_TRUNCATED);
    assert_int_equal(p.ip_version, 4); /* what was whole is still reported */
}

static void
test_decode_tcp_offset_under_5_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14 + 20 + 12] = 0x40; /* TCP: data offset 4 */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_tcp_offset_past_segment_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    f[14 + 20 + 12] = 0xf0; /* TCP: data offset 60, the segment holds 20 */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_tcp_payload_and_padding_counted_right(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        /* IPv4: total 45, TCP, 10.0.0.2 -> 10.0.0.1 */
        0x45, 0x00, 0x00, 0x2d, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 0, 0, 2, 10, 0, 0, 1,
        /* TCP: 62286 -> 60000, seq 7, ack 0x01020305, doff 5, PSH ACK */
        0xf3, 0x4e, 0xea, 0x60, 0, 0, 0, 7, 0x01, 0x02, 0x03, 0x05,
        0x50, 0x18, 0xff, 0xff, 0, 0, 0, 0,
        /* payload: a TLS alert record header */
        0x15, 0x03, 0x03, 0x00, 0x02,
        /* Ethernet padding to 60 bytes: not payload */
        0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_OK);
    assert_int_equal(p.payload_len, 5);
    assert_int_equal(p.payload_caplen, 5);
    assert_int_equal(p.payload[0], 0x15);
    assert_int_equal(p.ack, 0x01020305);
    assert_int_equal(p.tcp_flags, 0x18);
}

static void
test_decode_tcp_payload_cut_by_snaplen_ok(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
        /* IPv4: total 1040 (1000 bytes of payload), TCP */
        0x45, 0x00, 0x04, 0x10, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 0, 0, 1, 10, 0, 0, 2,
        /* TCP: doff 5, ACK */
        0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 1, 0x50, 0x10, 0xff, 0xff, 0, 0, 0, 0,
        /* payload: the first 4 of 1000 bytes */
        0x16, 0x03, 0x01, 0x02,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, 14 + 1040, &p), SUM_DECODE_OK);
    assert_int_equal(p.payload_len, 1000);
    assert_int_equal(p.payload_caplen, 4);
}

/* ---- UDP. ---- */

static const uint8_t eth_ip4_udp_nbns[] = {
    /* Ethernet */
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00,
    /* IPv4: total 40, UDP, 10.0.0.1 -> 10.0.0.255 */
    0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x00, 0x00, 0x40, 0x11, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 255,
    /* UDP: 137 -> 137, length 20, csum 0 */
    0x00, 0x89, 0x00, 0x89, 0x00, 0x14, 0x00, 0x00,
    /* NBNS: id, flags (query, broadcast), qd 1, an 0, ns 0, ar 0 */
    0x12, 0x34, 0x01, 0x10, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

static void
test_decode_udp_ports_payload_ok(void **state)
{
    (void)state;
    sum_packet p;
    size_t n = sizeof eth_ip4_udp_nbns;
    assert_int_equal(sum_decode_frame(1, eth_ip4_udp_nbns, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.proto, 17);
    assert_int_equal(p.sport, 137);
    assert_int_equal(p.dport, 137);
    assert_int_equal(p.payload_len, 12);
    assert_int_equal(p.payload_caplen, 12);
}

static void
test_decode_udp_length_lying_invalid(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_ip4_udp_nbns];
    memcpy(f, eth_ip4_udp_nbns, sizeof f);
    f[14 + 20 + 5] = 0x40; /* UDP: length 64, the datagram holds 20 */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_INVALID);
    f[14 + 20 + 5] = 0x04; /* UDP: length 4 < its own header */
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_INVALID);
}

/* ---- VLAN and QinQ. ---- */

static void
test_decode_vlan_8021q_id_kept(void **state)
{
    (void)state;
    /* Ethernet with type 802.1Q, TCI (prio 3, VLAN 100), inner type IPv4 */
    static const uint8_t eth_q[] = {
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00,
        0x60, 0x64, 0x08, 0x00,
    };
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(eth_q), PART(ip4_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.n_vlan, 1);
    assert_int_equal(p.vlan[0], 100);
    assert_v4_syn(&p);
}

static void
test_decode_vlan_qinq_both_ids_kept(void **state)
{
    (void)state;
    /* Ethernet with type 802.1ad (S-tag VLAN 200), then 802.1Q (C-tag VLAN
     * 10), inner type IPv4 */
    static const uint8_t eth_qq[] = {
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x88, 0xa8,
        0x00, 0xc8, 0x81, 0x00,
        0x00, 0x0a, 0x08, 0x00,
    };
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(eth_qq), PART(ip4_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.n_vlan, 2);
    assert_int_equal(p.vlan[0], 200);
    assert_int_equal(p.vlan[1], 10);
    assert_v4_syn(&p);
}

static void
test_decode_vlan_old_qinq_9100_ok(void **state)
{
    (void)state;
    /* Ethernet with the pre-standard QinQ type 0x9100 (VLAN 7), inner IPv6 */
    static const uint8_t eth_9100[] = {
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x91, 0x00,
        0x00, 0x07, 0x86, 0xdd,
    };
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(eth_9100), PART(ip6_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.vlan[0], 7);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.dport, 62286);
}

static void
test_decode_vlan_too_many_tags_invalid(void **state)
{
    (void)state;
    uint8_t f[128];
    memcpy(f, eth_v4, 12);
    size_t n = 12;
    for (int i = 0; i < 9; i++) { /* 9 tags: 0x8100 + TCI, one after another */
        f[n++] = 0x81, f[n++] = 0x00, f[n++] = 0x00, f[n++] = 0x01;
    }
    f[n++] = 0x08, f[n++] = 0x00;
    n += cat(f + n, sizeof f - n, 2, PART(ip4_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_vlan_tag_cut_truncated(void **state)
{
    (void)state;
    /* Ethernet with type 802.1Q and half a tag captured */
    static const uint8_t f[] = {
        0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x81, 0x00, 0x00,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, 64, &p), SUM_DECODE_TRUNCATED);
}

static void
test_decode_arp_not_ip(void **state)
{
    (void)state;
    /* Ethernet: broadcast, type ARP; ARP request body (28 bytes) */
    static const uint8_t f[] = {
        0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00, 0x06, 0x04, 0x00, 0x01, 0x02, 0, 0, 0, 0, 0x01,
        10, 0, 0, 1, 0, 0, 0, 0, 0, 0, 10, 0, 0, 2,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_NOT_IP);
}

/* ---- Linux cooked captures. ---- */

static void
test_decode_sll_v1_ok(void **state)
{
    (void)state;
    /* SLL: packet type 4 (outgoing), ARPHRD_ETHER, addr len 6, address + 2
     * pad, protocol IPv4 */
    static const uint8_t sll[] = {
        0x00, 0x04, 0x00, 0x01, 0x00, 0x06, 0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x08, 0x00,
    };
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(sll), PART(ip4_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(113, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
    assert_int_equal(sum_decode_frame(113, f, 15, n, &p), SUM_DECODE_TRUNCATED);
}

static void
test_decode_sll_v2_ipv6_ok(void **state)
{
    (void)state;
    /* SLL2: protocol IPv6, reserved, ifindex 2, ARPHRD_ETHER, packet type 0,
     * addr len 6, address + 2 pad */
    static const uint8_t sll2[] = {
        0x86, 0xdd, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x00, 0x01, 0x00, 0x06,
        0x02, 0, 0, 0, 0, 0x01, 0, 0,
    };
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(sll2), PART(ip6_tcp), PART(tcp_syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(276, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.src.family, 6);
    assert_int_equal(p.src.bytes[15], 1);
    assert_int_equal(p.dst.bytes[15], 2);
    assert_int_equal(p.sport, 60000);
    assert_int_equal(p.tcp_flags, 0x02);
}

static void
test_decode_sll_v1_arp_not_ip(void **state)
{
    (void)state;
    /* SLL: protocol ARP, then an ARP body start */
    static const uint8_t f[] = {
        0x00, 0x00, 0x00, 0x01, 0x00, 0x06, 0x02, 0, 0, 0, 0, 0x01, 0, 0, 0x08, 0x06,
        0x00, 0x01, 0x08, 0x00,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(113, f, sizeof f, sizeof f, &p), SUM_DECODE_NOT_IP);
}

/* ---- BSD loopback. ---- */

static void
test_decode_null_both_byte_orders_ok(void **state)
{
    (void)state;
    /* NULL: AF_INET (2) little-endian, as a little-endian host writes it */
    static const uint8_t af_le[] = {0x02, 0x00, 0x00, 0x00};
    /* NULL: AF_INET (2) big-endian, as a big-endian host writes it */
    static const uint8_t af_be[] = {0x00, 0x00, 0x00, 0x02};
    uint8_t f[128];
    sum_packet p;
    size_t n = cat(f, sizeof f, 3, PART(af_le), PART(ip4_tcp), PART(tcp_syn));
    assert_int_equal(sum_decode_frame(0, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
    n = cat(f, sizeof f, 3, PART(af_be), PART(ip4_tcp), PART(tcp_syn));
    assert_int_equal(sum_decode_frame(0, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
}

static void
test_decode_null_every_inet6_value_ok(void **state)
{
    (void)state;
    /* AF_INET6 on Linux, NetBSD/OpenBSD, FreeBSD, macOS */
    static const uint8_t af6[] = {10, 24, 28, 30};
    for (size_t i = 0; i < sizeof af6; i++) {
        uint8_t hdr_le[4] = {af6[i], 0, 0, 0}; /* NULL, little-endian host */
        uint8_t hdr_be[4] = {0, 0, 0, af6[i]}; /* LOOP, network order */
        uint8_t f[128];
        sum_packet p;
        size_t n = cat(f, sizeof f, 3, PART(hdr_le), PART(ip6_tcp), PART(tcp_syn));
        assert_int_equal(sum_decode_frame(0, f, n, n, &p), SUM_DECODE_OK);
        assert_int_equal(p.ip_version, 6);
        n = cat(f, sizeof f, 3, PART(hdr_be), PART(ip6_tcp), PART(tcp_syn));
        assert_int_equal(sum_decode_frame(108, f, n, n, &p), SUM_DECODE_OK);
        assert_int_equal(p.ip_version, 6);
    }
}

static void
test_decode_loop_network_order_ok(void **state)
{
    (void)state;
    /* LOOP: AF_INET (2) in network byte order */
    static const uint8_t af[] = {0x00, 0x00, 0x00, 0x02};
    uint8_t f[128];
    sum_packet p;
    size_t n = cat(f, sizeof f, 3, PART(af), PART(ip4_tcp), PART(tcp_syn));
    assert_int_equal(sum_decode_frame(108, f, n, n, &p), SUM_DECODE_OK);
    assert_v4_syn(&p);
    /* LOOP: the little-endian bytes are AF 0x02000000 there, not IP */
    f[0] = 0x02, f[3] = 0x00;
    assert_int_equal(sum_decode_frame(108, f, n, n, &p), SUM_DECODE_NOT_IP);
}

static void
test_decode_null_unknown_family_not_ip(void **state)
{
    (void)state;
    /* NULL: AF 7 (an OSI family), then bytes */
    static const uint8_t f[] = {0x07, 0x00, 0x00, 0x00, 0x45, 0x00};
    sum_packet p;
    assert_int_equal(sum_decode_frame(0, f, sizeof f, sizeof f, &p), SUM_DECODE_NOT_IP);
    assert_int_equal(sum_decode_frame(0, f, 3, 6, &p), SUM_DECODE_TRUNCATED);
}

/* ---- Raw IP. ---- */

static void
test_decode_raw_every_linktype_ok(void **state)
{
    (void)state;
    uint8_t f4[128], f6[128];
    size_t n4 = cat(f4, sizeof f4, 2, PART(ip4_tcp), PART(tcp_syn));
    size_t n6 = cat(f6, sizeof f6, 2, PART(ip6_tcp), PART(tcp_syn));
    static const uint32_t raw[] = {12, 14, 101};
    sum_packet p;
    for (size_t i = 0; i < sizeof raw / sizeof raw[0]; i++) {
        assert_int_equal(sum_decode_frame(raw[i], f4, n4, n4, &p), SUM_DECODE_OK);
        assert_v4_syn(&p);
        assert_int_equal(sum_decode_frame(raw[i], f6, n6, n6, &p), SUM_DECODE_OK);
        assert_int_equal(p.ip_version, 6);
    }
    assert_int_equal(sum_decode_frame(228, f4, n4, n4, &p), SUM_DECODE_OK);
    assert_int_equal(sum_decode_frame(229, f6, n6, n6, &p), SUM_DECODE_OK);
}

static void
test_decode_raw_version_mismatch_invalid(void **state)
{
    (void)state;
    uint8_t f4[128], f6[128];
    size_t n4 = cat(f4, sizeof f4, 2, PART(ip4_tcp), PART(tcp_syn));
    size_t n6 = cat(f6, sizeof f6, 2, PART(ip6_tcp), PART(tcp_syn));
    sum_packet p;
    /* LINKTYPE_IPV4 carrying IPv6 and the other way round */
    assert_int_equal(sum_decode_frame(228, f6, n6, n6, &p), SUM_DECODE_INVALID);
    assert_int_equal(sum_decode_frame(229, f4, n4, n4, &p), SUM_DECODE_INVALID);
    /* Ethernet type IPv6 carrying IPv4 */
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(eth_v6), PART(ip4_tcp), PART(tcp_syn));
    assert_int_equal(sum_decode_frame(1, f, n, n, &p), SUM_DECODE_INVALID);
}

static void
test_decode_unknown_linktype_unsupported(void **state)
{
    (void)state;
    uint8_t f[128];
    size_t n = eth_ip4_syn(f, sizeof f);
    sum_packet p;
    /* 147: LINKTYPE_USER0, private use */
    assert_int_equal(sum_decode_frame(147, f, n, n, &p), SUM_DECODE_UNSUPPORTED_LINK);
    assert_int_equal(sum_decode_frame(1, NULL, 0, 0, &p), SUM_DECODE_TRUNCATED);
}

/* ---- IPv6 extension headers. ---- */

static void
test_decode_ipv6_extension_chain_ok(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* IPv6: payload length 8 + 24 + 8 + 16 + 20 = 76, next hop-by-hop */
        0x60, 0, 0, 0, 0x00, 0x4c, 0x00, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        /* hop-by-hop: next routing, length 0 (8 bytes), PadN */
        43, 0, 0x01, 0x04, 0, 0, 0, 0,
        /* routing: next fragment, length 2 (24 bytes), type 0, segments 0 */
        44, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        /* fragment: next AH, offset 0, M 0 (an atomic fragment), id 1 */
        51, 0, 0x00, 0x00, 0, 0, 0, 1,
        /* AH: next destination options, length 2 ((2 + 2) * 4 = 16 bytes) */
        60, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
        /* destination options: next TCP, length 0 (8 bytes), PadN -- but the
         * IPv6 payload length above leaves no room: see the next test */
    };
    (void)f;
    static const uint8_t g[] = {
        /* IPv6: payload length 8 + 24 + 8 + 16 + 8 + 20 = 84, next hop-by-hop */
        0x60, 0, 0, 0, 0x00, 0x54, 0x00, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        /* hop-by-hop: next routing, length 0 (8 bytes), PadN */
        43, 0, 0x01, 0x04, 0, 0, 0, 0,
        /* routing: next fragment, length 2 (24 bytes) */
        44, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        /* fragment: next AH, offset 0, M 0 (atomic), id 1 */
        51, 0, 0x00, 0x00, 0, 0, 0, 1,
        /* AH: next destination options, length 2 (16 bytes) */
        60, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0,
        /* destination options: next TCP, length 0 (8 bytes), PadN */
        6, 0, 0x01, 0x04, 0, 0, 0, 0,
        /* TCP: 60000 -> 62286, seq 0x01020304, doff 5, SYN */
        0xea, 0x60, 0xf3, 0x4e, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
        0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(229, g, sizeof g, sizeof g, &p), SUM_DECODE_OK);
    assert_int_equal(p.proto, 6);
    assert_int_equal(p.sport, 60000);
    assert_int_equal(p.dport, 62286);
    assert_int_equal(p.first_fragment, 0);
    /* The same chain cut by the snap length inside the AH header. */
    assert_int_equal(sum_decode_frame(229, g, 40 + 8 + 24 + 8 + 1, sizeof g, &p),
                     SUM_DECODE_TRUNCATED);
    /* f: destination options announced at the very end of the datagram. */
    assert_int_equal(sum_decode_frame(229, f, sizeof f, sizeof f, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv6_chain_to_end_tcp_missing_invalid(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* IPv6: payload length 8, next destination options */
        0x60, 0, 0, 0, 0x00, 0x08, 60, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        /* destination options: next TCP, 8 bytes; the datagram ends here */
        6, 0, 0x01, 0x04, 0, 0, 0, 0,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(229, f, sizeof f, sizeof f, &p), SUM_DECODE_INVALID);
    /* Payload length 8, next destination options whose length is 1 (16 bytes) */
    uint8_t g[sizeof f];
    memcpy(g, f, sizeof g);
    g[41] = 1;
    assert_int_equal(sum_decode_frame(229, g, sizeof g, sizeof g, &p), SUM_DECODE_INVALID);
    /* IPv6 "no next header" (59) at the end: fine, no ports. */
    g[40] = 59;
    g[41] = 0;
    assert_int_equal(sum_decode_frame(229, g, sizeof g, sizeof g, &p), SUM_DECODE_OK);
    assert_int_equal(p.proto, 59);
}

static void
test_decode_ipv6_too_many_extensions_invalid(void **state)
{
    (void)state;
    uint8_t f[40 + 17 * 8 + 20];
    /* IPv6: payload length 17 * 8 + 20 = 156, next destination options */
    memcpy(f, ip6_tcp, 40);
    f[4] = 0, f[5] = 156, f[6] = 60;
    for (int i = 0; i < 17; i++) { /* 17 destination options headers, 8 bytes each */
        uint8_t *h = f + 40 + i * 8;
        memset(h, 0, 8);
        h[0] = i == 16 ? 6 : 60;
    }
    memcpy(f + 40 + 17 * 8, tcp_syn, 20);
    sum_packet p;
    assert_int_equal(sum_decode_frame(229, f, sizeof f, sizeof f, &p), SUM_DECODE_INVALID);
}

static void
test_decode_ipv6_fragments_flagged(void **state)
{
    (void)state;
    static const uint8_t first[] = {
        /* IPv6: payload length 16, next fragment */
        0x60, 0, 0, 0, 0x00, 0x10, 44, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        /* fragment: next UDP, offset 0, M 1, id 9 */
        17, 0, 0x00, 0x01, 0, 0, 0, 9,
        /* UDP: 61001 -> 5000, length 3000 (the rest in later fragments) */
        0xee, 0x49, 0x13, 0x88, 0x0b, 0xb8, 0, 0,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(229, first, sizeof first, sizeof first, &p),
                     SUM_DECODE_OK);
    assert_int_equal(p.first_fragment, 1);
    assert_int_equal(p.sport, 61001);
    assert_int_equal(p.payload_len, 0);
    uint8_t later[sizeof first];
    memcpy(later, first, sizeof later);
    later[42] = 0x05, later[43] = 0xa8; /* fragment: offset 181 (1448 bytes), M 0 */
    assert_int_equal(sum_decode_frame(229, later, sizeof later, sizeof later, &p),
                     SUM_DECODE_FRAGMENT);
    assert_int_equal(p.fragment, 1);
    assert_int_equal(p.proto, 17);
    assert_int_equal(p.sport, 0); /* no L4 in a non-first fragment */
}

static void
test_decode_ipv4_fragments_flagged(void **state)
{
    (void)state;
    uint8_t f[sizeof eth_ip4_udp_nbns];
    memcpy(f, eth_ip4_udp_nbns, sizeof f);
    f[14 + 6] = 0x20; /* IPv4: MF, offset 0: the first fragment */
    f[14 + 20 + 5] = 0xff; /* UDP: length 255, the rest in later fragments */
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_OK);
    assert_int_equal(p.first_fragment, 1);
    assert_int_equal(p.sport, 137);
    f[14 + 6] = 0x00, f[14 + 7] = 0x10; /* IPv4: offset 16 (128 bytes), MF 0 */
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_FRAGMENT);
    assert_int_equal(p.ip_version, 4);
    assert_int_equal(p.dst.bytes[3], 255);
    assert_int_equal(p.dport, 0);
}

/* ---- ICMP. ---- */

static void
test_decode_icmp_unreachable_quote_ok(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* Ethernet */
        0x02, 0, 0, 0, 0, 0x01, 0x02, 0, 0, 0, 0, 0x02, 0x08, 0x00,
        /* IPv4: total 56, ICMP, 10.0.0.2 -> 10.0.0.1 */
        0x45, 0x00, 0x00, 0x38, 0x00, 0x02, 0x00, 0x00, 0x40, 0x01, 0x00, 0x00,
        10, 0, 0, 2, 10, 0, 0, 1,
        /* ICMP: destination unreachable, code 13 (administratively prohibited) */
        0x03, 0x0d, 0x00, 0x00, 0, 0, 0, 0,
        /* quoted IPv4: total 40, TCP, 10.0.0.1 -> 10.0.0.2 */
        0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
        10, 0, 0, 1, 10, 0, 0, 2,
        /* quoted TCP: first 8 bytes, 60000 -> 62286, seq */
        0xea, 0x60, 0xf3, 0x4e, 0x01, 0x02, 0x03, 0x04,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(1, f, sizeof f, sizeof f, &p), SUM_DECODE_OK);
    assert_int_equal(p.proto, 1);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.icmp_code, 13);
    assert_int_equal(p.icmp_quoted, 1);
    assert_int_equal(p.q_proto, 6);
    assert_int_equal(p.q_src.bytes[3], 1);
    assert_int_equal(p.q_dst.bytes[3], 2);
    assert_int_equal(p.q_sport, 60000);
    assert_int_equal(p.q_dport, 62286);
    /* The quote cut before its ports: still an unreachable, nothing quoted. */
    assert_int_equal(sum_decode_frame(1, f, sizeof f - 6, sizeof f - 6 + 0, &p),
                     SUM_DECODE_INVALID); /* IPv4 total 56 lies about this frame */
    assert_int_equal(sum_decode_frame(1, f, sizeof f - 6, sizeof f, &p), SUM_DECODE_OK);
    assert_int_equal(p.icmp_type, 3);
    assert_int_equal(p.icmp_quoted, 0);
}

static void
test_decode_icmpv6_unreachable_quote_ok(void **state)
{
    (void)state;
    static const uint8_t f[] = {
        /* IPv6: payload length 8 + 40 + 8 = 56, next ICMPv6, ::2 -> ::1 */
        0x60, 0, 0, 0, 0x00, 0x38, 58, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        /* ICMPv6: destination unreachable, code 4 (port unreachable) */
        0x01, 0x04, 0x00, 0x00, 0, 0, 0, 0,
        /* quoted IPv6: payload length 20, UDP, ::1 -> ::2 */
        0x60, 0, 0, 0, 0x00, 0x14, 17, 0x40,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
        0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
        /* quoted UDP: 138 -> 138, length 20 */
        0x00, 0x8a, 0x00, 0x8a, 0x00, 0x14, 0x00, 0x00,
    };
    sum_packet p;
    assert_int_equal(sum_decode_frame(229, f, sizeof f, sizeof f, &p), SUM_DECODE_OK);
    assert_int_equal(p.proto, 58);
    assert_int_equal(p.icmp_type, 1);
    assert_int_equal(p.icmp_code, 4);
    assert_int_equal(p.icmp_quoted, 1);
    assert_int_equal(p.q_proto, 17);
    assert_int_equal(p.q_src.family, 6);
    assert_int_equal(p.q_src.bytes[15], 1);
    assert_int_equal(p.q_sport, 138);
}

static void
test_decode_names_every_value_named(void **state)
{
    (void)state;
    for (int r = 0; r < SUM_DECODE_RESULT_COUNT; r++)
        assert_string_not_equal(sum_decode_result_name((sum_decode_result)r), "?");
    assert_string_equal(sum_decode_result_name(SUM_DECODE_RESULT_COUNT), "?");
    assert_string_equal(sum_decode_linktype_name(276), "Linux cooked v2");
    assert_string_equal(sum_decode_linktype_name(9999), "unsupported");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_ethernet_syn_ok),
        cmocka_unit_test(test_decode_every_cut_truncated_never_ok),
        cmocka_unit_test(test_decode_runt_frame_shorter_than_ip_header_invalid),
        cmocka_unit_test(test_decode_ipv4_ihl_under_5_invalid),
        cmocka_unit_test(test_decode_ipv4_total_under_header_invalid),
        cmocka_unit_test(test_decode_ipv4_total_past_frame_invalid),
        cmocka_unit_test(test_decode_ipv4_total_zero_tso_uses_frame),
        cmocka_unit_test(test_decode_ipv4_options_skipped_ok),
        cmocka_unit_test(test_decode_ipv4_options_cut_truncated),
        cmocka_unit_test(test_decode_tcp_offset_under_5_invalid),
        cmocka_unit_test(test_decode_tcp_offset_past_segment_invalid),
        cmocka_unit_test(test_decode_tcp_payload_and_padding_counted_right),
        cmocka_unit_test(test_decode_tcp_payload_cut_by_snaplen_ok),
        cmocka_unit_test(test_decode_udp_ports_payload_ok),
        cmocka_unit_test(test_decode_udp_length_lying_invalid),
        cmocka_unit_test(test_decode_vlan_8021q_id_kept),
        cmocka_unit_test(test_decode_vlan_qinq_both_ids_kept),
        cmocka_unit_test(test_decode_vlan_old_qinq_9100_ok),
        cmocka_unit_test(test_decode_vlan_too_many_tags_invalid),
        cmocka_unit_test(test_decode_vlan_tag_cut_truncated),
        cmocka_unit_test(test_decode_arp_not_ip),
        cmocka_unit_test(test_decode_sll_v1_ok),
        cmocka_unit_test(test_decode_sll_v2_ipv6_ok),
        cmocka_unit_test(test_decode_sll_v1_arp_not_ip),
        cmocka_unit_test(test_decode_null_both_byte_orders_ok),
        cmocka_unit_test(test_decode_null_every_inet6_value_ok),
        cmocka_unit_test(test_decode_loop_network_order_ok),
        cmocka_unit_test(test_decode_null_unknown_family_not_ip),
        cmocka_unit_test(test_decode_raw_every_linktype_ok),
        cmocka_unit_test(test_decode_raw_version_mismatch_invalid),
        cmocka_unit_test(test_decode_unknown_linktype_unsupported),
        cmocka_unit_test(test_decode_ipv6_extension_chain_ok),
        cmocka_unit_test(test_decode_ipv6_chain_to_end_tcp_missing_invalid),
        cmocka_unit_test(test_decode_ipv6_too_many_extensions_invalid),
        cmocka_unit_test(test_decode_ipv6_fragments_flagged),
        cmocka_unit_test(test_decode_ipv4_fragments_flagged),
        cmocka_unit_test(test_decode_icmp_unreachable_quote_ok),
        cmocka_unit_test(test_decode_icmpv6_unreachable_quote_ok),
        cmocka_unit_test(test_decode_names_every_value_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
