/* sum-settled.c: findings certain while a run goes on (sum-settled.h). */
#include "sum-settled.h"

struct _SumSettled {
    GHashTable *told;      /* "code host port" -> 1 */
};

SumSettled *
sum_settled_new(void)
{
    SumSettled *s = g_new0(SumSettled, 1);
    s->told = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    return s;
}

void
sum_settled_free(SumSettled *s)
{
    if (s == NULL)
        return;
    g_hash_table_destroy(s->told);
    g_free(s);
}

gboolean
sum_settled_certain(const SumFinding *f, gint64 now)
{
    if (f->confidence < SUM_CONFIDENCE_MEDIUM || f->evidence == SUM_EVIDENCE_INFERRED ||
        f->one_way)
        return FALSE;
    if (f->code == SUM_FINDING_PORT_BLOCKED && f->syn_count < 2 && !f->icmp && f->count < 2)
        return FALSE;
    return f->t_first != G_MAXINT64 && now - f->t_first >= SUM_SETTLED_AFTER_US;
}

guint
sum_settled_update(SumSettled *s, SumRecon *recon, const SumConn *open, guint n_open,
                   gint64 now, SumSettledFunc fn, gpointer user)
{
    SumResult *r = sum_recon_snapshot(recon, open, n_open);
    guint told = 0;
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        if (!sum_settled_certain(f, now))
            continue;
        char host[SUM_ADDR_STRLEN];
        gchar *key = g_strdup_printf("%d %s %u", (int)f->code,
                                     sum_addr_to_string(&f->host, host, sizeof host), f->port);
        if (g_hash_table_contains(s->told, key)) {
            g_free(key);
            continue;
        }
        g_hash_table_add(s->told, key);
        fn(f, user);
        told++;
    }
    sum_result_free(r);
    return told;
}
