/* sum-limits.h: every fixed cap and timeout of the analyzer, with its unit.
 *
 * One place to read what bounds memory and work (p0f's config.h habit). No
 * GLib here: the decoders include it too. Not "limits.h": this directory is
 * on every user's include path, where that name hides the C library's. */
#ifndef SUM_LIMITS_H
#define SUM_LIMITS_H

/* Decoders. */
#define SUM_DECODE_MAX_VLAN_TAGS 8    /* 802.1Q/QinQ tags per frame; more is INVALID */
#define SUM_DECODE_MAX_IPV6_EXT 16    /* IPv6 extension headers followed; more is INVALID */
#define SUM_DECODE_TLS_MAX_RECORD 18432u /* bytes: 2^14 + 2048 (RFC 8446, 5.2) */

/* Flow table. */
#define SUM_FLOW_MAX_LIVE 200000u     /* flows tracked at once; past it the oldest idle goes */
#define SUM_FLOW_LINGER_US 5000000LL  /* µs of capture time a closed flow waits for last ACKs */
#define SUM_FLOW_IDLE_US 300000000LL  /* µs of capture time without a packet: folded out */
#define SUM_FLOW_SWEEP_US 1000000LL   /* µs of capture time between expiry sweeps */

/* Capture reading. */
#define SUM_CAPTURE_BUFFER_BYTES (1u << 20) /* bytes of stdio buffer (STYLE.md, measured) */
#define SUM_CAPTURE_BATCH_FRAMES 4096       /* frames per pcap_dispatch call */
#define SUM_CAPTURE_MAX_BLOCK_BYTES (16u << 20) /* bytes: a longer pcapng block is a lie */
#define SUM_CAPTURE_MAX_INTERFACES 65536u   /* pcapng interfaces per section */
#define SUM_CAPTURE_PCAPNG_SCAN_BYTES (1u << 20) /* bytes read for interfaces before packets */
#define SUM_LIVE_SNAPLEN 262144            /* bytes: libpcap's maximum, as tcpdump's default */
#define SUM_LIVE_TIMEOUT_MS 100             /* ms a live capture waits at most per poll */
#define SUM_LIVE_BUFFER_BYTES (4u << 20)    /* bytes of kernel buffer for a live capture */
#define SUM_DECOMPRESS_IN_BYTES (256u << 10) /* bytes of compressed input read at a time */

#endif /* SUM_LIMITS_H */
