/* decode.h: frame decoding into a flat, protocol-neutral packet.
 *
 * Frames come as bytes plus a LINKTYPE_ number (https://www.tcpdump.org/
 * linktypes.html); nothing here knows libpcap or GLib, so the decoders are
 * tested with byte arrays and fuzzed directly. One file per layer:
 * decode-link.c (Ethernet, VLAN, Linux cooked, BSD loopback, raw IP, PPP,
 * Cisco HDLC, NFLOG, 802.11 with or without radiotap),
 * decode-ip.c (IPv4, IPv6 and its extension headers), decode-l4.c (TCP, UDP,
 * ICMP/ICMPv6 with the quoted packet). What the first payload bytes are is
 * core's word (sum_payload_classify), shared with the Wireshark plugin.
 *
 * Every read goes through the bounded reader below; no struct is ever cast
 * onto packet bytes and no length field is trusted. "Truncated" (the snap
 * length cut the frame) and "invalid" (a header that lies) are different
 * outcomes, as in tcpdump.
 */
#ifndef SUM_DECODE_H
#define SUM_DECODE_H

#include <stddef.h>
#include <stdint.h>

/* Link types we decode (LINKTYPE_ values as stored in pcap/pcapng files). */
#define SUM_LINKTYPE_NULL 0       /* BSD loopback, AF in host byte order */
#define SUM_LINKTYPE_ETHERNET 1
#define SUM_LINKTYPE_PPP 9        /* PPP, with or without HDLC-like framing */
#define SUM_LINKTYPE_RAW_DLT12 12 /* DLT_RAW on most systems: raw IP */
#define SUM_LINKTYPE_RAW_DLT14 14 /* DLT_RAW on OpenBSD: raw IP */
#define SUM_LINKTYPE_PPP_HDLC 50  /* DLT_PPP_SERIAL: PPP in HDLC-like framing, or Cisco HDLC */
#define SUM_LINKTYPE_RAW 101      /* LINKTYPE_RAW: raw IPv4 or IPv6 */
#define SUM_LINKTYPE_C_HDLC 104   /* Cisco HDLC */
#define SUM_LINKTYPE_IEEE802_11 105 /* 802.11 frames, no radio header */
#define SUM_LINKTYPE_LOOP 108     /* OpenBSD loopback, AF in network byte order */
#define SUM_LINKTYPE_LINUX_SLL 113
#define SUM_LINKTYPE_IEEE802_11_RADIOTAP 127 /* 802.11 behind a radiotap header */
#define SUM_LINKTYPE_IPV4 228
#define SUM_LINKTYPE_IPV6 229
#define SUM_LINKTYPE_NFLOG 239    /* Linux netfilter NFLOG: TLVs, the packet in type 9 */
#define SUM_LINKTYPE_LINUX_SLL2 276

typedef enum {
    SUM_DECODE_OK = 0,           /* decoded up to L4 (or an IP protocol we do not parse) */
    SUM_DECODE_TRUNCATED,        /* cut by the snap length before the fields we need */
    SUM_DECODE_INVALID,          /* a header lies: IHL < 5, total length < header ... */
    SUM_DECODE_UNSUPPORTED_LINK, /* a link type we do not decode */
    SUM_DECODE_NOT_IP,           /* ARP, LLC, STP ...: fine, just counted */
    SUM_DECODE_FRAGMENT,         /* a non-first IP fragment: addresses, no L4 */
    SUM_DECODE_RESULT_COUNT
} sum_decode_result;

typedef struct {
    uint8_t family;    /* 4 or 6; 0 = unset */
    uint8_t bytes[16]; /* network byte order; IPv4 in the first 4 bytes */
} sum_packet_addr;

/* One decoded frame. Fields past the layer where decoding stopped are 0. */
typedef struct {
    uint32_t linktype;        /* LINKTYPE_ number the frame was decoded as */
    uint32_t frame_len;       /* bytes of the frame on the wire (pcap "len") */
    uint16_t vlan[2];         /* 802.1Q VLAN ids (12 bits), outer first; 0 = none */
    uint8_t n_vlan;           /* VLAN tags seen (count; only 2 ids are kept) */
    uint8_t ip_version;       /* 4 or 6; 0 = no IP header decoded */
    sum_packet_addr src, dst; /* IP source and destination */
    uint8_t proto;            /* IP protocol number (after IPv6 extension headers) */
    uint8_t first_fragment;   /* 1: first fragment of a fragmented datagram */
    uint8_t fragment;         /* 1: a non-first fragment (result FRAGMENT), no L4 */
    uint16_t sport, dport;    /* TCP/UDP ports, host byte order; 0 otherwise */
    uint8_t tcp_flags;        /* TCP flag bits: FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
    uint32_t seq, ack;        /* TCP sequence and acknowledgement numbers */
    const uint8_t *payload;   /* L4 payload as captured, inside the frame; NULL if none */
    uint32_t payload_caplen;  /* bytes of payload captured (readable at payload) */
    uint32_t payload_len;     /* bytes of payload on the wire (per the headers) */
    /* ICMP / ICMPv6. */
    uint8_t icmp_type;        /* ICMP(v6) type number */
    uint8_t icmp_code;        /* ICMP(v6) code number */
    uint8_t icmp_quoted;      /* 1: an unreachable whose quoted TCP/UDP packet is below */
    sum_packet_addr q_src, q_dst; /* the quoted packet's addresses (as it was sent) */
    uint8_t q_proto;          /* the quoted packet's IP protocol (6 or 17) */
    uint16_t q_sport, q_dport; /* the quoted packet's ports, host byte order */
} sum_packet;

/* Decodes one frame of LINKTYPE. CAPLEN bytes are readable at DATA; WIRELEN
 * is the frame's length on the wire (>= CAPLEN; a smaller value is taken as
 * CAPLEN). OUT is always fully written. */
sum_decode_result sum_decode_frame(uint32_t linktype, const uint8_t *data, size_t caplen,
                                   size_t wirelen, sum_packet *out);
const char *sum_decode_result_name(sum_decode_result result);
const char *sum_decode_linktype_name(uint32_t linktype);

/* ---- Internal to the decode-*.c files: the bounded reader and the hand-offs
 * between layers. Not for other modules. ---- */

/* A window [p, p + len) of captured bytes. Readers return 0 past the end, so
 * a missed check cannot read outside the frame; callers still check first
 * with sum_rd_has() to tell truncated from whole. */
typedef struct {
    const uint8_t *p;
    size_t len;
} sum_rd;

static inline int
sum_rd_has(const sum_rd *r, size_t off, size_t n)
{
    return off <= r->len && n <= r->len - off;
}

static inline uint8_t
sum_rd_u8(const sum_rd *r, size_t off)
{
    return sum_rd_has(r, off, 1) ? r->p[off] : 0;
}

static inline uint16_t
sum_rd_be16(const sum_rd *r, size_t off)
{
    if (!sum_rd_has(r, off, 2))
        return 0;
    return (uint16_t)((unsigned)r->p[off] << 8 | r->p[off + 1]);
}

static inline uint32_t
sum_rd_be32(const sum_rd *r, size_t off)
{
    if (!sum_rd_has(r, off, 4))
        return 0;
    return (uint32_t)r->p[off] << 24 | (uint32_t)r->p[off + 1] << 16 |
           (uint32_t)r->p[off + 2] << 8 | r->p[off + 3];
}

static inline uint16_t
sum_rd_le16(const sum_rd *r, size_t off)
{
    if (!sum_rd_has(r, off, 2))
        return 0;
    return (uint16_t)((unsigned)r->p[off + 1] << 8 | r->p[off]);
}

static inline uint32_t
sum_rd_le32(const sum_rd *r, size_t off)
{
    if (!sum_rd_has(r, off, 4))
        return 0;
    return (uint32_t)r->p[off + 3] << 24 | (uint32_t)r->p[off + 2] << 16 |
           (uint32_t)r->p[off + 1] << 8 | r->p[off];
}

/* Copies N bytes at OFF to DST; 0 (and DST untouched) if not all captured. */
static inline int
sum_rd_copy(const sum_rd *r, size_t off, void *dst, size_t n)
{
    if (!sum_rd_has(r, off, n))
        return 0;
    for (size_t i = 0; i < n; i++)
        ((uint8_t *)dst)[i] = r->p[off + i];
    return 1;
}

/* The window from OFF, at most N bytes long (clamped to what was captured). */
static inline sum_rd
sum_rd_sub(const sum_rd *r, size_t off, size_t n)
{
    sum_rd s = {r->p, 0};
    if (off > r->len)
        return s;
    s.p = r->p + off;
    s.len = r->len - off < n ? r->len - off : n;
    return s;
}

/* decode-ip.c: an IP header at R. WIRE_LEFT: bytes from R to the end of the
 * frame on the wire. VERSION: 4 or 6 when the link layer said which, 0 to go
 * by the first nibble. QUOTED: the packet an ICMP error quotes (its lengths
 * describe the original, not the cut quote; its own ICMP is not followed). */
sum_decode_result sum_decode_ip(const sum_rd *r, size_t wire_left, uint8_t version, int quoted,
                                sum_packet *out);
/* decode-l4.c: the transport header of PROTO at R, which holds the captured
 * bytes of the IP payload; WIRE_LEFT is the IP payload's declared length. */
sum_decode_result sum_decode_l4(uint8_t proto, const sum_rd *r, size_t wire_left, int quoted,
                                sum_packet *out);

#endif /* SUM_DECODE_H */
