/* sum-conn.c: addresses and connection helpers (pure). */
#include "sum-conn.h"

#include <string.h>
#include <arpa/inet.h>
#include <sys/socket.h>
#include <gio/gio.h>

void
sum_addr_set_v4(SumAddr *addr, const guint8 bytes[4])
{
    memset(addr, 0, sizeof *addr);
    addr->family = 4;
    memcpy(addr->bytes, bytes, 4);
}

void
sum_addr_set_v6(SumAddr *addr, const guint8 bytes[16])
{
    memset(addr, 0, sizeof *addr);
    addr->family = 6;
    memcpy(addr->bytes, bytes, 16);
}

static gsize
addr_len(const SumAddr *addr)
{
    return addr->family == 6 ? 16 : 4;
}

gboolean
sum_addr_equal(const SumAddr *a, const SumAddr *b)
{
    return a->family == b->family && memcmp(a->bytes, b->bytes, addr_len(a)) == 0;
}

guint
sum_addr_hash(const SumAddr *addr)
{
    guint h = 2166136261u ^ addr->family; /* FNV-1a */
    for (gsize i = 0; i < addr_len(addr); i++)
        h = (h ^ addr->bytes[i]) * 16777619u;
    return h;
}

int
sum_addr_compare(const SumAddr *a, const SumAddr *b)
{
    if (a->family != b->family)
        return a->family < b->family ? -1 : 1;
    return memcmp(a->bytes, b->bytes, addr_len(a));
}

gboolean
sum_addr_is_loopback(const SumAddr *addr)
{
    static const guint8 v6_loopback[16] = {[15] = 1};
    if (addr->family == 4)
        return addr->bytes[0] == 127;
    return addr->family == 6 && memcmp(addr->bytes, v6_loopback, 16) == 0;
}

const char *
sum_addr_to_string(const SumAddr *addr, char *buf, gsize size)
{
    g_return_val_if_fail(buf != NULL && size > 0, "");
    /* inet_ntop, not GInetAddress: this runs for labelled frames. */
    if ((addr->family != 4 && addr->family != 6) ||
        inet_ntop(addr->family == 6 ? AF_INET6 : AF_INET, addr->bytes, buf,
                  (socklen_t)size) == NULL)
        g_strlcpy(buf, "?", size);
    return buf;
}

gboolean
sum_addr_from_string(SumAddr *addr, const char *text)
{
    g_return_val_if_fail(addr != NULL, FALSE);
    if (text == NULL)
        return FALSE;
    GInetAddress *ia = g_inet_address_new_from_string(text);
    if (ia == NULL)
        return FALSE;
    const guint8 *bytes = g_inet_address_to_bytes(ia);
    if (g_inet_address_get_family(ia) == G_SOCKET_FAMILY_IPV6)
        sum_addr_set_v6(addr, bytes);
    else
        sum_addr_set_v4(addr, bytes);
    g_object_unref(ia);
    return TRUE;
}

void
sum_conn_begin(SumConn *c, SumTransport transport, const SumAddr *src, const SumAddr *dst,
               guint16 sport, guint16 dport, guint8 tcp_flags, SumFrame frame, gint64 time_us)
{
    gboolean synack = transport == SUM_TRANSPORT_TCP &&
                      (tcp_flags & (SUM_TCP_SYN | SUM_TCP_ACK)) == (SUM_TCP_SYN | SUM_TCP_ACK);
    c->transport = transport;
    c->orig = synack ? *dst : *src;
    c->resp = synack ? *src : *dst;
    c->orig_port = synack ? dport : sport;
    c->resp_port = synack ? sport : dport;
    c->state = transport == SUM_TRANSPORT_UDP ? SUM_CONN_UDP : SUM_CONN_OTH;
    c->first_frame = frame;
    c->t_first = time_us;
}

gboolean
sum_conn_segment(SumConn *c, SumTcpTrack *track, const SumSegment *s)
{
    gboolean closes = FALSE;
    c->packets++;
    c->resp_packets += !s->from_orig;
    c->bytes += s->wire_len;
    c->t_last = s->time_us;
    c->last_frame = s->frame;
    if (c->transport == SUM_TRANSPORT_TCP)
        closes = sum_tcp_track(track, c, s->tcp_flags, s->seq, s->from_orig, s->payload_len,
                               s->frame, s->time_us);
    if (s->payload_len == 0)
        return closes;
    SumPayload *slot = s->from_orig ? &c->orig_payload : &c->resp_payload;
    if (*slot != SUM_PAYLOAD_NONE)
        return closes;
    SumPayload kind = s->payload != NULL ? sum_payload_classify(s->payload, s->payload_caplen,
                                                                c->transport, s->sport,
                                                                s->dport)
                                         : s->payload_kind;
    /* Cut by the snap length before any byte: still "something was sent". */
    *slot = kind == SUM_PAYLOAD_NONE ? SUM_PAYLOAD_OTHER : kind;
    if (!s->from_orig && c->payload_frame == 0)
        c->payload_frame = s->frame;
    return closes;
}

gboolean
sum_tcp_track(SumTcpTrack *t, SumConn *c, guint8 flags, guint32 seq, gboolean from_orig,
              guint32 payload_len, SumFrame frame, gint64 time_us)
{
    gboolean was_closed = t->rst_orig || t->rst_resp || (t->fin_orig && t->fin_resp);
    gboolean syn = (flags & SUM_TCP_SYN) != 0, ack = (flags & SUM_TCP_ACK) != 0;
    if (syn && !ack && from_orig) {
        /* The same SYN again within SUM_TCP_DUP_SYN_US is the capture's
         * duplicate (a SPAN port mirroring both ways, 'any' seeing a bridge
         * and its port), not a retransmission: no TCP stack retries that
         * fast (initial RTO 1 s, RFC 6298). */
        gboolean dup = t->syn_seen && seq == t->isn && time_us >= t->last_syn_us &&
                       time_us - t->last_syn_us < SUM_TCP_DUP_SYN_US;
        if (!t->syn_seen) {
            t->syn_seen = TRUE;
            t->isn = seq;
            c->roles_known = TRUE;
        }
        if (!dup)
            c->syn_count++;
        t->last_syn_us = time_us;
    } else if (syn && ack && !from_orig) {
        if (c->synack_frame == 0)
            c->synack_frame = frame;
        t->established = TRUE;
    }
    if (flags & SUM_TCP_RST) {
        if (c->rst_frame == 0)
            c->rst_frame = frame;
        if (from_orig)
            t->rst_orig = TRUE;
        else
            t->rst_resp = TRUE;
    }
    if (flags & SUM_TCP_FIN) {
        if (from_orig)
            t->fin_orig = TRUE;
        else
            t->fin_resp = TRUE;
    }
    /* Data back after the SYN: a capture that missed the SYN-ACK. */
    if (!from_orig && payload_len > 0 && t->syn_seen)
        t->established = TRUE;
    /* The originator's handshake ACK or data after its SYN: it got a SYN-ACK
     * the capture did not see (one direction of a SPAN port, asymmetric
     * routing, a 'src host' filter). Not a firewall that drops the SYN: a
     * client whose SYN goes unanswered only repeats the SYN. */
    if (from_orig && t->syn_seen && ack && !syn && !(flags & SUM_TCP_RST))
        t->established = TRUE;
    return !was_closed && (t->rst_orig || t->rst_resp || (t->fin_orig && t->fin_resp));
}

SumConnState
sum_tcp_state(const SumTcpTrack *t, SumTransport transport)
{
    if (transport == SUM_TRANSPORT_UDP)
        return SUM_CONN_UDP;
    if (!t->syn_seen)
        return SUM_CONN_OTH;
    if (t->established) {
        if (t->rst_orig)
            return SUM_CONN_RSTO;
        if (t->rst_resp)
            return SUM_CONN_RSTR;
        return (t->fin_orig && t->fin_resp) ? SUM_CONN_SF : SUM_CONN_S1;
    }
    if (t->rst_resp)
        return SUM_CONN_REJ;
    return t->fin_orig ? SUM_CONN_SH : SUM_CONN_S0;
}

static const char *const state_names[SUM_CONN_STATE_COUNT] = {
    "S0", "REJ", "S1", "SF", "RSTO", "RSTR", "SH", "OTH", "UDP",
};

const char *
sum_conn_state_name(SumConnState state)
{
    return (guint)state < SUM_CONN_STATE_COUNT ? state_names[state] : "?";
}

static const char *const payload_names[SUM_PAYLOAD_COUNT] = {
    "none", "tls", "http-request", "http-response", "ssh", "smb", "netbios", "other",
};

const char *
sum_payload_name(SumPayload payload)
{
    return (guint)payload < SUM_PAYLOAD_COUNT ? payload_names[payload] : "?";
}

gboolean
sum_conn_answered(const SumConn *conn)
{
    switch (conn->state) {
    case SUM_CONN_S1:
    case SUM_CONN_SF:
    case SUM_CONN_RSTO:
    case SUM_CONN_RSTR:
        return TRUE;
    case SUM_CONN_OTH:
    case SUM_CONN_UDP:
        return conn->resp_payload != SUM_PAYLOAD_NONE || conn->synack_frame != 0;
    default:
        return conn->synack_frame != 0;
    }
}

gboolean
sum_conn_is_tls(const SumConn *conn)
{
    return conn->resp_payload == SUM_PAYLOAD_TLS || conn->orig_payload == SUM_PAYLOAD_TLS;
}

/* The first payload of a direction, by its first bytes (pure: used by the
 * analyzer on raw frames and by the plugin on TCP segments, so both tell the
 * same story). Shapes, not parses: a TLS record header (RFC 8446, 5.1), an
 * HTTP/1.x request or status line (RFC 9112, 3 and 4), an SSH banner
 * (RFC 4253, 4.2), SMB over the NetBIOS session service (RFC 1002, 4.3;
 * MS-SMB2 2.1), NetBIOS name and datagram services (RFC 1002, 4.2 and 4.4).
 * Ports are hints only for NetBIOS, whose shapes are too weak alone. */
static gboolean
starts_with(const guint8 *p, gsize len, const char *s)
{
    gsize n = strlen(s);
    return len >= n && memcmp(p, s, n) == 0;
}

#define SUM_TLS_MAX_RECORD 18432u /* bytes: 2^14 + 2048 (RFC 8446, 5.2) */

/* Content type 20-24 (24: heartbeat), major version 3, minor 0-4, a length
 * from 1 to 2^14 + 2048. Or an SSLv2-compatible ClientHello (RFC 5246, E.2),
 * which older Java clients send: a 2-byte length with the top bit set,
 * message type 1, then version 3.x. */
static gboolean
is_tls(const guint8 *p, gsize len)
{
    if (len >= 5 && (p[0] & 0x80) && p[2] == 1 && p[3] == 3 && p[4] <= 4)
        return TRUE;
    if (len < 5 || p[0] < 20 || p[0] > 24 || p[1] != 3 || p[2] > 4)
        return FALSE;
    unsigned rl = (unsigned)p[3] << 8 | p[4];
    return rl > 0 && rl <= SUM_TLS_MAX_RECORD;
}

/* A registered method a client fetching firmware would send, then a space.
 * Not any upper-case word: "BIND epm" on 62286 is an RPC service that is not
 * HTTP (samples/decoy-service.pcap). */
static gboolean
is_http_request(const guint8 *p, gsize len)
{
    static const char *const methods[] = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ",
                                          "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "};
    for (gsize i = 0; i < G_N_ELEMENTS(methods); i++) {
        if (starts_with(p, len, methods[i]))
            return TRUE;
    }
    return FALSE;
}

/* A NetBIOS session message (type 0) with a non-zero length carrying the
 * SMB1, SMB2 or SMB3-transform protocol id; or, on 139, the session
 * service's own opening (request 0x81, positive 0x82 or negative 0x83
 * response, keepalive 0x85), which comes before any SMB. */
static gboolean
is_smb(const guint8 *p, gsize len, guint16 sport, guint16 dport)
{
    if (len >= 4 && (p[0] == 0x81 || p[0] == 0x82 || p[0] == 0x83 || p[0] == 0x85) &&
        (sport == 139 || dport == 139))
        return TRUE;
    if (len < 8 || p[0] != 0x00)
        return FALSE;
    unsigned nl = (unsigned)p[1] << 16 | (unsigned)p[2] << 8 | p[3];
    return nl >= 4 && (p[4] == 0xff || p[4] == 0xfe || p[4] == 0xfd) && p[5] == 'S' &&
           p[6] == 'M' && p[7] == 'B';
}

/* NetBIOS name service: a 12-byte header, a known opcode (query,
 * registration, release, WACK, refresh and its alias, multi-homed) and a few
 * records. */
static gboolean
is_nbns(const guint8 *p, gsize len)
{
    if (len < 12)
        return FALSE;
    unsigned opcode = (p[2] >> 3) & 0x0f;
    unsigned records = 0;
    for (gsize i = 4; i < 12; i += 2)
        records += (unsigned)p[i] << 8 | p[i + 1];
    return (opcode == 0 || (opcode >= 5 && opcode <= 9) || opcode == 15) && records >= 1 &&
           records <= 16;
}

/* NetBIOS datagram service: message type 0x10-0x16 and a 10-byte header. */
static gboolean
is_nbds(const guint8 *p, gsize len)
{
    return len >= 10 && p[0] >= 0x10 && p[0] <= 0x16;
}

SumPayload
sum_payload_classify(const guint8 *p, gsize len, SumTransport transport, guint16 sport,
                     guint16 dport)
{
    if (p == NULL || len == 0)
        return SUM_PAYLOAD_NONE;
    if (transport == SUM_TRANSPORT_UDP) {
        if ((sport == 137 || dport == 137) && is_nbns(p, len))
            return SUM_PAYLOAD_NETBIOS;
        if ((sport == 138 || dport == 138) && is_nbds(p, len))
            return SUM_PAYLOAD_NETBIOS;
        return SUM_PAYLOAD_OTHER;
    }
    if (is_tls(p, len))
        return SUM_PAYLOAD_TLS;
    if (starts_with(p, len, "SSH-"))
        return SUM_PAYLOAD_SSH;
    if (starts_with(p, len, "HTTP/1.") || starts_with(p, len, "HTTP/2"))
        return SUM_PAYLOAD_HTTP_RESPONSE;
    if (is_http_request(p, len))
        return SUM_PAYLOAD_HTTP_REQUEST;
    if (is_smb(p, len, sport, dport))
        return SUM_PAYLOAD_SMB;
    return SUM_PAYLOAD_OTHER;
}
