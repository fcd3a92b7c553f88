/* decode-l4.c: TCP (RFC 9293, 3.1), UDP (RFC 768), and the destination
 * unreachables of ICMP (RFC 792, type 3) and ICMPv6 (RFC 4443, type 1) with
 * the packet they quote, so an unreachable can be tied to the attempt it
 * answers.
 */
#include "decode.h"

#include <string.h>

#define TCP_MIN_HEADER 20  /* bytes */
#define UDP_HEADER 8       /* bytes */
#define ICMP_HEADER 8      /* bytes: type, code, checksum, 4 more; the quote follows */
#define QUOTED_PORTS 4     /* bytes of a quoted TCP/UDP header that hold the ports */

#define PROTO_ICMP 1
#define PROTO_TCP 6
#define PROTO_UDP 17
#define PROTO_ICMPV6 58
#define ICMP_UNREACH 3
#define ICMPV6_UNREACH 1

/* A header of NEED bytes is not all there: cut by the snap length if the
 * segment on the wire had it, else the segment lies about itself. */
static sum_decode_result
missing(size_t need, size_t wire_left)
{
    return need <= wire_left ? SUM_DECODE_TRUNCATED : SUM_DECODE_INVALID;
}

/* The payload after HDR bytes of header: what was captured of it, and its
 * length on the wire. R is already bounded to the segment. */
static void
set_payload(const sum_rd *r, size_t hdr, size_t wire_len, sum_packet *out)
{
    out->payload_len = wire_len > hdr ? (uint32_t)(wire_len - hdr) : 0;
    if (r->len <= hdr)
        return; /* headers whole, payload cut by the snap length (or none) */
    out->payload = r->p + hdr;
    out->payload_caplen = (uint32_t)(r->len - hdr);
}

/* A quoted transport header: the ICMP error carries at least its first 8
 * bytes (RFC 792); the ports are all we need. */
static sum_decode_result
decode_quoted_ports(const sum_rd *r, sum_packet *out)
{
    if (!sum_rd_has(r, 0, QUOTED_PORTS))
        return SUM_DECODE_TRUNCATED;
    out->sport = sum_rd_be16(r, 0);
    out->dport = sum_rd_be16(r, 2);
    return SUM_DECODE_OK;
}

static sum_decode_result
decode_tcp(const sum_rd *r, size_t wire_left, sum_packet *out)
{
    if (!sum_rd_has(r, 0, TCP_MIN_HEADER))
        return missing(TCP_MIN_HEADER, wire_left);
    out->sport = sum_rd_be16(r, 0);
    out->dport = sum_rd_be16(r, 2);
    out->seq = sum_rd_be32(r, 4);
    out->ack = sum_rd_be32(r, 8);
    out->tcp_flags = sum_rd_u8(r, 13);
    size_t doff = (size_t)(sum_rd_u8(r, 12) >> 4) * 4;
    if (doff < TCP_MIN_HEADER)
        return SUM_DECODE_INVALID; /* data offset < 5 */
    if (doff > wire_left)
        return SUM_DECODE_INVALID; /* data offset past the segment */
    /* Options cut by the snap length: every field above is whole, so OK. */
    set_payload(r, doff, wire_left, out);
    return SUM_DECODE_OK;
}

static sum_decode_result
decode_udp(const sum_rd *r, size_t wire_left, sum_packet *out)
{
    if (!sum_rd_has(r, 0, UDP_HEADER))
        return missing(UDP_HEADER, wire_left);
    out->sport = sum_rd_be16(r, 0);
    out->dport = sum_rd_be16(r, 2);
    size_t ulen = sum_rd_be16(r, 4);
    if (ulen < UDP_HEADER)
        return SUM_DECODE_INVALID; /* shorter than its own header */
    if (ulen > wire_left) {
        if (!out->first_fragment)
            return SUM_DECODE_INVALID; /* claims more than the datagram */
        ulen = wire_left; /* the rest is in later fragments */
    }
    sum_rd s = sum_rd_sub(r, 0, ulen);
    set_payload(&s, UDP_HEADER, ulen, out);
    return SUM_DECODE_OK;
}

/* The packet an unreachable quotes: its IP header and transport ports. */
static void
decode_quote(const sum_rd *r, sum_packet *out)
{
    sum_packet q;
    memset(&q, 0, sizeof q);
    if (sum_decode_ip(r, 0, 0, 1, &q) != SUM_DECODE_OK)
        return;
    if (q.proto != PROTO_TCP && q.proto != PROTO_UDP)
        return;
    out->icmp_quoted = 1;
    out->q_src = q.src;
    out->q_dst = q.dst;
    out->q_proto = q.proto;
    out->q_sport = q.sport;
    out->q_dport = q.dport;
}

static sum_decode_result
decode_icmp(uint8_t proto, const sum_rd *r, size_t wire_left, sum_packet *out)
{
    if (!sum_rd_has(r, 0, ICMP_HEADER))
        return missing(ICMP_HEADER, wire_left);
    out->icmp_type = sum_rd_u8(r, 0);
    out->icmp_code = sum_rd_u8(r, 1);
    if ((proto == PROTO_ICMP && out->icmp_type == ICMP_UNREACH) ||
        (proto == PROTO_ICMPV6 && out->icmp_type == ICMPV6_UNREACH)) {
        sum_rd q = sum_rd_sub(r, ICMP_HEADER, r->len);
        decode_quote(&q, out);
    }
    return SUM_DECODE_OK;
}

sum_decode_result
sum_decode_l4(uint8_t proto, const sum_rd *r, size_t wire_left, int quoted, sum_packet *out)
{
    switch (proto) {
    case PROTO_TCP:
        return quoted ? decode_quoted_ports(r, out) : decode_tcp(r, wire_left, out);
    case PROTO_UDP:
        return quoted ? decode_quoted_ports(r, out) : decode_udp(r, wire_left, out);
    case PROTO_ICMP:
    case PROTO_ICMPV6:
        /* An error about an error is not followed (RFC 1122, 3.2.2). */
        return quoted ? SUM_DECODE_OK : decode_icmp(proto, r, wire_left, out);
    default:
        return SUM_DECODE_OK; /* GRE, ESP, ...: IP decoded, no ports */
    }
}
