/* sum-portmap.c: the per-port classes of the plans in use (sum-portmap.h). */
#include "sum-portmap.h"

static void
add_profile(SumPortMap *m, const SumProfile *p)
{
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *rule = &p->rules[i];
        guint8 *cls = m->cls[rule->transport == SUM_TRANSPORT_UDP];
        for (guint16 k = 0;; k++) {
            guint16 port = sum_plan_port_at(rule, k);
            if (port == 0)
                break;
            /* Port 80 and the strict ports count only between known SUM
             * hosts and targets (docs/sum-ports.md, "Pitfalls"). */
            gboolean open = !rule->strict_peers &&
                            !(rule->family == SUM_FAMILY_FIRMWARE && k == 0);
            cls[port] |= SUM_PORT_SUM;
            if (!rule->holder_is_client)
                cls[port] |= SUM_PORT_LISTENER | (open ? SUM_PORT_OPEN_LISTENER : 0);
            if (open)
                cls[port] |= SUM_PORT_OPEN_PEERS;
        }
    }
}

SumPortMap *
sum_portmap_new(const SumProfile *profile)
{
    SumPortMap *m = g_new0(SumPortMap, 1);
    if (profile != NULL) {
        add_profile(m, profile);
        return m;
    }
    for (int g = 0; g < SUM_GENERATION_COUNT; g++)
        add_profile(m, sum_plan_profile((SumGeneration)g));
    return m;
}

void
sum_portmap_add(SumPortMap *m, const SumProfile *profile)
{
    g_return_if_fail(m != NULL && profile != NULL);
    add_profile(m, profile);
}

void
sum_portmap_pack(const SumPortMap *m, guint8 bits[2][SUM_PORTMAP_BITS_BYTES])
{
    for (int t = 0; t < 2; t++) {
        for (guint port = 0; port < 65536u; port++) {
            if (m->cls[t][port] & SUM_PORT_SUM)
                bits[t][port >> 3] |= (guint8)(1u << (port & 7));
        }
    }
}

void
sum_portmap_free(SumPortMap *map)
{
    g_free(map);
}
