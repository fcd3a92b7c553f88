/* test_decode_link.c: the link types customer captures also come in
 * (analyzer/decode-link.c): PPP, PPP in HDLC framing, Cisco HDLC, NFLOG,
 * 802.11 data frames with LLC/SNAP, bare and behind radiotap. Literal byte
 * arrays, commented by layer, each ending in the same IPv4 (or IPv6) SYN
 * 60000 -> 62286. test_decode.c holds the older link types and IP up. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "decode.h"

/* IPv4: IHL 5, total 40, DF, ttl 64, TCP, 10.0.0.1 -> 10.0.0.2. */
static const uint8_t ip4[] = {
    0x45, 0x00, 0x00, 0x28, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0x00, 0x00,
    10, 0, 0, 1, 10, 0, 0, 2,
};
/* IPv6: payload 20, TCP, hop limit 64, 2001:db8::1 -> 2001:db8::2. */
static const uint8_t ip6[] = {
    0x60, 0, 0, 0, 0x00, 0x14, 0x06, 0x40,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01,
    0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x02,
};
/* TCP: 60000 -> 62286, SYN, doff 5. */
static const uint8_t syn[] = {
    0xea, 0x60, 0xf3, 0x4e, 0x01, 0x02, 0x03, 0x04, 0, 0, 0, 0,
    0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0,
};
/* LLC/SNAP (RFC 1042): AA AA 03, OUI 000000, Ethertype IPv4. */
static const uint8_t snap_v4[] = {0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00, 0x08, 0x00};

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

/* LINKTYPE with HEAD before the IPv4 SYN decodes to EXPECT; OK is checked
 * down to the ports. */
static void
assert_head(uint32_t linktype, const uint8_t *head, size_t n_head, sum_decode_result expect)
{
    uint8_t f[256];
    size_t n = cat(f, sizeof f, 3, head, n_head, PART(ip4), PART(syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(linktype, f, n, n, &p), expect);
    if (expect != SUM_DECODE_OK)
        return;
    assert_int_equal(p.ip_version, 4);
    assert_int_equal(p.src.bytes[3], 1);
    assert_int_equal(p.sport, 60000);
    assert_int_equal(p.dport, 62286);
    assert_int_equal(p.tcp_flags, 0x02);
    /* every cut of the link header is truncated, never a packet */
    for (size_t cut = 0; cut < n_head; cut++)
        assert_int_equal(sum_decode_frame(linktype, f, cut, n, &p), SUM_DECODE_TRUNCATED);
}

static void
test_decode_ppp_framed_compressed_and_ipv6_ok(void **state)
{
    (void)state;
    /* PPP: address FF, control 03 (RFC 1662 framing), protocol 0x0021 */
    static const uint8_t framed[] = {0xff, 0x03, 0x00, 0x21};
    /* PPP: no framing, protocol 0x0021 */
    static const uint8_t bare[] = {0x00, 0x21};
    /* PPP: protocol field compressed to one byte 0x21 (RFC 1661 6.5) */
    static const uint8_t compressed[] = {0x21};
    assert_head(SUM_LINKTYPE_PPP, PART(framed), SUM_DECODE_OK);
    assert_head(SUM_LINKTYPE_PPP, PART(bare), SUM_DECODE_OK);
    assert_head(SUM_LINKTYPE_PPP, PART(compressed), SUM_DECODE_OK);
    /* PPP: FF 03, protocol 0x0057 IPv6 */
    static const uint8_t v6[] = {0xff, 0x03, 0x00, 0x57};
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(v6), PART(ip6), PART(syn));
    sum_packet p;
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_PPP, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.ip_version, 6);
    assert_int_equal(p.dport, 62286);
}

static void
test_decode_ppp_lcp_not_ip(void **state)
{
    (void)state;
    /* PPP: FF 03, protocol 0xC021 LCP, then a Configure-Request */
    static const uint8_t lcp[] = {0xff, 0x03, 0xc0, 0x21, 0x01, 0x01, 0x00, 0x04};
    sum_packet p;
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_PPP, lcp, sizeof lcp, sizeof lcp, &p),
                     SUM_DECODE_NOT_IP);
}

static void
test_decode_ppp_hdlc_ppp_and_cisco_ok(void **state)
{
    (void)state;
    /* PPP in HDLC-like framing: FF 03, protocol 0x0021 */
    static const uint8_t ppp[] = {0xff, 0x03, 0x00, 0x21};
    /* Cisco HDLC in a PPP_HDLC capture (RFC 1547 4.3.1): 0F 00, Ethertype IPv4 */
    static const uint8_t cisco[] = {0x0f, 0x00, 0x08, 0x00};
    /* neither: address 0x42 */
    static const uint8_t other[] = {0x42, 0x03, 0x00, 0x21};
    assert_head(SUM_LINKTYPE_PPP_HDLC, PART(ppp), SUM_DECODE_OK);
    assert_head(SUM_LINKTYPE_PPP_HDLC, PART(cisco), SUM_DECODE_OK);
    assert_head(SUM_LINKTYPE_PPP_HDLC, PART(other), SUM_DECODE_INVALID);
}

static void
test_decode_chdlc_ethertypes(void **state)
{
    (void)state;
    /* Cisco HDLC: unicast 0F, control 00, Ethertype IPv4 */
    static const uint8_t v4[] = {0x0f, 0x00, 0x08, 0x00};
    assert_head(SUM_LINKTYPE_C_HDLC, PART(v4), SUM_DECODE_OK);
    /* Cisco HDLC: broadcast 8F, control 00, Ethertype 0x8035 SLARP keepalive */
    static const uint8_t slarp[] = {0x8f, 0x00, 0x80, 0x35, 0, 0, 0, 2, 0, 0, 0, 1};
    sum_packet p;
    assert_int_equal(
        sum_decode_frame(SUM_LINKTYPE_C_HDLC, slarp, sizeof slarp, sizeof slarp, &p),
        SUM_DECODE_NOT_IP);
    /* Cisco HDLC: 0F 00, IPv6 */
    static const uint8_t v6[] = {0x0f, 0x00, 0x86, 0xdd};
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(v6), PART(ip6), PART(syn));
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_C_HDLC, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.ip_version, 6);
}

/* NFLOG: AF_INET, version 0, resource id 5 (BE); TLV NFULA_PACKET_HDR
 * (length 8, type 1: hw protocol 0x0800, hook 1, pad); then the payload TLV
 * header (length 4 + 40, type 9). Little-endian TLVs, as an x86 host logs. */
static const uint8_t nflog_le[] = {
    0x02, 0x00, 0x00, 0x05,
    0x08, 0x00, 0x01, 0x00, 0x08, 0x00, 0x01, 0x00,
    0x2c, 0x00, 0x09, 0x00,
};
/* The same with big-endian TLVs, as a big-endian host logs. */
static const uint8_t nflog_be[] = {
    0x02, 0x00, 0x00, 0x05,
    0x00, 0x08, 0x00, 0x01, 0x08, 0x00, 0x01, 0x00,
    0x00, 0x2c, 0x00, 0x09,
};

static void
test_decode_nflog_payload_tlv_either_byte_order_ok(void **state)
{
    (void)state;
    uint8_t f[128];
    sum_packet p;
    size_t n = cat(f, sizeof f, 3, PART(nflog_le), PART(ip4), PART(syn));
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.dport, 62286);
    n = cat(f, sizeof f, 3, PART(nflog_be), PART(ip4), PART(syn));
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.sport, 60000);
    /* cut inside the TLVs, before the payload: truncated */
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, f, 14, n, &p), SUM_DECODE_TRUNCATED);
}

static void
test_decode_nflog_without_payload_or_lying_not_a_packet(void **state)
{
    (void)state;
    sum_packet p;
    /* only the packet header TLV: metadata, no packet */
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, nflog_le, 12, 12, &p),
                     SUM_DECODE_NOT_IP);
    /* a TLV length of 2, under its own 4-byte header */
    uint8_t f[128];
    size_t n = cat(f, sizeof f, 3, PART(nflog_le), PART(ip4), PART(syn));
    f[4] = 0x02;
    f[5] = 0x00;
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, f, n, n, &p), SUM_DECODE_INVALID);
    /* family 7: not IP */
    n = cat(f, sizeof f, 3, PART(nflog_le), PART(ip4), PART(syn));
    f[0] = 7;
    assert_int_equal(sum_decode_frame(SUM_LINKTYPE_NFLOG, f, n, n, &p), SUM_DECODE_NOT_IP);
}

/* 802.11 data frame, From DS: frame control 08 02, duration, addr1-3,
 * sequence control (24 bytes). */
static const uint8_t wlan_data[] = {
    0x08, 0x02, 0x00, 0x00,
    0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x03, 0x02, 0, 0, 0, 0, 0x01,
    0x10, 0x00,
};

static void
test_decode_80211_data_qos_four_address_ok(void **state)
{
    (void)state;
    uint8_t head[64];
    size_t n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_OK);
    /* QoS data (subtype 8: frame control 88 02), QoS control 2 bytes */
    static const uint8_t qos[] = {0x00, 0x00};
    n = cat(head, sizeof head, 3, PART(wlan_data), PART(qos), PART(snap_v4));
    head[0] = 0x88;
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_OK);
    /* To DS and From DS (frame control 08 03): a fourth address */
    static const uint8_t addr4[] = {0x02, 0, 0, 0, 0, 0x04};
    n = cat(head, sizeof head, 3, PART(wlan_data), PART(addr4), PART(snap_v4));
    head[1] = 0x03;
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_OK);
    /* 802.1H bridge tunnel OUI 0000F8 */
    n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[24 + 5] = 0xf8;
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_OK);
}

static void
test_decode_80211_not_data_protected_amsdu_not_ip(void **state)
{
    (void)state;
    uint8_t head[64];
    size_t n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[1] = 0x42; /* protected: the body is encrypted */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_NOT_IP);
    n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[0] = 0x80; /* a beacon: management */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_NOT_IP);
    n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[0] = 0x48; /* null data: no body */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_NOT_IP);
    static const uint8_t qos_amsdu[] = {0x80, 0x00};
    n = cat(head, sizeof head, 3, PART(wlan_data), PART(qos_amsdu), PART(snap_v4));
    head[0] = 0x88; /* QoS data with the A-MSDU bit: aggregated subframes */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_NOT_IP);
    n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[0] = 0x09; /* protocol version 1 */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_INVALID);
    n = cat(head, sizeof head, 2, PART(wlan_data), PART(snap_v4));
    head[24] = 0xe0; /* LLC without SNAP (an STP-like SAP) */
    assert_head(SUM_LINKTYPE_IEEE802_11, head, n, SUM_DECODE_NOT_IP);
}

static void
test_decode_radiotap_flags_fcs_datapad_ok(void **state)
{
    (void)state;
    uint8_t head[96], f[160];
    sum_packet p;
    /* radiotap: version 0, length 12, present = Flags; flags 0x00, 3 pad */
    static const uint8_t rt_plain[] = {0, 0, 12, 0, 0x02, 0, 0, 0, 0x00, 0, 0, 0};
    size_t n = cat(head, sizeof head, 3, PART(rt_plain), PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_OK);
    /* radiotap: length 20, present = TSFT + Flags; TSFT (8 bytes at 8),
     * flags at 16: 0x10, an FCS ends the frame */
    static const uint8_t rt_fcs[] = {0, 0, 20, 0, 0x03, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8,
                                     0x10, 0, 0, 0};
    static const uint8_t fcs[] = {0xde, 0xad, 0xbe, 0xef};
    n = cat(f, sizeof f, 6, PART(rt_fcs), PART(wlan_data), PART(snap_v4), PART(ip4),
            PART(syn), PART(fcs));
    assert_int_equal(sum_decode_frame(127, f, n, n, &p), SUM_DECODE_OK);
    assert_int_equal(p.dport, 62286);
    /* radiotap: two present words (bit 31), Flags 0x20: the QoS header (26
     * bytes) is padded to 28 before the body */
    static const uint8_t rt_pad[] = {0, 0, 16, 0, 0x02, 0, 0, 0x80, 0x00, 0, 0, 0,
                                     0x20, 0, 0, 0};
    static const uint8_t qos_pad[] = {0x00, 0x00, 0xaa, 0xbb};
    n = cat(head, sizeof head, 4, PART(rt_pad), PART(wlan_data), PART(qos_pad), PART(snap_v4));
    head[16] = 0x88;
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_OK);
}

static void
test_decode_radiotap_lies_invalid(void **state)
{
    (void)state;
    uint8_t head[96];
    /* version 1 */
    static const uint8_t rt_v1[] = {1, 0, 8, 0, 0, 0, 0, 0};
    size_t n = cat(head, sizeof head, 3, PART(rt_v1), PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_INVALID);
    /* a length of 6, under the 8-byte header */
    static const uint8_t rt_short[] = {0, 0, 6, 0, 0, 0, 0, 0};
    n = cat(head, sizeof head, 3, PART(rt_short), PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_INVALID);
    /* present words chained past the header's length */
    static const uint8_t rt_chain[] = {0, 0, 8, 0, 0, 0, 0, 0x80};
    n = cat(head, sizeof head, 3, PART(rt_chain), PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_INVALID);
    /* Flags 0x40: the radio saw a bad FCS */
    static const uint8_t rt_bad[] = {0, 0, 12, 0, 0x02, 0, 0, 0, 0x40, 0, 0, 0};
    n = cat(head, sizeof head, 3, PART(rt_bad), PART(wlan_data), PART(snap_v4));
    assert_head(SUM_LINKTYPE_IEEE802_11_RADIOTAP, head, n, SUM_DECODE_INVALID);
}

static void
test_decode_link_new_types_named(void **state)
{
    (void)state;
    static const uint32_t types[] = {9, 50, 104, 105, 127, 239};
    for (size_t i = 0; i < sizeof types / sizeof types[0]; i++)
        assert_string_not_equal(sum_decode_linktype_name(types[i]), "unsupported");
    assert_string_equal(sum_decode_linktype_name(104), "Cisco HDLC");
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_ppp_framed_compressed_and_ipv6_ok),
        cmocka_unit_test(test_decode_ppp_lcp_not_ip),
        cmocka_unit_test(test_decode_ppp_hdlc_ppp_and_cisco_ok),
        cmocka_unit_test(test_decode_chdlc_ethertypes),
        cmocka_unit_test(test_decode_nflog_payload_tlv_either_byte_order_ok),
        cmocka_unit_test(test_decode_nflog_without_payload_or_lying_not_a_packet),
        cmocka_unit_test(test_decode_80211_data_qos_four_address_ok),
        cmocka_unit_test(test_decode_80211_not_data_protected_amsdu_not_ip),
        cmocka_unit_test(test_decode_radiotap_flags_fcs_datapad_ok),
        cmocka_unit_test(test_decode_radiotap_lies_invalid),
        cmocka_unit_test(test_decode_link_new_types_named),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
