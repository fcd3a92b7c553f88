/* decode-link.c: the link layer, then IP.
 *
 * Ethernet II (with 802.1Q 0x8100 and QinQ 0x88a8/0x9100 tags), Linux cooked
 * capture v1 and v2, BSD loopback NULL and LOOP, raw IP, PPP (RFC 1661, in
 * HDLC-like framing RFC 1662), Cisco HDLC, Linux NFLOG, IEEE 802.11 data
 * frames with LLC/SNAP, bare or behind radiotap. A switch on the link type,
 * never an assumption of Ethernet (pcap_datalink(3PCAP)). Headers:
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, ..._SLL2.html,
 * ..._NULL.html, ..._PPP.html, ..._PPP_HDLC.html, ..._C_HDLC.html,
 * ..._NFLOG.html, ..._IEEE802_11.html, ..._IEEE802_11_RADIOTAP.html.
 */
#include "decode.h"
#include "sum-limits.h"

#include <string.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100

#define ETHERNET_HEADER 14 /* bytes: dst, src, type */
#define SLL_HEADER 16      /* bytes; protocol at 14 */
#define SLL2_HEADER 20     /* bytes; protocol at 0 */
#define NULL_HEADER 4      /* bytes: the address family */
#define CHDLC_HEADER 4     /* bytes: address, control, Ethertype */
#define NFLOG_HEADER 4     /* bytes: family, version, resource id */
#define TLV_HEADER 4       /* bytes: NFLOG TLV length and type */
#define WLAN_HEADER 24     /* bytes: an 802.11 data frame's MAC header, 3 addresses */
#define SNAP_HEADER 8      /* bytes: LLC AA AA 03, OUI, Ethertype */
#define RADIOTAP_HEADER 8  /* bytes: version, pad, length, first present word */

#define PPP_IPV4 0x0021    /* PPP protocol numbers (RFC 1332, RFC 5072) */
#define PPP_IPV6 0x0057
#define NFULA_PAYLOAD 9    /* the NFLOG TLV that holds the packet */
#define AF_INET_NUM 2      /* address families as Linux numbers them */
#define AF_INET6_LINUX 10

static size_t
wire_after(size_t wirelen, size_t off)
{
    return wirelen > off ? wirelen - off : 0;
}

static int
is_vlan(uint16_t type)
{
    return type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD;
}

/* TYPE announces what R holds: VLAN tags (TCI + next type, 4 bytes each),
 * then IPv4 or IPv6. */
static sum_decode_result
decode_ethertype(uint16_t type, const sum_rd *r, size_t wire_left, sum_packet *out)
{
    size_t off = 0;
    while (is_vlan(type)) {
        if (out->n_vlan >= SUM_DECODE_MAX_VLAN_TAGS)
            return SUM_DECODE_INVALID; /* no real network stacks this many tags */
        if (!sum_rd_has(r, off, 4))
            return SUM_DECODE_TRUNCATED;
        if (out->n_vlan < 2)
            out->vlan[out->n_vlan] = sum_rd_be16(r, off) & 0x0fff;
        out->n_vlan++;
        type = sum_rd_be16(r, off + 2);
        off += 4;
    }
    if (type != ETHERTYPE_IPV4 && type != ETHERTYPE_IPV6)
        return SUM_DECODE_NOT_IP; /* ARP, LLC lengths (<= 1500), LLDP ... */
    sum_rd s = sum_rd_sub(r, off, r->len);
    return sum_decode_ip(&s, wire_after(wire_left, off), type == ETHERTYPE_IPV4 ? 4 : 6, 0,
                         out);
}

static sum_decode_result
decode_ethernet(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, ETHERNET_HEADER))
        return SUM_DECODE_TRUNCATED;
    sum_rd s = sum_rd_sub(r, ETHERNET_HEADER, r->len);
    return decode_ethertype(sum_rd_be16(r, 12), &s, wire_after(wirelen, ETHERNET_HEADER), out);
}

/* Linux cooked v1: packet type, ARPHRD, address length, 8 address bytes,
 * then the protocol (an Ethertype for IP). */
static sum_decode_result
decode_sll(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, SLL_HEADER))
        return SUM_DECODE_TRUNCATED;
    sum_rd s = sum_rd_sub(r, SLL_HEADER, r->len);
    return decode_ethertype(sum_rd_be16(r, 14), &s, wire_after(wirelen, SLL_HEADER), out);
}

/* Linux cooked v2: the protocol first, then reserved, ifindex, ARPHRD,
 * packet type, address length and 8 address bytes. */
static sum_decode_result
decode_sll2(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, SLL2_HEADER))
        return SUM_DECODE_TRUNCATED;
    sum_rd s = sum_rd_sub(r, SLL2_HEADER, r->len);
    return decode_ethertype(sum_rd_be16(r, 0), &s, wire_after(wirelen, SLL2_HEADER), out);
}

/* BSD loopback: a 4-byte address family, in the capturing host's byte order
 * (NULL) or in network order (LOOP). AF_INET is 2 everywhere; AF_INET6 is 10
 * (Linux), 24 (NetBSD, OpenBSD), 28 (FreeBSD, DragonFly), 30 (macOS). */
static sum_decode_result
decode_null(const sum_rd *r, size_t wirelen, int network_order, sum_packet *out)
{
    if (!sum_rd_has(r, 0, NULL_HEADER))
        return SUM_DECODE_TRUNCATED;
    uint32_t af = network_order ? sum_rd_be32(r, 0) : sum_rd_le32(r, 0);
    /* NULL written by a big-endian host reads as a huge little-endian value. */
    if (!network_order && af > 0xffff)
        af = sum_rd_be32(r, 0);
    uint8_t version;
    switch (af) {
    case 2:
        version = 4;
        break;
    case 10:
    case 24:
    case 28:
    case 30:
        version = 6;
        break;
    default:
        return SUM_DECODE_NOT_IP;
    }
    sum_rd s = sum_rd_sub(r, NULL_HEADER, r->len);
    return sum_decode_ip(&s, wire_after(wirelen, NULL_HEADER), version, 0, out);
}

/* PPP's protocol field: 2 bytes, or 1 when compressed (RFC 1661 6.5: the
 * first byte is then odd), then IPv4 or IPv6; LCP, IPCP ... are not IP. */
static sum_decode_result
decode_ppp_protocol(const sum_rd *r, size_t wire_left, sum_packet *out)
{
    if (!sum_rd_has(r, 0, 1))
        return SUM_DECODE_TRUNCATED;
    size_t n = (sum_rd_u8(r, 0) & 1) ? 1 : 2;
    if (!sum_rd_has(r, 0, n))
        return SUM_DECODE_TRUNCATED;
    uint16_t proto = n == 1 ? sum_rd_u8(r, 0) : sum_rd_be16(r, 0);
    if (proto != PPP_IPV4 && proto != PPP_IPV6)
        return SUM_DECODE_NOT_IP;
    sum_rd s = sum_rd_sub(r, n, r->len);
    return sum_decode_ip(&s, wire_after(wire_left, n), proto == PPP_IPV4 ? 4 : 6, 0, out);
}

/* LINKTYPE_PPP: the HDLC-like address and control bytes FF 03 (RFC 1662
 * 3.1) when the first two bytes are those, then the protocol. */
static sum_decode_result
decode_ppp(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, 2))
        return SUM_DECODE_TRUNCATED; /* no IP fits a shorter frame */
    size_t off = sum_rd_u8(r, 0) == 0xff && sum_rd_u8(r, 1) == 0x03 ? 2 : 0;
    sum_rd s = sum_rd_sub(r, off, r->len);
    return decode_ppp_protocol(&s, wire_after(wirelen, off), out);
}

/* Cisco HDLC: address (0x0F unicast, 0x8F broadcast), control, then an
 * Ethertype. */
static sum_decode_result
decode_chdlc(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, CHDLC_HEADER))
        return SUM_DECODE_TRUNCATED;
    sum_rd s = sum_rd_sub(r, CHDLC_HEADER, r->len);
    return decode_ethertype(sum_rd_be16(r, 2), &s, wire_after(wirelen, CHDLC_HEADER), out);
}

/* LINKTYPE_PPP_HDLC (DLT_PPP_SERIAL): PPP in HDLC-like framing, address
 * 0xFF, or Cisco HDLC, address 0x0F or 0x8F (RFC 1547 4.3.1). */
static sum_decode_result
decode_ppp_hdlc(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, 2))
        return SUM_DECODE_TRUNCATED;
    uint8_t address = sum_rd_u8(r, 0);
    if (address == 0x0f || address == 0x8f)
        return decode_chdlc(r, wirelen, out);
    if (address != 0xff)
        return SUM_DECODE_INVALID;
    sum_rd s = sum_rd_sub(r, 2, r->len);
    return decode_ppp_protocol(&s, wire_after(wirelen, 2), out);
}

/* An NFLOG TLV's length at OFF in the byte order LITTLE. */
static uint16_t
tlv16(const sum_rd *r, size_t off, int little)
{
    return little ? sum_rd_le16(r, off) : sum_rd_be16(r, off);
}

/* NFLOG: family, version 0, resource id, then TLVs whose length (with the
 * 4-byte TLV header) and type are in the capturing host's byte order, each
 * padded to 4 bytes; type 9 holds the packet from its IP header. The byte
 * order is the one in which the first TLV's length fits the frame. */
static sum_decode_result
decode_nflog(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, NFLOG_HEADER + TLV_HEADER))
        return SUM_DECODE_TRUNCATED;
    uint8_t family = sum_rd_u8(r, 0);
    if (sum_rd_u8(r, 1) != 0)
        return SUM_DECODE_INVALID; /* only version 0 exists */
    if (family != AF_INET_NUM && family != AF_INET6_LINUX)
        return SUM_DECODE_NOT_IP;
    uint16_t first = sum_rd_le16(r, NFLOG_HEADER);
    int little = first >= TLV_HEADER && first <= wirelen - NFLOG_HEADER;
    for (size_t off = NFLOG_HEADER; off < wirelen;) {
        if (!sum_rd_has(r, off, TLV_HEADER))
            return SUM_DECODE_TRUNCATED;
        size_t len = tlv16(r, off, little);
        uint16_t type = tlv16(r, off + 2, little) & 0x3fff; /* less the nested flags */
        if (len < TLV_HEADER || len > wirelen - off)
            return SUM_DECODE_INVALID;
        if (type == NFULA_PAYLOAD) {
            sum_rd s = sum_rd_sub(r, off + TLV_HEADER, len - TLV_HEADER);
            return sum_decode_ip(&s, len - TLV_HEADER, family == AF_INET_NUM ? 4 : 6, 0, out);
        }
        off += (len + 3) & ~(size_t)3;
    }
    return SUM_DECODE_NOT_IP; /* no packet logged, only its metadata */
}

/* An 802.11 frame (IEEE 802.11-2020 9.2.4, 9.3.2.1): frame control, then a
 * data frame's 24-byte header, 6 more for a fourth address (To DS and From
 * DS), 2 of QoS control for QoS subtypes and 4 of HT control when such a
 * frame has the order bit; DATAPAD (radiotap) aligns the body to 4 bytes.
 * The body is LLC/SNAP (RFC 1042, 802.1H: AA AA 03, OUI 000000 or 0000F8)
 * and an Ethertype. Management and control frames, null data, protected
 * (encrypted) frames and A-MSDU aggregates are not IP that can be read. */
static sum_decode_result
decode_80211(const sum_rd *r, size_t wirelen, int datapad, sum_packet *out)
{
    if (!sum_rd_has(r, 0, 2))
        return SUM_DECODE_TRUNCATED;
    uint8_t fc0 = sum_rd_u8(r, 0), fc1 = sum_rd_u8(r, 1);
    unsigned type = (fc0 >> 2) & 3, subtype = fc0 >> 4;
    if ((fc0 & 3) != 0)
        return SUM_DECODE_INVALID; /* protocol version 0 is the only one */
    if (type != 2 || (subtype & 0x4) || (fc1 & 0x40))
        return SUM_DECODE_NOT_IP;
    size_t hdr = WLAN_HEADER + ((fc1 & 0x03) == 0x03 ? 6 : 0);
    if (subtype & 0x8) { /* QoS data */
        if (!sum_rd_has(r, hdr, 1))
            return SUM_DECODE_TRUNCATED;
        if (sum_rd_u8(r, hdr) & 0x80)
            return SUM_DECODE_NOT_IP; /* A-MSDU */
        hdr += 2 + ((fc1 & 0x80) ? 4 : 0);
    }
    if (datapad)
        hdr = (hdr + 3) & ~(size_t)3;
    if (!sum_rd_has(r, hdr, SNAP_HEADER))
        return SUM_DECODE_TRUNCATED;
    uint8_t oui2 = sum_rd_u8(r, hdr + 5);
    if (sum_rd_u8(r, hdr) != 0xaa || sum_rd_u8(r, hdr + 1) != 0xaa ||
        sum_rd_u8(r, hdr + 2) != 0x03 || sum_rd_u8(r, hdr + 3) != 0 ||
        sum_rd_u8(r, hdr + 4) != 0 || (oui2 != 0 && oui2 != 0xf8))
        return SUM_DECODE_NOT_IP;
    size_t off = hdr + SNAP_HEADER;
    sum_rd s = sum_rd_sub(r, off, r->len);
    return decode_ethertype(sum_rd_be16(r, hdr + 6), &s, wire_after(wirelen, off), out);
}

/* Radiotap (https://www.radiotap.org): version 0, pad, the header's length
 * (little-endian, as every field), present words while bit 31 is set; the
 * 802.11 frame follows the header. Of the fields only Flags matters (bit 1,
 * after the 8-aligned 8-byte TSFT of bit 0): 0x10 a 4-byte FCS ends the
 * frame, 0x20 padding after the 802.11 header, 0x40 the FCS check failed. */
static sum_decode_result
decode_radiotap(const sum_rd *r, size_t wirelen, sum_packet *out)
{
    if (!sum_rd_has(r, 0, RADIOTAP_HEADER))
        return SUM_DECODE_TRUNCATED;
    size_t len = sum_rd_le16(r, 2);
    if (sum_rd_u8(r, 0) != 0 || len < RADIOTAP_HEADER)
        return SUM_DECODE_INVALID;
    if (!sum_rd_has(r, 0, len))
        return SUM_DECODE_TRUNCATED;
    uint32_t present = sum_rd_le32(r, 4);
    size_t off = RADIOTAP_HEADER;
    for (uint32_t p = present; p & 0x80000000u; off += 4) {
        if (off + 4 > len)
            return SUM_DECODE_INVALID;
        p = sum_rd_le32(r, off);
    }
    uint8_t flags = 0;
    if (present & 0x2) {
        if (present & 0x1)
            off = ((off + 7) & ~(size_t)7) + 8;
        if (off >= len)
            return SUM_DECODE_INVALID;
        flags = sum_rd_u8(r, off);
    }
    if (flags & 0x40)
        return SUM_DECODE_INVALID; /* the radio says the frame is damaged */
    size_t wire = wire_after(wirelen, len);
    if ((flags & 0x10) && wire >= 4)
        wire -= 4;
    sum_rd s = sum_rd_sub(r, len, wire);
    return decode_80211(&s, wire, (flags & 0x20) != 0, out);
}

sum_decode_result
sum_decode_frame(uint32_t linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                 sum_packet *out)
{
    memset(out, 0, sizeof *out);
    out->linktype = linktype;
    if (wirelen < caplen)
        wirelen = caplen; /* a record that lies: trust what is there */
    out->frame_len = wirelen > UINT32_MAX ? UINT32_MAX : (uint32_t)wirelen;
    if (data == NULL)
        caplen = 0;
    sum_rd r = {data, caplen};
    switch (linktype) {
    case SUM_LINKTYPE_ETHERNET:
        return decode_ethernet(&r, wirelen, out);
    case SUM_LINKTYPE_LINUX_SLL:
        return decode_sll(&r, wirelen, out);
    case SUM_LINKTYPE_LINUX_SLL2:
        return decode_sll2(&r, wirelen, out);
    case SUM_LINKTYPE_NULL:
        return decode_null(&r, wirelen, 0, out);
    case SUM_LINKTYPE_LOOP:
        return decode_null(&r, wirelen, 1, out);
    case SUM_LINKTYPE_RAW_DLT12:
    case SUM_LINKTYPE_RAW_DLT14:
    case SUM_LINKTYPE_RAW:
        return sum_decode_ip(&r, wirelen, 0, 0, out);
    case SUM_LINKTYPE_IPV4:
        return sum_decode_ip(&r, wirelen, 4, 0, out);
    case SUM_LINKTYPE_IPV6:
        return sum_decode_ip(&r, wirelen, 6, 0, out);
    case SUM_LINKTYPE_PPP:
        return decode_ppp(&r, wirelen, out);
    case SUM_LINKTYPE_PPP_HDLC:
        return decode_ppp_hdlc(&r, wirelen, out);
    case SUM_LINKTYPE_C_HDLC:
        return decode_chdlc(&r, wirelen, out);
    case SUM_LINKTYPE_NFLOG:
        return decode_nflog(&r, wirelen, out);
    case SUM_LINKTYPE_IEEE802_11:
        return decode_80211(&r, wirelen, 0, out);
    case SUM_LINKTYPE_IEEE802_11_RADIOTAP:
        return decode_radiotap(&r, wirelen, out);
    default:
        return SUM_DECODE_UNSUPPORTED_LINK;
    }
}

const char *
sum_decode_result_name(sum_decode_result result)
{
    static const char *const names[SUM_DECODE_RESULT_COUNT] = {
        "ok", "truncated", "invalid", "unsupported link", "not IP", "fragment",
    };
    if ((unsigned)result >= SUM_DECODE_RESULT_COUNT)
        return "?";
    return names[result];
}

const char *
sum_decode_linktype_name(uint32_t linktype)
{
    switch (linktype) {
    case SUM_LINKTYPE_NULL:
        return "NULL (BSD loopback)";
    case SUM_LINKTYPE_ETHERNET:
        return "Ethernet";
    case SUM_LINKTYPE_RAW_DLT12:
    case SUM_LINKTYPE_RAW_DLT14:
    case SUM_LINKTYPE_RAW:
        return "raw IP";
    case SUM_LINKTYPE_LOOP:
        return "LOOP (OpenBSD loopback)";
    case SUM_LINKTYPE_LINUX_SLL:
        return "Linux cooked v1";
    case SUM_LINKTYPE_IPV4:
        return "raw IPv4";
    case SUM_LINKTYPE_IPV6:
        return "raw IPv6";
    case SUM_LINKTYPE_LINUX_SLL2:
        return "Linux cooked v2";
    case SUM_LINKTYPE_PPP:
        return "PPP";
    case SUM_LINKTYPE_PPP_HDLC:
        return "PPP in HDLC framing";
    case SUM_LINKTYPE_C_HDLC:
        return "Cisco HDLC";
    case SUM_LINKTYPE_NFLOG:
        return "NFLOG (Linux netfilter log)";
    case SUM_LINKTYPE_IEEE802_11:
        return "IEEE 802.11";
    case SUM_LINKTYPE_IEEE802_11_RADIOTAP:
        return "IEEE 802.11 with radiotap";
    default:
        return "unsupported";
    }
}
