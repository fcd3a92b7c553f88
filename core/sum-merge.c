/* sum-merge.c: one story from the port plans' readings (sum-merge.h). */
#include "sum-merge.h"
#include "sum-words.h"

#include <string.h>

static void
replace_array(GPtrArray **slot, GPtrArray *with)
{
    g_ptr_array_unref(*slot);
    *slot = with;
}

/* --- each SUM host's plan ------------------------------------------------- */


static gboolean
has_sum_host(const SumResult *r, const SumAddr *a)
{
    for (guint i = 0; r != NULL && i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role == SUM_ROLE_SUM_HOST && sum_addr_equal(&h->addr, a))
            return TRUE;
    }
    return FALSE;
}

/* Every SUM host any run found, in order of first appearance, each given
 * the run of the plan its evidence supports best among those that found it
 * (a wrong guess must not make a deployment vanish). FORCED: the one run. */
GArray *
sum_merge_assign_hosts(const PlanRun *runs, const SumGenEvidence *gev, int forced)
{
    GArray *out = g_array_new(FALSE, TRUE, sizeof(HostPlan));
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumResult *r = runs[g].result;
        for (guint i = 0; r != NULL && i < r->hosts->len; i++) {
            const SumHost *h = g_ptr_array_index(r->hosts, i);
            gboolean have = FALSE;
            for (guint k = 0; k < out->len && !have; k++)
                have = sum_addr_equal(&g_array_index(out, HostPlan, k).addr, &h->addr);
            if (h->role != SUM_ROLE_SUM_HOST || have)
                continue;
            HostPlan hp;
            memset(&hp, 0, sizeof hp);
            hp.addr = h->addr;
            sum_generation_host(gev, &h->addr, &hp.verdict);
            hp.run = forced;
            if (forced < 0) {
                int want = hp.verdict.generation;
                hp.run = has_sum_host(runs[want].result, &h->addr) ? want : -1;
                for (int k = 0; k < SUM_GENERATION_COUNT && hp.run != want; k++) {
                    if (has_sum_host(runs[k].result, &h->addr) &&
                        (hp.run < 0 || hp.verdict.score[k] > hp.verdict.score[hp.run]))
                        hp.run = k;
                }
                hp.fallback = hp.run != want;
            }
            g_array_append_val(out, hp);
        }
    }
    return out;
}

static const HostPlan *
host_plan(const GArray *plans, const SumAddr *a)
{
    for (guint i = 0; i < plans->len; i++) {
        const HostPlan *hp = &g_array_index(plans, HostPlan, i);
        if (sum_addr_equal(&hp->addr, a))
            return hp;
    }
    return NULL;
}

static int
run_of(const GArray *plans, const SumAddr *a)
{
    const HostPlan *hp = host_plan(plans, a);
    return hp != NULL ? hp->run : -1;
}

/* --- one story from several plans ---------------------------------------- */

typedef struct {
    int run;
    const SumPair *pair;
} KeptPair;

static gint
kept_pair_cmp(gconstpointer a, gconstpointer b)
{
    const KeptPair *x = a, *y = b;
    if (x->pair->first_frame != y->pair->first_frame)
        return x->pair->first_frame < y->pair->first_frame ? -1 : 1;
    return x->run - y->run;
}

static gint
channel_cmp(gconstpointer a, gconstpointer b)
{
    const SumChannel *x = *(SumChannel *const *)a, *y = *(SumChannel *const *)b;
    return x->conn.first_frame < y->conn.first_frame ? -1
                                                     : x->conn.first_frame > y->conn.first_frame;
}

/* sum-findings.c's order: by severity, then time. */
static gint
finding_cmp(gconstpointer a, gconstpointer b)
{
    const SumFinding *x = *(SumFinding *const *)a, *y = *(SumFinding *const *)b;
    if (x->severity != y->severity)
        return x->severity > y->severity ? -1 : 1;
    if (x->t_first != y->t_first)
        return x->t_first < y->t_first ? -1 : 1;
    return x->port < y->port ? -1 : x->port > y->port;
}

static gboolean
in_set(GHashTable *set, gconstpointer p)
{
    return g_hash_table_contains(set, p);
}

/* Whether run G keeps finding F: a kept channel is evidence of it, or it is
 * about a port of a kept allocation (a conflict, an overflow), or about a
 * SUM host G's story is. */
static gboolean
keep_finding(const SumFinding *f, int g, const GArray *plans, GHashTable *cited,
             const GPtrArray *allocs)
{
    if (in_set(cited, f) || run_of(plans, &f->host) == g)
        return TRUE;
    for (guint i = 0; i < allocs->len; i++) {
        const SumAllocation *a = g_ptr_array_index(allocs, i);
        if (!sum_addr_equal(&a->host, &f->host))
            continue;
        if (a->port == f->port)
            return TRUE;
        for (guint k = 0; k < a->conflicting_ports->len; k++) {
            if (g_array_index(a->conflicting_ports, guint16, k) == f->port)
                return TRUE;
        }
    }
    return FALSE;
}

/* Moves into OUT what run G tells of the SUM hosts given to it, frees the
 * rest of its channels, allocations and findings. */
static void
take_story(SumResult *r, int g, const GArray *plans, GPtrArray *channels, GPtrArray *allocs,
           GPtrArray *findings)
{
    GHashTable *kept_allocs = g_hash_table_new(g_direct_hash, g_direct_equal);
    GHashTable *cited = g_hash_table_new(g_direct_hash, g_direct_equal);
    g_ptr_array_set_free_func(r->channels, NULL);
    g_ptr_array_set_free_func(r->allocations, NULL);
    g_ptr_array_set_free_func(r->findings, NULL);
    for (guint i = 0; i < r->channels->len; i++) {
        SumChannel *ch = g_ptr_array_index(r->channels, i);
        if (run_of(plans, &ch->sum_host) != g) {
            g_free(ch);
            continue;
        }
        g_ptr_array_add(channels, ch);
        if (ch->alloc != NULL)
            g_hash_table_add(kept_allocs, ch->alloc);
        if (ch->peer_alloc != NULL)
            g_hash_table_add(kept_allocs, ch->peer_alloc);
        if (ch->finding != NULL)
            g_hash_table_add(cited, (gpointer)ch->finding);
    }
    GPtrArray *mine = g_ptr_array_new();
    for (guint i = 0; i < r->allocations->len; i++) {
        SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (in_set(kept_allocs, a) || run_of(plans, &a->host) == g) {
            g_ptr_array_add(allocs, a);
            g_ptr_array_add(mine, a);
        } else {
            sum_allocation_free(a);
        }
    }
    for (guint i = 0; i < r->findings->len; i++) {
        SumFinding *f = g_ptr_array_index(r->findings, i);
        if (keep_finding(f, g, plans, cited, mine))
            g_ptr_array_add(findings, f);
        else
            sum_finding_free(f);
    }
    g_ptr_array_set_size(r->channels, 0);
    g_ptr_array_set_size(r->allocations, 0);
    g_ptr_array_set_size(r->findings, 0);
    g_ptr_array_unref(mine);
    g_hash_table_destroy(kept_allocs);
    g_hash_table_destroy(cited);
}

/* One finding per (code, host, port) across the plans: the first stays,
 * the channels of a later one point at it. */
static void
merge_duplicate_findings(GPtrArray *findings, GPtrArray *channels)
{
    for (guint i = 0; i < findings->len; i++) {
        SumFinding *f = g_ptr_array_index(findings, i);
        for (guint j = i + 1; j < findings->len;) {
            SumFinding *d = g_ptr_array_index(findings, j);
            if (d->code != f->code || d->port != f->port || !sum_addr_equal(&d->host, &f->host)) {
                j++;
                continue;
            }
            f->count += d->count;
            for (guint k = 0; k < d->peers->len; k++)
                g_array_append_val(f->peers, g_array_index(d->peers, SumAddr, k));
            f->t_first = MIN(f->t_first, d->t_first);
            for (guint k = 0; k < channels->len; k++) {
                SumChannel *ch = g_ptr_array_index(channels, k);
                if (ch->finding == d)
                    ch->finding = f;
            }
            g_ptr_array_remove_index(findings, j); /* frees D */
        }
    }
}

/* The hosts of the kept pairs in order of first appearance (as
 * sum_pairs_hosts() orders them), and new session numbers. */
static GPtrArray *
merge_hosts(PlanRun *runs, const GArray *plans, GArray *sessions[SUM_GENERATION_COUNT])
{
    GArray *kept = g_array_new(FALSE, FALSE, sizeof(KeptPair));
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        sessions[g] = g_array_new(FALSE, TRUE, sizeof(guint));
        for (guint i = 0; runs[g].pairs != NULL && i < sum_pairs_count(runs[g].pairs); i++) {
            const SumPair *p = sum_pairs_at(runs[g].pairs, i);
            if (p->confidence >= SUM_CONFIDENCE_MEDIUM && run_of(plans, &p->sum_host) == g) {
                KeptPair k = {g, p};
                g_array_append_val(kept, k);
            }
        }
    }
    g_array_sort(kept, kept_pair_cmp);
    GPtrArray *hosts = g_ptr_array_new_with_free_func(sum_host_free);
    for (guint i = 0; i < kept->len; i++) {
        const KeptPair *k = &g_array_index(kept, KeptPair, i);
        GArray *map = sessions[k->run];
        if (map->len <= k->pair->session)
            g_array_set_size(map, k->pair->session + 1);
        g_array_index(map, guint, k->pair->session) = i + 1;
        GPtrArray *from = runs[k->run].result->hosts;
        for (int role = SUM_ROLE_SUM_HOST; role <= SUM_ROLE_TARGET; role++) {
            const SumAddr *a = role == SUM_ROLE_SUM_HOST ? &k->pair->sum_host : &k->pair->target;
            SumHost *have = NULL;
            for (guint j = 0; j < hosts->len && have == NULL; j++) {
                SumHost *h = g_ptr_array_index(hosts, j);
                if (h->role == (SumRole)role && sum_addr_equal(&h->addr, a))
                    have = h;
            }
            for (guint j = 0; j < from->len; j++) {
                SumHost *h = g_ptr_array_index(from, j);
                if (h == NULL || h->role != (SumRole)role || !sum_addr_equal(&h->addr, a))
                    continue;
                if (have == NULL) {
                    g_ptr_array_add(hosts, h);
                    from->pdata[j] = NULL;
                } else if (have != h) {
                    /* A target of SUM hosts read with different plans. */
                    have->n_peers += h->n_peers;
                    have->confidence = MAX(have->confidence, h->confidence);
                }
                break;
            }
        }
    }
    for (guint i = 0; i < hosts->len; i++)
        ((SumHost *)g_ptr_array_index(hosts, i))->id = i + 1;
    g_array_free(kept, TRUE);
    return hosts;
}

static guint
new_session(GArray *map, guint old)
{
    return old != 0 && old < map->len ? g_array_index(map, guint, old) : 0;
}

/* The story of every SUM host from the run its plan is, into BASE's result. */
SumResult *
sum_merge_runs(PlanRun *runs, int base, const GArray *plans)
{
    SumResult *r = runs[base].result;
    GPtrArray *channels = g_ptr_array_new_with_free_func(g_free);
    GPtrArray *allocs = g_ptr_array_new_with_free_func(sum_allocation_free);
    GPtrArray *findings = g_ptr_array_new_with_free_func(sum_finding_free);
    GArray *sessions[SUM_GENERATION_COUNT];
    GPtrArray *hosts = merge_hosts(runs, plans, sessions);
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        if (runs[g].result == NULL)
            continue;
        guint from_ch = channels->len, from_a = allocs->len;
        take_story(runs[g].result, g, plans, channels, allocs, findings);
        for (guint i = from_ch; i < channels->len; i++) {
            SumChannel *ch = g_ptr_array_index(channels, i);
            ch->session = new_session(sessions[g], ch->session);
        }
        for (guint i = from_a; i < allocs->len; i++) {
            SumAllocation *a = g_ptr_array_index(allocs, i);
            a->session = new_session(sessions[g], a->session);
        }
    }
    merge_duplicate_findings(findings, channels);
    g_ptr_array_sort(channels, channel_cmp);
    g_ptr_array_sort(findings, finding_cmp);
    replace_array(&r->hosts, hosts);
    replace_array(&r->channels, channels);
    replace_array(&r->allocations, allocs);
    replace_array(&r->findings, findings);
    for (int g = 0; g < SUM_GENERATION_COUNT; g++)
        g_array_free(sessions[g], TRUE);
    r->mixed = TRUE;
    return r;
}

/* --- the words of the plans ---------------------------------------------- */

static void
words_of_host(SumHost *h, const HostPlan *hp, const SumProfile *plan, gboolean forced)
{
    g_free(h->plan_reason);
    h->profile = plan;
    h->plan_other = SUM_GENERATION_COUNT;
    const SumGenVerdict *v = &hp->verdict;
    if (forced) {
        gboolean agree = v->confidence == SUM_CONFIDENCE_NONE ||
                         v->generation == plan->generation;
        h->plan_confidence = agree ? v->confidence : SUM_CONFIDENCE_LOW;
        if (!agree)
            h->plan_other = v->generation;
        gchar *why = sum_words_generation(v);
        h->plan_reason = agree ? g_strdup_printf("chosen: %s; %s", plan->description, why)
                               : g_strdup_printf("chosen: %s; the capture's own signs point "
                                                 "elsewhere: %s", plan->description, why);
        g_free(why);
        return;
    }
    if (!hp->fallback) {
        h->plan_confidence = v->confidence;
        h->plan_other = v->other;
        h->plan_reason = sum_words_generation(v);
        return;
    }
    /* Its best-supported plan's reading did not find it: the one that did. */
    gchar *why = sum_words_generation(v);
    h->plan_confidence = SUM_CONFIDENCE_LOW;
    h->plan_other = v->generation;
    h->plan_reason = g_strdup_printf("only the %s plan reads its traffic as SUM's, though %s",
                                     plan->name, why);
    g_free(why);
}

/* Each host's plan, a target's its first SUM host's; the capture's. */
void
sum_merge_words(SumResult *r, const GArray *plans, const PlanRun *runs, gboolean forced,
               const SumGenVerdict *capture)
{
    guint n_sum = 0;
    SumConfidence least = SUM_CONFIDENCE_HIGH;
    const SumHost *first = NULL;
    for (guint i = 0; i < r->hosts->len; i++) {
        SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_SUM_HOST)
            continue;
        const HostPlan *hp = host_plan(plans, &h->addr);
        words_of_host(h, hp, runs[hp->run].plan, forced);
        least = MIN(least, h->plan_confidence);
        n_sum++;
        if (first == NULL)
            first = h;
    }
    for (guint i = 0; i < r->hosts->len; i++) {
        SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_TARGET)
            continue;
        for (guint k = 0; k < r->channels->len && h->profile == NULL; k++) {
            const SumChannel *ch = g_ptr_array_index(r->channels, k);
            if (sum_addr_equal(&ch->target, &h->addr))
                h->profile = sum_result_profile_for(r, &ch->sum_host);
        }
        if (h->profile == NULL)
            h->profile = r->profile;
        h->plan_other = SUM_GENERATION_COUNT;
    }
    g_free(r->profile_reason);
    if (forced) {
        r->profile_reason = g_strdup_printf("chosen: %s", r->profile->description);
        r->profile_confidence = n_sum > 0 ? least : capture->confidence;
    } else if (n_sum == 0) {
        r->profile_reason = sum_words_generation(capture);
        r->profile_confidence = capture->confidence;
    } else if (!r->mixed) {
        r->profile_reason = n_sum == 1 ? g_strdup(first->plan_reason)
                                       : g_strdup_printf("%s (the same plan for all %u SUM "
                                                         "hosts)", first->plan_reason, n_sum);
        r->profile_confidence = least;
    } else {
        GString *s = g_string_new("SUM hosts of more than one generation:");
        for (guint i = 0; i < r->hosts->len; i++) {
            const SumHost *h = g_ptr_array_index(r->hosts, i);
            char a[SUM_ADDR_STRLEN];
            if (h->role == SUM_ROLE_SUM_HOST)
                g_string_append_printf(s, "%s %s %s", s->str[s->len - 1] == ':' ? "" : ",",
                                       sum_addr_to_string(&h->addr, a, sizeof a),
                                       h->profile->name);
        }
        g_string_append(s, " (each SUM host's own plan says why)");
        r->profile_reason = g_string_free(s, FALSE);
        r->profile_confidence = least;
    }
}
