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

gboolean
sum_tcp_track(SumTcpTrack *t, SumConn *c, guint8 flags, guint32 seq, gboolean from_orig,
              guint32 payload_len, SumFrame frame)
{
    gboolean was_closed = t->rst_orig || t->rst_resp || (t->fin_orig && t->fin_resp);
    gboolean syn = (flags & SUM_TCP_SYN) != 0, ack = (flags & SUM_TCP_ACK) != 0;
    if (syn && !ack && from_orig) {
        if (!t->syn_seen) {
            t->syn_seen = TRUE;
            t->isn = seq;
            c->roles_known = TRUE;
        }
        c->syn_count++;
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
 * analyzer on raw frames and by the plugin on TCP segments). */
static gboolean
starts_with(const guint8 *p, gsize len, const char *s)
{
    gsize n = strlen(s);
    return len >= n && memcmp(p, s, n) == 0;
}

SumPayload
sum_payload_classify(const guint8 *p, gsize len, SumTransport transport, guint16 sport,
                     guint16 dport)
{
    static const char *const methods[] = {"GET ", "POST ", "PUT ", "HEAD ", "DELETE ",
                                          "OPTIONS ", "CONNECT ", "PATCH ", "TRACE "};
    if (p == NULL || len == 0)
        return SUM_PAYLOAD_NONE;
    if (transport == SUM_TRANSPORT_UDP) {
        if (sport == 137 || dport == 137 || sport == 138 || dport == 138)
            return SUM_PAYLOAD_NETBIOS;
        return SUM_PAYLOAD_OTHER;
    }
    /* TLS record: content type 20-23 (or 24 heartbeat), major version 3,
     * minor 0-4, and a length under 2^14 + 2048 (RFC 8446, 5.1). */
    if (len >= 5 && p[0] >= 20 && p[0] <= 24 && p[1] == 3 && p[2] <= 4) {
        unsigned rl = (unsigned)(p[3] << 8 | p[4]);
        if (rl > 0 && rl <= 18432)
            return SUM_PAYLOAD_TLS;
    }
    /* SSLv2-compatible ClientHello: 2-byte length with the top bit, type 1. */
    if (len >= 3 && (p[0] & 0x80) && p[2] == 1)
        return SUM_PAYLOAD_TLS;
    if (starts_with(p, len, "HTTP/1.") || starts_with(p, len, "HTTP/2"))
        return SUM_PAYLOAD_HTTP_RESPONSE;
    for (gsize i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        if (starts_with(p, len, methods[i]))
            return SUM_PAYLOAD_HTTP_REQUEST;
    }
    if (starts_with(p, len, "SSH-"))
        return SUM_PAYLOAD_SSH;
    /* NetBIOS session message (type 0) carrying SMB1/SMB2/SMB3-transform;
     * or a session request (0x81) / positive response (0x82) on 139. */
    if (len >= 8 && p[0] == 0x00 && (p[5] == 'S' && p[6] == 'M' && p[7] == 'B') &&
        (p[4] == 0xff || p[4] == 0xfe || p[4] == 0xfd))
        return SUM_PAYLOAD_SMB;
    if (len >= 4 && (p[0] == 0x81 || p[0] == 0x82 || p[0] == 0x83 || p[0] == 0x85) &&
        (sport == 139 || dport == 139))
        return SUM_PAYLOAD_SMB;
    return SUM_PAYLOAD_OTHER;
}
