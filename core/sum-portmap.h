/* sum-portmap.h: what every port is in the plans in use, precomputed.
 *
 * The one answer to "is this connection worth looking at" for every front
 * end: the analyzer's flow table and the reconstruction's intake, the
 * plugin's first test on every frame. Built once from one profile (or every
 * built-in profile, for --profile auto) with sum_plan_port_at(); each lookup
 * is a table read. Reads: sum-plan.h. Produces: per-port class bits. Never
 * allocates per lookup, never knows packets.
 */
#ifndef SUM_PORTMAP_H
#define SUM_PORTMAP_H

#include <glib.h>
#include "sum-plan.h"

G_BEGIN_DECLS

#define SUM_PORT_SUM 0x01           /* a port of the plan */
#define SUM_PORT_LISTENER 0x02      /* a port some SUM side listens on */
#define SUM_PORT_OPEN_PEERS 0x04    /* counts whoever talks on it (not 80, 443, SMB, SSH) */
#define SUM_PORT_OPEN_LISTENER 0x08 /* both of the above in one rule */

typedef struct {
    guint8 cls[2][65536];           /* [0] TCP, [1] UDP: SUM_PORT_* bits */
} SumPortMap;

/* PROFILE NULL: the ports of every built-in profile. */
SumPortMap *sum_portmap_new(const SumProfile *profile);
/* Adds the ports of PROFILE to MAP (several plans in use, some overridden). */
void sum_portmap_add(SumPortMap *map, const SumProfile *profile);
void sum_portmap_free(SumPortMap *map);

static inline guint8
sum_portmap_class(const SumPortMap *m, SumTransport t, guint16 port)
{
    return m->cls[t == SUM_TRANSPORT_UDP][port];
}

/* Either port is a port of the plan (the first test a frame meets). */
static inline gboolean
sum_portmap_any(const SumPortMap *m, SumTransport t, guint16 a, guint16 b)
{
    return ((sum_portmap_class(m, t, a) | sum_portmap_class(m, t, b)) & SUM_PORT_SUM) != 0;
}

/* As sum_plan_conn_relevant(), over every profile of the map: the responder
 * is on a port of the plan, or the originator holds a listener port. */
static inline gboolean
sum_portmap_conn_relevant(const SumPortMap *m, SumTransport t, guint16 orig, guint16 resp)
{
    return (sum_portmap_class(m, t, resp) & SUM_PORT_SUM) ||
           (sum_portmap_class(m, t, orig) & SUM_PORT_LISTENER);
}

/* Relevant only through a port that counts between known SUM hosts and
 * targets only (80, 443, SMB, SSH: everyday traffic). */
static inline gboolean
sum_portmap_conn_strict_only(const SumPortMap *m, SumTransport t, guint16 orig, guint16 resp)
{
    return sum_portmap_conn_relevant(m, t, orig, resp) &&
           !(sum_portmap_class(m, t, resp) & SUM_PORT_OPEN_PEERS) &&
           !(sum_portmap_class(m, t, orig) & SUM_PORT_OPEN_LISTENER);
}

/* The SUM_PORT_SUM bit of every port, packed eight ports a byte ([0] TCP,
 * [1] UDP) and OR-ed into BITS: the per-frame test of a front end that
 * wants the smallest table in its cache. */
#define SUM_PORTMAP_BITS_BYTES (65536 / 8)
void sum_portmap_pack(const SumPortMap *map, guint8 bits[2][SUM_PORTMAP_BITS_BYTES]);

static inline gboolean
sum_portmap_bit(const guint8 bits[2][SUM_PORTMAP_BITS_BYTES], SumTransport t, guint16 port)
{
    return (bits[t == SUM_TRANSPORT_UDP][port >> 3] >> (port & 7)) & 1u;
}

G_END_DECLS

#endif /* SUM_PORTMAP_H */
