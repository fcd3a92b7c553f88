/* pkt-decode.c: link, IP and transport decoding into pkt_info.
 *
 * Link types: Ethernet (1) with 802.1Q/QinQ tags, Linux cooked v1 (113) and
 * v2 (276), BSD loopback NULL (0) and LOOP (108), raw IP (12, 14, 101) and
 * raw IPv4/IPv6 (228/229). IPv4 (RFC 791) with options, IPv6 (RFC 8200) with
 * extension headers, TCP (RFC 9293), UDP, ICMP/ICMPv6 unreachables.
 * Every read goes through the bounded reader below; nothing trusts a length
 * field without checking it against what was captured.
 */
#include "pkt.h"

#include <string.h>

/* Bounded reader: a window [p, p + len) of the captured bytes. */
typedef struct {
    const uint8_t *p;
    size_t len;
} rd;

static int
rd_has(const rd *r, size_t off, size_t n)
{
    return off <= r->len && n <= r->len - off;
}

static uint8_t
rd_u8(const rd *r, size_t off)
{
    return r->p[off];
}

static uint16_t
rd_be16(const rd *r, size_t off)
{
    return (uint16_t)(r->p[off] << 8 | r->p[off + 1]);
}

static uint32_t
rd_be32(const rd *r, size_t off)
{
    return (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
           (uint32_t)r->p[off + 2] << 8 | r->p[off + 3];
}

static uint32_t
rd_le32(const rd *r, size_t off)
{
    return (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
           (uint32_t)r->p[off + 1] << 8 | r->p[off];
}

static rd
rd_sub(const rd *r, size_t off)
{
    rd s = {r->p + off, r->len - off};
    return s;
}

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86DD
#define ETHERTYPE_VLAN 0x8100
#define ETHERTYPE_QINQ 0x88A8
#define ETHERTYPE_QINQ_OLD 0x9100
#define MAX_VLAN_TAGS 8     /* more tags than this: invalid */
#define MAX_IPV6_EXT 16     /* extension headers followed before giving up */

static pkt_result decode_ip(const rd *r, size_t wire_left, pkt_info *out);

static pkt_result
decode_ethertype(uint16_t type, const rd *r, size_t wire_left, pkt_info *out)
{
    if (type == ETHERTYPE_IPV4 || type == ETHERTYPE_IPV6)
        return decode_ip(r, wire_left, out);
    return PKT_NOT_IP;
}

static pkt_result
decode_ethernet(const rd *r, size_t wirelen, pkt_info *out)
{
    if (!rd_has(r, 0, 14))
        return PKT_TRUNCATED;
    size_t off = 12;
    uint16_t type = rd_be16(r, off);
    int tags = 0;
    while (type == ETHERTYPE_VLAN || type == ETHERTYPE_QINQ || type == ETHERTYPE_QINQ_OLD) {
        if (++tags > MAX_VLAN_TAGS)
            return PKT_INVALID;
        if (!rd_has(r, off, 6))
            return PKT_TRUNCATED;
        if (out->n_vlan < 2)
            out->vlan[out->n_vlan++] = rd_be16(r, off + 2) & 0x0fff;
        off += 4;
        type = rd_be16(r, off);
    }
    off += 2;
    rd s = rd_sub(r, off);
    return decode_ethertype(type, &s, wirelen > off ? wirelen - off : 0, out);
}

/* Linux cooked v1: 16-byte header, protocol at 14. */
static pkt_result
decode_sll(const rd *r, size_t wirelen, pkt_info *out)
{
    if (!rd_has(r, 0, 16))
        return PKT_TRUNCATED;
    rd s = rd_sub(r, 16);
    return decode_ethertype(rd_be16(r, 14), &s, wirelen > 16 ? wirelen - 16 : 0, out);
}

/* Linux cooked v2: 20-byte header, protocol at 0. */
static pkt_result
decode_sll2(const rd *r, size_t wirelen, pkt_info *out)
{
    if (!rd_has(r, 0, 20))
        return PKT_TRUNCATED;
    rd s = rd_sub(r, 20);
    return decode_ethertype(rd_be16(r, 0), &s, wirelen > 20 ? wirelen - 20 : 0, out);
}

/* BSD loopback: a 4-byte address family, host order (NULL) or network order
 * (LOOP). AF_INET is 2 everywhere; AF_INET6 is 24, 28 or 30 by OS (10 on
 * Linux). */
static pkt_result
decode_null(const rd *r, size_t wirelen, int network_order, pkt_info *out)
{
    if (!rd_has(r, 0, 4))
        return PKT_TRUNCATED;
    uint32_t af = network_order ? rd_be32(r, 0) : rd_le32(r, 0);
    if (!network_order && af > 0xffff)
        af = rd_be32(r, 0); /* written on a big-endian host */
    rd s = rd_sub(r, 4);
    size_t left = wirelen > 4 ? wirelen - 4 : 0;
    switch (af) {
    case 2:
    case 10:
    case 24:
    case 28:
    case 30:
        return decode_ip(&s, left, out);
    default:
        return PKT_NOT_IP;
    }
}

static pkt_result decode_l4(uint8_t proto, const rd *r, size_t wire_left, pkt_info *out,
                            int depth);

static pkt_result
decode_ipv4(const rd *r, size_t wire_left, pkt_info *out, int depth)
{
    if (!rd_has(r, 0, 20))
        return PKT_TRUNCATED;
    uint8_t vihl = rd_u8(r, 0);
    size_t ihl = (size_t)(vihl & 0x0f) * 4;
    uint16_t total = rd_be16(r, 2);
    if ((vihl >> 4) != 4 || ihl < 20 || total < ihl)
        return PKT_INVALID;
    if (wire_left != 0 && total > wire_left)
        return PKT_INVALID; /* claims more than the frame carried */
    if (!rd_has(r, 0, ihl))
        return PKT_TRUNCATED;
    out->ip_version = 4;
    out->src.family = out->dst.family = 4;
    memcpy(out->src.bytes, r->p + 12, 4);
    memcpy(out->dst.bytes, r->p + 16, 4);
    out->proto = rd_u8(r, 9);
    uint16_t frag = rd_be16(r, 6);
    if ((frag & 0x1fff) != 0)
        return PKT_FRAGMENT;
    out->first_fragment = (frag & 0x2000) != 0;
    /* The datagram ends at its total length: trailing Ethernet padding is not
     * payload. */
    rd s = {r->p + ihl, (r->len < total ? r->len : total) - ihl};
    return decode_l4(out->proto, &s, total - ihl, out, depth);
}

static pkt_result
decode_ipv6(const rd *r, size_t wire_left, pkt_info *out, int depth)
{
    if (!rd_has(r, 0, 40))
        return PKT_TRUNCATED;
    if ((rd_u8(r, 0) >> 4) != 6)
        return PKT_INVALID;
    size_t plen = rd_be16(r, 4);
    if (plen == 0)
        plen = wire_left > 40 ? wire_left - 40 : 0; /* jumbogram or TSO: use the frame */
    if (wire_left != 0 && 40 + plen > wire_left)
        return PKT_INVALID;
    out->ip_version = 6;
    out->src.family = out->dst.family = 6;
    memcpy(out->src.bytes, r->p + 8, 16);
    memcpy(out->dst.bytes, r->p + 24, 16);
    uint8_t next = rd_u8(r, 6);
    size_t off = 40;
    size_t end = 40 + plen;
    for (int i = 0; i < MAX_IPV6_EXT; i++) {
        switch (next) {
        case 0:   /* hop-by-hop */
        case 43:  /* routing */
        case 60:  /* destination options */
            if (!rd_has(r, off, 2))
                return off + 2 <= end ? PKT_TRUNCATED : PKT_INVALID;
            next = rd_u8(r, off);
            off += ((size_t)rd_u8(r, off + 1) + 1) * 8;
            break;
        case 51:  /* AH: length in 4-byte units, minus 2 */
            if (!rd_has(r, off, 2))
                return off + 2 <= end ? PKT_TRUNCATED : PKT_INVALID;
            next = rd_u8(r, off);
            off += ((size_t)rd_u8(r, off + 1) + 2) * 4;
            break;
        case 44:  /* fragment */
            if (!rd_has(r, off, 8))
                return off + 8 <= end ? PKT_TRUNCATED : PKT_INVALID;
            if ((rd_be16(r, off + 2) & 0xfff8) != 0)
                return PKT_FRAGMENT;
            out->first_fragment = (rd_u8(r, off + 3) & 1) != 0;
            next = rd_u8(r, off);
            off += 8;
            break;
        default:
            goto done;
        }
        if (off > end)
            return PKT_INVALID;
    }
    return PKT_INVALID; /* more extension headers than any real packet has */
done:
    out->proto = next;
    if (off > r->len)
        return PKT_TRUNCATED;
    rd s = {r->p + off, (r->len < end ? r->len : end) - off};
    return decode_l4(next, &s, end - off, out, depth);
}

static pkt_result
decode_ip_depth(const rd *r, size_t wire_left, pkt_info *out, int depth)
{
    if (!rd_has(r, 0, 1))
        return PKT_TRUNCATED;
    switch (rd_u8(r, 0) >> 4) {
    case 4:
        return decode_ipv4(r, wire_left, out, depth);
    case 6:
        return decode_ipv6(r, wire_left, out, depth);
    default:
        return PKT_INVALID;
    }
}

static pkt_result
decode_ip(const rd *r, size_t wire_left, pkt_info *out)
{
    return decode_ip_depth(r, wire_left, out, 0);
}

/* The packet an ICMP error quotes: its header and the first 8 bytes of its
 * transport header (RFC 792, RFC 4443), enough for the ports. */
static void
decode_quoted(const rd *r, pkt_info *out)
{
    pkt_info q;
    memset(&q, 0, sizeof q);
    /* depth 1: the quoted packet's own ICMP is not followed again, and its
     * lengths are not checked against the (cut) quote. */
    pkt_result res = decode_ip_depth(r, 0, &q, 1);
    if ((res == PKT_OK || res == PKT_TRUNCATED) && q.ip_version != 0 &&
        (q.proto == 6 || q.proto == 17) && (q.sport != 0 || q.dport != 0)) {
        out->icmp_quoted = 1;
        out->q_src = q.src;
        out->q_dst = q.dst;
        out->q_proto = q.proto;
        out->q_sport = q.sport;
        out->q_dport = q.dport;
    }
}

static pkt_result
decode_l4(uint8_t proto, const rd *r, size_t wire_left, pkt_info *out, int depth)
{
    size_t hdr;
    switch (proto) {
    case 6:
        /* A quoted TCP header may be cut at 8 bytes: ports are enough. */
        if (!rd_has(r, 0, depth > 0 ? 4 : 20))
            return PKT_TRUNCATED;
        out->sport = rd_be16(r, 0);
        out->dport = rd_be16(r, 2);
        if (depth > 0)
            return PKT_OK;
        out->seq = rd_be32(r, 4);
        out->ack = rd_be32(r, 8);
        hdr = (size_t)(rd_u8(r, 12) >> 4) * 4;
        out->tcp_flags = rd_u8(r, 13);
        if (hdr < 20 || hdr > wire_left)
            return PKT_INVALID;
        break;
    case 17:
        if (!rd_has(r, 0, depth > 0 ? 4 : 8))
            return PKT_TRUNCATED;
        out->sport = rd_be16(r, 0);
        out->dport = rd_be16(r, 2);
        if (depth > 0)
            return PKT_OK;
        hdr = 8;
        if (rd_be16(r, 4) < 8 || rd_be16(r, 4) > wire_left)
            return PKT_INVALID;
        wire_left = rd_be16(r, 4);
        break;
    case 1:
    case 58:
        if (depth > 0)
            return PKT_OTHER_L4;
        if (!rd_has(r, 0, 8))
            return PKT_TRUNCATED;
        out->icmp_type = rd_u8(r, 0);
        out->icmp_code = rd_u8(r, 1);
        /* Destination unreachable: 3 (ICMP) or 1 (ICMPv6). */
        if ((proto == 1 && out->icmp_type == 3) || (proto == 58 && out->icmp_type == 1)) {
            rd q = rd_sub(r, 8);
            decode_quoted(&q, out);
        }
        return PKT_OK;
    default:
        return PKT_OTHER_L4;
    }
    size_t cap = r->len < wire_left ? r->len : wire_left;
    if (cap < hdr) {
        out->payload = NULL;
        out->payload_caplen = 0;
        out->payload_len = (uint32_t)(wire_left - hdr);
        return PKT_OK; /* headers whole, payload cut by the snap length */
    }
    out->payload = r->p + hdr;
    out->payload_caplen = (uint32_t)(cap - hdr);
    out->payload_len = (uint32_t)(wire_left - hdr);
    return PKT_OK;
}

pkt_result
pkt_decode(uint32_t linktype, const uint8_t *data, size_t caplen, size_t wirelen,
           pkt_info *out)
{
    memset(out, 0, sizeof *out);
    if (data == NULL)
        return PKT_TRUNCATED;
    if (wirelen < caplen)
        wirelen = caplen;
    rd r = {data, caplen};
    pkt_result res;
    switch (linktype) {
    case 1:
        res = decode_ethernet(&r, wirelen, out);
        break;
    case 113:
        res = decode_sll(&r, wirelen, out);
        break;
    case 276:
        res = decode_sll2(&r, wirelen, out);
        break;
    case 0:
        res = decode_null(&r, wirelen, 0, out);
        break;
    case 108:
        res = decode_null(&r, wirelen, 1, out);
        break;
    case 12:
    case 14:
    case 101:
        res = decode_ip(&r, wirelen, out);
        break;
    case 228:
        res = rd_has(&r, 0, 1) && (data[0] >> 4) == 4 ? decode_ip(&r, wirelen, out)
                                                       : PKT_INVALID;
        break;
    case 229:
        res = rd_has(&r, 0, 1) && (data[0] >> 4) == 6 ? decode_ip(&r, wirelen, out)
                                                       : PKT_INVALID;
        break;
    default:
        return PKT_UNSUPPORTED_LINK;
    }
    return res;
}

const char *
pkt_linktype_name(uint32_t linktype)
{
    switch (linktype) {
    case 0:
        return "NULL (BSD loopback)";
    case 1:
        return "Ethernet";
    case 12:
    case 14:
    case 101:
        return "raw IP";
    case 108:
        return "LOOP (OpenBSD loopback)";
    case 113:
        return "Linux cooked v1";
    case 228:
        return "raw IPv4";
    case 229:
        return "raw IPv6";
    case 276:
        return "Linux cooked v2";
    default:
        return "unsupported";
    }
}
