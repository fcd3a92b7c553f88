/* pkt.h: frame decoding into a flat, protocol-neutral packet (no libpcap, no
 * GLib): link layer, IPv4/IPv6, TCP/UDP/ICMP, first-payload classification.
 * Every read is bounds-checked; "truncated" (cut by the snap length) and
 * "invalid" (a header that lies) are different outcomes. */
#ifndef SUM_PKT_H
#define SUM_PKT_H

#include <stddef.h>
#include <stdint.h>

typedef enum {
    PKT_OK = 0,
    PKT_TRUNCATED,        /* cut by the snap length before the L4 header */
    PKT_INVALID,          /* a header lies (IHL < 5, data offset past the segment ...) */
    PKT_UNSUPPORTED_LINK, /* a link type we do not decode */
    PKT_NOT_IP,           /* ARP, STP ...: fine, counted */
    PKT_FRAGMENT,         /* a non-first IP fragment: counted and skipped */
    PKT_OTHER_L4,         /* IP, but neither TCP, UDP nor ICMP */
    PKT_RESULT_COUNT
} pkt_result;

typedef struct {
    uint8_t family;        /* 4 or 6 */
    uint8_t bytes[16];
} pkt_addr;

typedef struct {
    uint16_t vlan[2];      /* outer first; 0 = none */
    uint8_t n_vlan;
    uint8_t ip_version;    /* 4 or 6 */
    pkt_addr src, dst;
    uint8_t proto;         /* 6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6 */
    uint8_t first_fragment; /* first fragment of a fragmented datagram */
    uint16_t sport, dport;
    uint8_t tcp_flags;     /* FIN 0x01 SYN 0x02 RST 0x04 PSH 0x08 ACK 0x10 */
    uint32_t seq, ack;
    const uint8_t *payload; /* L4 payload as captured */
    uint32_t payload_caplen; /* bytes of payload captured */
    uint32_t payload_len;    /* bytes of payload on the wire */
    /* ICMP(v6) destination unreachable: type, code and the quoted packet. */
    uint8_t icmp_type, icmp_code;
    uint8_t icmp_quoted;    /* the quoted 4-tuple below is valid */
    pkt_addr q_src, q_dst;
    uint8_t q_proto;
    uint16_t q_sport, q_dport;
} pkt_info;

pkt_result pkt_decode(uint32_t linktype, const uint8_t *data, size_t caplen, size_t wirelen,
                      pkt_info *out);
const char *pkt_linktype_name(uint32_t linktype);

#endif
