/* decode-payload.c: what the first payload bytes of a direction are.
 *
 * Shapes, not full parses: a TLS record header (RFC 8446, 5.1), an HTTP/1.x
 * request line or status line (RFC 9112, 3 and 4), an SSH banner (RFC 4253,
 * 4.2), SMB over the NetBIOS session service (RFC 1002, 4.3; MS-SMB2 2.1),
 * NetBIOS name and datagram services on UDP 137/138 (RFC 1002, 4.2 and 4.4).
 * Port numbers are hints only for NetBIOS (UDP 137/138, the session service
 * on TCP 139), whose shapes are too weak alone.
 */
#include "decode.h"
#include "sum-limits.h"

#include <string.h>

#define PROTO_UDP 17
#define NBNS_PORT 137
#define NBDS_PORT 138
#define NBSS_PORT 139

static int
starts_with(const uint8_t *p, size_t len, const char *s)
{
    size_t n = strlen(s);
    return len >= n && memcmp(p, s, n) == 0;
}

/* Content type 20-23 (change_cipher_spec, alert, handshake, application
 * data), major version 3, minor 0-4, a length from 1 to 2^14 + 2048. Or an
 * SSLv2-compatible ClientHello (RFC 5246, E.2), which older Java clients
 * send: a 2-byte length with the top bit set, message type 1, version 3.x. */
static int
is_tls(const uint8_t *p, size_t len)
{
    if (len >= 5 && (p[0] & 0x80) && p[2] == 1 && p[3] == 3 && p[4] <= 4)
        return 1;
    if (len < 5 || p[0] < 20 || p[0] > 23 || p[1] != 3 || p[2] > 4)
        return 0;
    unsigned rl = (unsigned)p[3] << 8 | p[4];
    return rl > 0 && rl <= SUM_DECODE_TLS_MAX_RECORD;
}

/* A method of the HTTP registry that a client fetching firmware would send,
 * then one space. Not any upper-case word: "BIND epm" on 62286 is an RPC
 * service that is not HTTP (samples/decoy-service.pcap). */
static int
is_http_request(const uint8_t *p, size_t len)
{
    static const char *const methods[] = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ",
                                          "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (starts_with(p, len, methods[i]))
            return 1;
    }
    return 0;
}

/* NetBIOS session message (type 0), a non-zero length, then the SMB1, SMB2
 * or SMB3 transform protocol id. On 139 the session service's own opening
 * (request 0x81, positive 0x82 or negative 0x83 response, keepalive 0x85)
 * comes before any SMB: the same word as core's sum_payload_classify(). */
static int
is_smb(const uint8_t *p, size_t len, uint16_t sport, uint16_t dport)
{
    if (len >= 4 && (p[0] == 0x81 || p[0] == 0x82 || p[0] == 0x83 || p[0] == 0x85) &&
        (sport == NBSS_PORT || dport == NBSS_PORT))
        return 1;
    if (len < 8 || p[0] != 0x00)
        return 0;
    unsigned nl = (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
    return nl >= 4 && (p[4] == 0xff || p[4] == 0xfe || p[4] == 0xfd) && p[5] == 'S' &&
           p[6] == 'M' && p[7] == 'B';
}

/* NetBIOS name service: a 12-byte header, a known opcode and few records. */
static int
is_nbns(const uint8_t *p, size_t len)
{
    if (len < 12)
        return 0;
    unsigned opcode = (p[2] >> 3) & 0x0f;
    unsigned records = 0;
    for (size_t i = 4; i < 12; i += 2)
        records += (unsigned)p[i] << 8 | p[i + 1];
    /* query, registration, release, WACK, refresh (and its alias), multi-homed */
    return (opcode == 0 || (opcode >= 5 && opcode <= 9) || opcode == 15) && records >= 1 &&
           records <= 16;
}

/* NetBIOS datagram service: message type 0x10-0x16 and a 10-byte header. */
static int
is_nbds(const uint8_t *p, size_t len)
{
    return len >= 10 && p[0] >= 0x10 && p[0] <= 0x16;
}

sum_decode_payload
sum_decode_classify_payload(const uint8_t *p, size_t len, uint8_t proto, uint16_t sport,
                            uint16_t dport)
{
    if (p == NULL || len == 0)
        return SUM_DECODE_PAYLOAD_NONE;
    if (proto == PROTO_UDP) {
        if ((sport == NBNS_PORT || dport == NBNS_PORT) && is_nbns(p, len))
            return SUM_DECODE_PAYLOAD_NETBIOS;
        if ((sport == NBDS_PORT || dport == NBDS_PORT) && is_nbds(p, len))
            return SUM_DECODE_PAYLOAD_NETBIOS;
        return SUM_DECODE_PAYLOAD_OTHER;
    }
    if (is_tls(p, len))
        return SUM_DECODE_PAYLOAD_TLS;
    if (starts_with(p, len, "SSH-"))
        return SUM_DECODE_PAYLOAD_SSH;
    if (starts_with(p, len, "HTTP/1."))
        return SUM_DECODE_PAYLOAD_HTTP_RESPONSE;
    if (is_http_request(p, len))
        return SUM_DECODE_PAYLOAD_HTTP_REQUEST;
    if (is_smb(p, len, sport, dport))
        return SUM_DECODE_PAYLOAD_SMB;
    return SUM_DECODE_PAYLOAD_OTHER;
}
