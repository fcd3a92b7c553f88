/* sum-result.c: the result's lifetime and lookups (sum-result.h). */
#include "sum-result.h"

void
sum_host_free(gpointer p)
{
    SumHost *h = p;
    if (h == NULL)
        return;
    g_free(h->why);
    g_free(h->plan_reason);
    g_free(h);
}

SumAllocation *
sum_allocation_new(void)
{
    SumAllocation *a = g_new0(SumAllocation, 1);
    a->conflicting_ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    a->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    return a;
}

void
sum_allocation_free(gpointer p)
{
    SumAllocation *a = p;
    if (a == NULL)
        return;
    g_array_free(a->conflicting_ports, TRUE);
    g_array_free(a->frames, TRUE);
    g_free(a);
}

SumFinding *
sum_finding_new(SumFindingCode code)
{
    SumFinding *f = g_new0(SumFinding, 1);
    f->code = code;
    f->severity = sum_plan_finding_severity(code);
    f->transport = SUM_TRANSPORT_TCP;
    f->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    f->peers = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    f->t_first = G_MAXINT64;
    return f;
}

void
sum_finding_free(gpointer p)
{
    SumFinding *f = p;
    if (f == NULL)
        return;
    g_free(f->message);
    g_free(f->advice);
    g_array_free(f->frames, TRUE);
    g_array_free(f->peers, TRUE);
    g_free(f);
}

SumResult *
sum_result_new(void)
{
    SumResult *r = g_new0(SumResult, 1);
    r->hosts = g_ptr_array_new_with_free_func(sum_host_free);
    r->channels = g_ptr_array_new_with_free_func(g_free);
    r->allocations = g_ptr_array_new_with_free_func(sum_allocation_free);
    r->findings = g_ptr_array_new_with_free_func(sum_finding_free);
    r->root_causes = g_ptr_array_new_with_free_func(sum_root_cause_free);
    return r;
}

void
sum_result_free(SumResult *result)
{
    if (result == NULL)
        return;
    g_free(result->profile_reason);
    g_strfreev(result->looked_for);
    g_ptr_array_unref(result->hosts);
    g_ptr_array_unref(result->channels);
    g_ptr_array_unref(result->allocations);
    g_ptr_array_unref(result->findings);
    g_ptr_array_unref(result->root_causes);
    g_free(result->capture_filter);
    g_free(result->view_note);
    g_free(result->view_advice);
    g_free(result);
}

const SumHost *
sum_result_host(const SumResult *result, const SumAddr *addr)
{
    for (guint i = 0; i < result->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(result->hosts, i);
        if (sum_addr_equal(&h->addr, addr))
            return h;
    }
    return NULL;
}

guint
sum_result_count_severity(const SumResult *result, SumSeverity min)
{
    guint n = 0;
    for (guint i = 0; i < result->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(result->findings, i);
        if (f->severity >= min)
            n++;
    }
    return n;
}

const char *
sum_result_generation_name(const SumResult *r)
{
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role == SUM_ROLE_SUM_HOST)
            return r->mixed ? "mixed" : r->profile->name;
    }
    return NULL;
}

const SumProfile *
sum_result_profile_for(const SumResult *r, const SumAddr *addr)
{
    const SumProfile *as_target = NULL;
    for (guint i = 0; addr != NULL && i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->profile == NULL || !sum_addr_equal(&h->addr, addr))
            continue;
        if (h->role == SUM_ROLE_SUM_HOST)
            return h->profile;
        if (as_target == NULL)
            as_target = h->profile;
    }
    return as_target != NULL ? as_target : r->profile;
}

const char *
sum_evidence_name(SumEvidence evidence)
{
    static const char *const names[SUM_EVIDENCE_COUNT] = {
        "none", "traffic", "probe", "inferred",
    };
    return (guint)evidence < SUM_EVIDENCE_COUNT ? names[evidence] : "none";
}

SumRootCause *
sum_root_cause_new(SumRootCode code)
{
    SumRootCause *c = g_new0(SumRootCause, 1);
    c->code = code;
    c->findings = g_ptr_array_new();
    c->peers = g_array_new(FALSE, FALSE, sizeof(SumAddr));
    c->ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    c->frames = g_array_new(FALSE, FALSE, sizeof(SumFrame));
    return c;
}

void
sum_root_cause_free(gpointer p)
{
    SumRootCause *c = p;
    if (c == NULL)
        return;
    g_ptr_array_unref(c->findings);
    g_array_free(c->peers, TRUE);
    g_array_free(c->ports, TRUE);
    g_array_free(c->frames, TRUE);
    g_free(c->message);
    g_free(c->advice);
    g_free(c);
}

const char *
sum_root_cause_name(SumRootCode code)
{
    static const char *const names[SUM_ROOT_COUNT] = {
        "AGENT_NOT_RUNNING", "SUM_HOST_DROPS_CALLBACKS",
    };
    return (guint)code < SUM_ROOT_COUNT ? names[code] : "UNKNOWN";
}

const char *
sum_root_cause_title(SumRootCode code)
{
    static const char *const titles[SUM_ROOT_COUNT] = {
        "SUM agent not running on the target", "the SUM host's firewall drops callbacks",
    };
    return (guint)code < SUM_ROOT_COUNT ? titles[code] : "unknown root cause";
}

static guint
rank_hash(gconstpointer k)
{
    return sum_addr_hash(k);
}

static gboolean
rank_equal(gconstpointer a, gconstpointer b)
{
    return sum_addr_equal(a, b);
}

/* Host ranks (first appearance), for sorting allocations by host. */
static gint
alloc_cmp(gconstpointer a, gconstpointer b, gpointer ranks)
{
    const SumAllocation *x = *(SumAllocation *const *)a, *y = *(SumAllocation *const *)b;
    guint hx = GPOINTER_TO_UINT(g_hash_table_lookup(ranks, &x->host));
    guint hy = GPOINTER_TO_UINT(g_hash_table_lookup(ranks, &y->host));
    hx = hx == 0 ? G_MAXUINT : hx;
    hy = hy == 0 ? G_MAXUINT : hy;
    if (hx != hy)
        return hx < hy ? -1 : 1;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    return x->first_frame < y->first_frame ? -1 : x->first_frame > y->first_frame;
}

void
sum_result_sort_allocations(SumResult *r)
{
    GHashTable *ranks = g_hash_table_new(rank_hash, rank_equal);
    for (guint i = r->hosts->len; i-- > 0;) {
        SumHost *h = g_ptr_array_index(r->hosts, i);
        g_hash_table_replace(ranks, &h->addr, GUINT_TO_POINTER(i + 1));
    }
    g_ptr_array_sort_with_data(r->allocations, alloc_cmp, ranks);
    g_hash_table_destroy(ranks);
    for (guint i = 0; i < r->allocations->len; i++)
        ((SumAllocation *)g_ptr_array_index(r->allocations, i))->index = i;
}
