/* decode-link.c: the link layer, then IP.
 *
 * Ethernet II (with 802.1Q 0x8100 and QinQ 0x88a8/0x9100 tags), Linux cooked
 * capture v1 and v2, BSD loopback NULL and LOOP, raw IP. A switch on the link
 * type, never an assumption of Ethernet (pcap_datalink(3PCAP)). Headers:
 * https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html, ..._SLL2.html,
 * ..._NULL.html.
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
    default:
        return "unsupported";
    }
}
