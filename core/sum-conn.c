/* sum-conn.c: addresses and connection helpers (pure). */
#include "sum-conn.h"

#include <string.h>
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
    if (addr->family != 4 && addr->family != 6) {
        g_strlcpy(buf, "?", size);
        return buf;
    }
    GInetAddress *ia = g_inet_address_new_from_bytes(
        addr->bytes, addr->family == 6 ? G_SOCKET_FAMILY_IPV6 : G_SOCKET_FAMILY_IPV4);
    gchar *text = g_inet_address_to_string(ia);
    g_strlcpy(buf, text, size);
    g_free(text);
    g_object_unref(ia);
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
