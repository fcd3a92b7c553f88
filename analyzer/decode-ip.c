/* decode-ip.c: IPv4 (RFC 791, options skipped by IHL) and IPv6 (RFC 8200,
 * extension headers: hop-by-hop, routing, fragment, destination options, and
 * AH of RFC 4302), then the transport layer.
 *
 * A header's declared length is checked against the frame on the wire
 * (INVALID when it claims more) and against what was captured (TRUNCATED when
 * the snap length cut it). Trailing link padding is not payload: the
 * datagram ends where its own length says.
 */
#include "decode.h"
#include "sum-limits.h"

#define IPV4_MIN_HEADER 20 /* bytes */
#define IPV6_HEADER 40     /* bytes */

#define IPPROTO_HOPOPTS_ 0
#define IPPROTO_ROUTING_ 43
#define IPPROTO_FRAGMENT_ 44
#define IPPROTO_AH_ 51
#define IPPROTO_DSTOPTS_ 60

/* NEED bytes were not captured: the snap length cut them if the frame on the
 * wire had them, else the frame is shorter than its headers claim. A quoted
 * packet is cut by design. */
static sum_decode_result
missing(size_t need, size_t wire_left, int quoted)
{
    return quoted || need <= wire_left ? SUM_DECODE_TRUNCATED : SUM_DECODE_INVALID;
}

static sum_decode_result
decode_ipv4(const sum_rd *r, size_t wire_left, int quoted, sum_packet *out)
{
    if (!sum_rd_has(r, 0, IPV4_MIN_HEADER))
        return missing(IPV4_MIN_HEADER, wire_left, quoted);
    size_t ihl = (size_t)(sum_rd_u8(r, 0) & 0x0f) * 4;
    size_t total = sum_rd_be16(r, 2);
    if (ihl < IPV4_MIN_HEADER)
        return SUM_DECODE_INVALID; /* IHL < 5 */
    /* Total length 0 is what a host captures of its own TSO/GSO sends
     * (Wireshark: "likely TSO"): the frame is the datagram. */
    if (total == 0 && !quoted)
        total = wire_left;
    if (total < ihl)
        return SUM_DECODE_INVALID; /* a datagram shorter than its own header */
    if (!quoted && total > wire_left)
        return SUM_DECODE_INVALID; /* claims more than the frame carried */
    out->ip_version = 4;
    out->src.family = out->dst.family = 4;
    sum_rd_copy(r, 12, out->src.bytes, 4);
    sum_rd_copy(r, 16, out->dst.bytes, 4);
    out->proto = sum_rd_u8(r, 9);
    if (!sum_rd_has(r, 0, ihl))
        return SUM_DECODE_TRUNCATED; /* options cut by the snap length */
    uint16_t frag = sum_rd_be16(r, 6);
    if ((frag & 0x1fff) != 0) {
        out->fragment = 1; /* a non-first fragment has no transport header */
        return SUM_DECODE_FRAGMENT;
    }
    out->first_fragment = (frag & 0x2000) != 0; /* MF set at offset 0 */
    sum_rd s = sum_rd_sub(r, ihl, quoted ? r->len : total - ihl);
    return sum_decode_l4(out->proto, &s, total - ihl, quoted, out);
}

/* Follows the extension header chain from NEXT at OFF; END is where the
 * datagram ends by its payload length. On success *NEXT is the upper-layer
 * protocol and *OFF where its header starts. */
static sum_decode_result
ipv6_extensions(const sum_rd *r, size_t end, int quoted, uint8_t *next, size_t *off,
                sum_packet *out)
{
    for (int i = 0; i < SUM_DECODE_MAX_IPV6_EXT; i++) {
        size_t need = *next == IPPROTO_FRAGMENT_ ? 8 : 2;
        size_t len;
        switch (*next) {
        case IPPROTO_HOPOPTS_:
        case IPPROTO_ROUTING_:
        case IPPROTO_DSTOPTS_:
        case IPPROTO_AH_:
        case IPPROTO_FRAGMENT_:
            break;
        default:
            return SUM_DECODE_OK;
        }
        if (*off + need > end)
            return SUM_DECODE_INVALID; /* the chain runs past the datagram */
        if (!sum_rd_has(r, *off, need))
            return SUM_DECODE_TRUNCATED;
        if (*next == IPPROTO_FRAGMENT_) {
            uint16_t fo = sum_rd_be16(r, *off + 2);
            *next = sum_rd_u8(r, *off);
            if ((fo & 0xfff8) != 0) {
                out->proto = *next;
                out->fragment = 1;
                return SUM_DECODE_FRAGMENT;
            }
            out->first_fragment = (fo & 1) != 0;
            len = 8;
        } else if (*next == IPPROTO_AH_) {
            len = ((size_t)sum_rd_u8(r, *off + 1) + 2) * 4; /* 4-byte units, minus 2 */
            *next = sum_rd_u8(r, *off);
        } else {
            len = ((size_t)sum_rd_u8(r, *off + 1) + 1) * 8; /* 8-byte units, minus 1 */
            *next = sum_rd_u8(r, *off);
        }
        *off += len;
        if (*off > end)
            return SUM_DECODE_INVALID; /* a header longer than the datagram */
    }
    return SUM_DECODE_INVALID; /* more extension headers than any real packet has */
}

static sum_decode_result
decode_ipv6(const sum_rd *r, size_t wire_left, int quoted, sum_packet *out)
{
    if (!sum_rd_has(r, 0, IPV6_HEADER))
        return missing(IPV6_HEADER, wire_left, quoted);
    size_t plen = sum_rd_be16(r, 4);
    /* 0: a jumbogram (RFC 2675) or a TSO send captured on its host. */
    if (plen == 0 && !quoted)
        plen = wire_left - IPV6_HEADER;
    if (!quoted && IPV6_HEADER + plen > wire_left)
        return SUM_DECODE_INVALID; /* claims more than the frame carried */
    out->ip_version = 6;
    out->src.family = out->dst.family = 6;
    sum_rd_copy(r, 8, out->src.bytes, 16);
    sum_rd_copy(r, 24, out->dst.bytes, 16);
    uint8_t next = sum_rd_u8(r, 6);
    size_t off = IPV6_HEADER;
    size_t end = IPV6_HEADER + plen;
    sum_decode_result res = ipv6_extensions(r, end, quoted, &next, &off, out);
    if (res != SUM_DECODE_OK)
        return res;
    out->proto = next;
    sum_rd s = sum_rd_sub(r, off, quoted ? r->len : end - off);
    return sum_decode_l4(next, &s, end - off, quoted, out);
}

sum_decode_result
sum_decode_ip(const sum_rd *r, size_t wire_left, uint8_t version, int quoted, sum_packet *out)
{
    if (!sum_rd_has(r, 0, 1))
        return missing(1, wire_left, quoted);
    uint8_t v = sum_rd_u8(r, 0) >> 4;
    if (version != 0 && v != version)
        return SUM_DECODE_INVALID; /* the link layer announced the other version */
    switch (v) {
    case 4:
        return decode_ipv4(r, wire_left, quoted, out);
    case 6:
        return decode_ipv6(r, wire_left, quoted, out);
    default:
        return SUM_DECODE_INVALID;
    }
}
