/* sum-conn.h: one connection as the reconstruction sees it.
 *
 * A flat, protocol-neutral summary of a TCP connection (or a UDP exchange)
 * that a front end builds from packets: the analyzer from libpcap frames, the
 * plugin from Wireshark's conversations. The reconstruction (sum-recon.h)
 * reads only these, never packets. States follow Zeek's conn_state.
 */
#ifndef SUM_CONN_H
#define SUM_CONN_H

#include <glib.h>
#include "sum-plan.h"

G_BEGIN_DECLS

/* An IPv4 or IPv6 address. IPv4 is kept in the first 4 bytes. */
typedef struct {
    guint8 family;     /* 4 or 6; 0 = unset */
    guint8 bytes[16];
} SumAddr;

/* Zeek-style outcome of a TCP connection. */
typedef enum {
    SUM_CONN_S0 = 0,   /* SYN seen, no reply at all (blocked, or host down) */
    SUM_CONN_REJ,      /* SYN answered by RST (refused) */
    SUM_CONN_S1,       /* established, not closed within the capture */
    SUM_CONN_SF,       /* established and closed normally (FIN) */
    SUM_CONN_RSTO,     /* established, then reset by the originator */
    SUM_CONN_RSTR,     /* established, then reset by the responder */
    SUM_CONN_SH,       /* originator sent SYN then FIN, no SYN-ACK */
    SUM_CONN_OTH,      /* no SYN seen: picked up mid-stream */
    SUM_CONN_UDP,      /* a UDP exchange, no state */
    SUM_CONN_STATE_COUNT
} SumConnState;

/* What the first payload of one direction looked like. */
typedef enum {
    SUM_PAYLOAD_NONE = 0, /* no payload seen */
    SUM_PAYLOAD_TLS,      /* a TLS record header: type 20-23, version 3.x */
    SUM_PAYLOAD_HTTP_REQUEST,
    SUM_PAYLOAD_HTTP_RESPONSE,
    SUM_PAYLOAD_SSH,      /* "SSH-" banner */
    SUM_PAYLOAD_SMB,      /* NetBIOS session header + \xffSMB or \xfeSMB */
    SUM_PAYLOAD_NETBIOS,  /* NetBIOS name/datagram service (UDP 137/138) */
    SUM_PAYLOAD_OTHER,    /* something else */
    SUM_PAYLOAD_COUNT
} SumPayload;

/* Identifies a frame in its capture: 1-based, across all files of a run. */
typedef guint64 SumFrame;

typedef struct {
    SumTransport transport;
    SumAddr orig;              /* the side that sent the first SYN (or first packet) */
    SumAddr resp;
    guint16 orig_port;
    guint16 resp_port;
    gboolean roles_known;      /* the SYN was seen, so orig/resp are certain */
    SumConnState state;
    SumPayload orig_payload;   /* first payload orig -> resp */
    SumPayload resp_payload;   /* first payload resp -> orig */
    guint32 syn_count;         /* SYNs sent by orig (1 + retransmissions) */
    guint64 packets;
    guint64 resp_packets;      /* of PACKETS, those resp -> orig */
    guint64 bytes;             /* captured wire bytes, both ways */
    gint64 t_first;            /* microseconds since the epoch */
    gint64 t_last;
    SumFrame first_frame;
    SumFrame last_frame;
    SumFrame synack_frame;     /* 0 if none */
    SumFrame rst_frame;        /* first RST, 0 if none */
    SumFrame payload_frame;    /* first payload frame of resp, 0 if none */
    gboolean icmp_unreachable; /* an ICMP(v6) unreachable answered this attempt */
    SumFrame icmp_frame;
    guint8 icmp_type;
    guint8 icmp_code;
    guint32 vlan;              /* outermost 802.1Q VLAN id, 0 if none */
} SumConn;

/* What a front end tracks of one TCP connection to derive its state: the
 * same state machine for the analyzer and the plugin. */
typedef struct {
    guint32 isn;               /* the originator's initial sequence number */
    gboolean syn_seen;
    gboolean established;      /* SYN-ACK seen, or data back after the SYN */
    gboolean fin_orig, fin_resp;
    gboolean rst_orig, rst_resp;
    gint64 last_syn_us;        /* capture time of the last SYN */
} SumTcpTrack;

/* A repeated SYN sooner than this after the last is a duplicate in the
 * capture, not a retransmission (µs). */
#define SUM_TCP_DUP_SYN_US 10000

#define SUM_TCP_FIN 0x01
#define SUM_TCP_SYN 0x02
#define SUM_TCP_RST 0x04
#define SUM_TCP_ACK 0x10

/* One TCP segment of CONN: FLAGS and SEQ from its header, FROM_ORIG its
 * direction, PAYLOAD_LEN its data on the wire, TIME_US its capture time.
 * Updates the SYN count and the SYN-ACK and RST frames of CONN. Returns TRUE
 * when the segment closes the connection (a RST, or the second FIN). */
gboolean sum_tcp_track(SumTcpTrack *track, SumConn *conn, guint8 flags, guint32 seq,
                       gboolean from_orig, guint32 payload_len, SumFrame frame,
                       gint64 time_us);
/* One TCP segment or UDP datagram of a connection, as a front end decoded it. */
typedef struct {
    gboolean from_orig;        /* sent by the connection's originator */
    guint8 tcp_flags;          /* SUM_TCP_*, 0 for UDP */
    guint32 seq;
    guint32 payload_len;       /* on the wire */
    const guint8 *payload;     /* its captured first bytes, or NULL: then PAYLOAD_KIND */
    gsize payload_caplen;
    SumPayload payload_kind;   /* already classified, when PAYLOAD is NULL */
    guint16 sport, dport;      /* for the classifier */
    guint32 wire_len;          /* the frame's length on the wire */
    SumFrame frame;
    gint64 time_us;
} SumSegment;

/* A new connection from its first segment: the originator sent the SYN, so
 * a SYN-ACK first (a capture of one direction, or started between the two)
 * means the other side. */
void sum_conn_begin(SumConn *c, SumTransport transport, const SumAddr *src,
                    const SumAddr *dst, guint16 sport, guint16 dport, guint8 tcp_flags,
                    SumFrame frame, gint64 time_us);
/* Counts SEG into C (and TRACK for TCP), and classifies the first payload of
 * its direction. Returns TRUE when the segment closes the connection, as
 * sum_tcp_track(). The one per-segment update of both front ends. */
gboolean sum_conn_segment(SumConn *c, SumTcpTrack *track, const SumSegment *seg);

/* Zeek's conn_state from what was tracked. */
SumConnState sum_tcp_state(const SumTcpTrack *track, SumTransport transport);

/* Helpers on addresses and connections (pure). */
void sum_addr_set_v4(SumAddr *addr, const guint8 bytes[4]);
void sum_addr_set_v6(SumAddr *addr, const guint8 bytes[16]);
gboolean sum_addr_equal(const SumAddr *a, const SumAddr *b);
guint sum_addr_hash(const SumAddr *addr);
int sum_addr_compare(const SumAddr *a, const SumAddr *b);
gboolean sum_addr_is_loopback(const SumAddr *addr);
/* Text form (inet_ntop style) into BUF of at least SUM_ADDR_STRLEN bytes. */
#define SUM_ADDR_STRLEN 46
const char *sum_addr_to_string(const SumAddr *addr, char *buf, gsize size);
gboolean sum_addr_from_string(SumAddr *addr, const char *text);

const char *sum_conn_state_name(SumConnState state);
const char *sum_payload_name(SumPayload payload);
/* The responder answered (SYN-ACK, or payload back). */
gboolean sum_conn_answered(const SumConn *conn);
/* sum_payload_classify() never reads past this many bytes: a caller that
 * keeps a payload for later needs no more of it. */
#define SUM_PAYLOAD_CLASSIFY_BYTES 16
/* Classifies the first payload bytes of a direction: a TLS record (type
 * 20-24, version 3.x, plausible length, or an SSLv2-compatible ClientHello),
 * an HTTP request (a registered method) or response, an SSH banner, SMB over
 * the NetBIOS session service, a well-formed NetBIOS name/datagram message on
 * UDP 137/138, or other. */
SumPayload sum_payload_classify(const guint8 *p, gsize len, SumTransport transport,
                                guint16 sport, guint16 dport);
/* The first payload of either side, resp first. */
gboolean sum_conn_is_tls(const SumConn *conn);

G_END_DECLS

#endif /* SUM_CONN_H */
