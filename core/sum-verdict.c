/* sum-verdict.c: the capture's verdict and what was looked for
 * (sum-verdict.h). */
#include "sum-verdict.h"

static const char *const verdict_names[SUM_VERDICT_COUNT] = {
    "no-sum", "candidates-only", "sum",
};

static const char *const verdict_titles[SUM_VERDICT_COUNT] = {
    "no SUM traffic found",
    "no SUM traffic established: only low-confidence candidates",
    "SUM traffic",
};

static const char *const checks[] = {
    "the host: capture on the SUM host (or a target, or a mirror port that sees "
    "their traffic) while SUM deploys",
    "the interface: the one that carries the SUM host's traffic to its targets "
    "(-i any on Linux, which also shows SUM's local IPC)",
    "the capture filter: it must keep every SUM port (docs/capturing.md)",
    "the generation: a SUM release whose ports are not the ones looked for "
    "(--profile, --range)",
    NULL,
};

const char *
sum_verdict_name(SumVerdict v)
{
    return (guint)v < SUM_VERDICT_COUNT ? verdict_names[v] : "no-sum";
}

const char *
sum_verdict_title(SumVerdict v)
{
    return (guint)v < SUM_VERDICT_COUNT ? verdict_titles[v] : verdict_titles[0];
}

gboolean
sum_verdict_is_sum(SumVerdict v)
{
    return v == SUM_VERDICT_SUM;
}

const char *const *
sum_verdict_checks(void)
{
    return checks;
}

gchar *
sum_verdict_plan_ports(const SumProfile *p)
{
    GString *s = g_string_new(NULL);
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *r = &p->rules[i];
        g_string_append_printf(s, "%s%s %s %u", s->len ? ", " : "",
                               sum_plan_family_name(r->family),
                               r->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP", r->base);
        if (r->fallback_lo != 0 && r->fallback_lo != r->base + 1)
            g_string_append_printf(s, ",%u", r->fallback_lo);
        if (r->documented_end > MAX(r->base, r->fallback_lo))
            g_string_append_printf(s, "-%u", r->documented_end);
    }
    return g_string_free(s, FALSE);
}

/* A host, channel, allocation or finding of CONF or more. */
static gboolean
any_at(const SumResult *r, SumConfidence conf)
{
    for (guint i = 0; i < r->hosts->len; i++) {
        if (((const SumHost *)g_ptr_array_index(r->hosts, i))->confidence >= conf)
            return TRUE;
    }
    for (guint i = 0; i < r->channels->len; i++) {
        if (((const SumChannel *)g_ptr_array_index(r->channels, i))->confidence >= conf)
            return TRUE;
    }
    for (guint i = 0; i < r->allocations->len; i++) {
        if (((const SumAllocation *)g_ptr_array_index(r->allocations, i))->confidence >= conf)
            return TRUE;
    }
    for (guint i = 0; i < r->findings->len; i++) {
        if (((const SumFinding *)g_ptr_array_index(r->findings, i))->confidence >= conf)
            return TRUE;
    }
    return FALSE;
}

static gchar *
looked_for_line(const SumProfile *p)
{
    g_autofree gchar *ports = sum_verdict_plan_ports(p);
    return g_strdup_printf("%s plan, %s: %s", p->name, p->description, ports);
}

void
sum_verdict_decide(SumResult *r, const SumProfile *chosen)
{
    if (any_at(r, SUM_CONFIDENCE_MEDIUM))
        r->verdict = SUM_VERDICT_SUM;
    else if (any_at(r, SUM_CONFIDENCE_LOW))
        r->verdict = SUM_VERDICT_CANDIDATES_ONLY;
    else
        r->verdict = SUM_VERDICT_NO_SUM;
    GPtrArray *lines = g_ptr_array_new();
    if (chosen != NULL) {
        g_ptr_array_add(lines, looked_for_line(chosen));
    } else {
        for (int g = 0; g < SUM_GENERATION_COUNT; g++)
            g_ptr_array_add(lines, looked_for_line(sum_plan_profile((SumGeneration)g)));
    }
    g_ptr_array_add(lines, NULL);
    g_strfreev(r->looked_for);
    r->looked_for = (gchar **)g_ptr_array_free(lines, FALSE);
}
