/* sum-status.c: per-target status and the groups of targets that share an
 * issue (sum-status.h says what each status means). One pass over the
 * channels, by a hash of the targets, so a thousand targets cost no more
 * than their connections. */
#include "sum-status.h"

#include <string.h>

/* One listener a target's connections reached, and how they fared. */
typedef struct {
    SumFamily family;
    SumAddr holder;
    guint16 port;
    guint ok;              /* got through */
    guint blocked;         /* never answered */
    guint refused;         /* reset, or not SUM there */
    SumFrame first_fail;
} Lane;

typedef struct {
    SumTargetStatus *st;
    GArray *lanes;         /* Lane */
} Work;

typedef enum { OUTCOME_OK, OUTCOME_BLOCKED, OUTCOME_REFUSED } Outcome;

const char *
sum_status_name(SumStatus status)
{
    static const char *const names[SUM_STATUS_COUNT] = {"ok", "fell-back", "refused",
                                                         "blocked"};
    return (guint)status < SUM_STATUS_COUNT ? names[status] : "?";
}

static Outcome
outcome_of(const SumChannel *ch)
{
    switch (ch->conn.state) {
    case SUM_CONN_S0:
    case SUM_CONN_SH:
        return OUTCOME_BLOCKED;
    case SUM_CONN_REJ:
        return OUTCOME_REFUSED;
    default:
        /* Answered; a control probe that found something that is not SUM
         * did not get through to SUM. */
        return ch->search_step ? OUTCOME_REFUSED : OUTCOME_OK;
    }
}

static void
target_status_free(gpointer p)
{
    SumTargetStatus *st = p;
    g_array_unref(st->issues);
    g_free(st);
}

static void
work_free(gpointer p)
{
    Work *w = p;
    g_array_unref(w->lanes);
    g_free(w);
}

/* Adds ISSUE to ST, merged with one of the same status, family, holder and
 * port. ACCUMULATE: its attempts add up (one per connection); otherwise they
 * are a count already, and the larger one stands. */
static void
add_issue(SumTargetStatus *st, const SumStatusIssue *issue, gboolean accumulate)
{
    for (guint i = 0; i < st->issues->len; i++) {
        SumStatusIssue *x = &g_array_index(st->issues, SumStatusIssue, i);
        if (x->status != issue->status || x->family != issue->family ||
            x->port != issue->port || !sum_addr_equal(&x->holder, &issue->holder))
            continue;
        x->attempts = accumulate ? x->attempts + issue->attempts
                                 : MAX(x->attempts, issue->attempts);
        if (issue->first_frame != 0 &&
            (x->first_frame == 0 || issue->first_frame < x->first_frame))
            x->first_frame = issue->first_frame;
        if (x->used == 0)
            x->used = issue->used;
        return;
    }
    g_array_append_val(st->issues, *issue);
}

/* An allocation that a connection of the target got through on: one taken
 * because a lower port was held by another program, or past the range, is a
 * fallback for the target. */
static void
allocation_issue(SumTargetStatus *st, const SumAllocation *a, SumFrame frame)
{
    if (a == NULL)
        return;
    SumStatusIssue is = {SUM_STATUS_FELL_BACK, a->family, a->host, 0, a->port, a->cause, 1,
                         frame};
    if (a->cause == SUM_CAUSE_CONFLICT)
        is.port = a->conflicting_ports != NULL && a->conflicting_ports->len > 0
                      ? g_array_index(a->conflicting_ports, guint16, 0)
                      : a->base;
    else if (a->cause == SUM_CAUSE_OVERFLOW)
        is.port = a->range_end;
    else
        return;
    add_issue(st, &is, TRUE);
}

static Lane *
lane_of(Work *w, SumFamily family, const SumAddr *holder, guint16 port)
{
    for (guint i = 0; i < w->lanes->len; i++) {
        Lane *l = &g_array_index(w->lanes, Lane, i);
        if (l->family == family && l->port == port && sum_addr_equal(&l->holder, holder))
            return l;
    }
    Lane l = {family, *holder, port, 0, 0, 0, 0};
    g_array_append_val(w->lanes, l);
    return &g_array_index(w->lanes, Lane, w->lanes->len - 1);
}

static void
add_channel(Work *w, const SumResult *r, const SumChannel *ch)
{
    SumTargetStatus *st = w->st;
    const SumConn *c = &ch->conn;
    st->n_channels++;
    if (st->first_frame == 0 || c->first_frame < st->first_frame) {
        st->first_frame = c->first_frame;
        st->sum_host = ch->sum_host;
    }
    /* The listener reached: a message connection reaches the target's control
     * listener; every other one holds its family's port. */
    SumFamily family = ch->family == SUM_FAMILY_MESSAGE ? SUM_FAMILY_CONTROL : ch->family;
    Lane *l = lane_of(w, family, &c->resp, c->resp_port);
    switch (outcome_of(ch)) {
    case OUTCOME_OK:
        l->ok++;
        allocation_issue(st, ch->alloc, c->first_frame);
        allocation_issue(st, ch->peer_alloc, c->first_frame);
        return;
    case OUTCOME_BLOCKED:
        l->blocked++;
        break;
    case OUTCOME_REFUSED:
        l->refused++;
        break;
    }
    if (l->first_fail == 0 || c->first_frame < l->first_fail)
        l->first_fail = c->first_frame;
}

/* The port of FAMILY that got through, preferring HOLDER's, 0 if none. */
static guint16
family_ok_port(const Work *w, SumFamily family, const SumAddr *holder)
{
    guint16 any = 0;
    for (guint i = 0; i < w->lanes->len; i++) {
        const Lane *l = &g_array_index(w->lanes, Lane, i);
        if (l->family != family || l->ok == 0)
            continue;
        if (sum_addr_equal(&l->holder, holder))
            return l->port;
        if (any == 0)
            any = l->port;
    }
    return any;
}

static gint
issue_cmp(gconstpointer pa, gconstpointer pb)
{
    const SumStatusIssue *a = pa, *b = pb;
    if (a->status != b->status)
        return a->status > b->status ? -1 : 1;
    return a->first_frame < b->first_frame ? -1 : a->first_frame > b->first_frame;
}

static void
finish_target(Work *w)
{
    SumTargetStatus *st = w->st;
    for (guint i = 0; i < w->lanes->len; i++) {
        const Lane *l = &g_array_index(w->lanes, Lane, i);
        if (l->blocked + l->refused == 0 || l->ok > 0)
            continue; /* nothing failed, or a retry that got through */
        SumStatusIssue is = {SUM_STATUS_BLOCKED, l->family, l->holder, l->port, 0,
                             SUM_CAUSE_UNKNOWN, l->blocked + l->refused, l->first_fail};
        /* Another port of a family that searches is where SUM moved; the
         * web server's two ports are not each other's fallback, and bootstrap
         * ports are not a sequence: SMB answering on 139 or NetBIOS on 137 is
         * no fallback for a 445 that failed. */
        guint16 used = sum_plan_family_searches(l->family) && l->family != SUM_FAMILY_BOOTSTRAP
                           ? family_ok_port(w, l->family, &l->holder)
                           : 0;
        if (used != 0) {
            is.status = SUM_STATUS_FELL_BACK;
            is.used = used;
            is.cause = SUM_CAUSE_CONFLICT;
        } else if (l->blocked == 0) {
            is.status = SUM_STATUS_REFUSED;
        }
        add_issue(st, &is, FALSE);
    }
    g_array_sort(st->issues, issue_cmp);
    st->status = st->issues->len > 0 ? g_array_index(st->issues, SumStatusIssue, 0).status
                                     : SUM_STATUS_OK;
}

static gint
target_cmp(gconstpointer pa, gconstpointer pb)
{
    const SumTargetStatus *a = *(SumTargetStatus *const *)pa;
    const SumTargetStatus *b = *(SumTargetStatus *const *)pb;
    return sum_addr_compare(&a->target, &b->target);
}

GPtrArray *
sum_status_targets(const SumResult *r)
{
    g_return_val_if_fail(r != NULL, NULL);
    GPtrArray *out = g_ptr_array_new_with_free_func(target_status_free);
    GHashTable *by_addr = g_hash_table_new_full((GHashFunc)sum_addr_hash,
                                                (GEqualFunc)sum_addr_equal, NULL, work_free);
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_TARGET || g_hash_table_contains(by_addr, &h->addr))
            continue;
        Work *w = g_new0(Work, 1);
        w->st = g_new0(SumTargetStatus, 1);
        w->st->target = h->addr;
        w->st->issues = g_array_new(FALSE, TRUE, sizeof(SumStatusIssue));
        w->lanes = g_array_new(FALSE, TRUE, sizeof(Lane));
        g_ptr_array_add(out, w->st);
        g_hash_table_insert(by_addr, &w->st->target, w);
    }
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        Work *w = g_hash_table_lookup(by_addr, &ch->target);
        if (w != NULL)
            add_channel(w, r, ch);
    }
    GHashTableIter it;
    gpointer value;
    g_hash_table_iter_init(&it, by_addr);
    while (g_hash_table_iter_next(&it, NULL, &value))
        finish_target(value);
    g_hash_table_destroy(by_addr);
    g_ptr_array_sort(out, target_cmp);
    return out;
}

guint
sum_status_count(const GPtrArray *targets, SumStatus status)
{
    guint n = 0;
    for (guint i = 0; targets != NULL && i < targets->len; i++)
        n += ((const SumTargetStatus *)g_ptr_array_index(targets, i))->status == status;
    return n;
}

static void
group_free(gpointer p)
{
    SumStatusGroup *g = p;
    g_array_unref(g->targets);
    g_free(g);
}

static gint
group_cmp(gconstpointer pa, gconstpointer pb)
{
    const SumStatusGroup *a = *(SumStatusGroup *const *)pa;
    const SumStatusGroup *b = *(SumStatusGroup *const *)pb;
    if (a->status != b->status)
        return a->status > b->status ? -1 : 1;
    if (a->targets->len != b->targets->len)
        return a->targets->len > b->targets->len ? -1 : 1;
    return a->first_frame < b->first_frame ? -1 : a->first_frame > b->first_frame;
}

static gchar *
group_key(const SumStatusIssue *is, gboolean on_targets)
{
    char b[SUM_ADDR_STRLEN];
    return g_strdup_printf("%d/%d/%s/%u/%d", is->status, is->family,
                           on_targets ? "" : sum_addr_to_string(&is->holder, b, sizeof b),
                           is->port, is->cause);
}

GPtrArray *
sum_status_groups(const GPtrArray *targets)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(group_free);
    GHashTable *by_key = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    /* TARGETS are by address, so each group's targets are too. */
    for (guint i = 0; targets != NULL && i < targets->len; i++) {
        const SumTargetStatus *st = g_ptr_array_index(targets, i);
        for (guint k = 0; k < st->issues->len; k++) {
            const SumStatusIssue *is = &g_array_index(st->issues, SumStatusIssue, k);
            gboolean on_targets = sum_addr_equal(&is->holder, &st->target);
            gchar *key = group_key(is, on_targets);
            SumStatusGroup *g = g_hash_table_lookup(by_key, key);
            if (g == NULL) {
                g = g_new0(SumStatusGroup, 1);
                g->status = is->status;
                g->family = is->family;
                if (!on_targets)
                    g->holder = is->holder;
                g->on_targets = on_targets;
                g->port = is->port;
                g->used = is->used;
                g->cause = is->cause;
                g->targets = g_array_new(FALSE, FALSE, sizeof(SumAddr));
                g->first_frame = is->first_frame;
                g_ptr_array_add(out, g);
                g_hash_table_insert(by_key, key, g);
            } else {
                g_free(key);
            }
            g_array_append_val(g->targets, st->target);
            g->attempts += is->attempts;
            if (is->first_frame != 0 && (g->first_frame == 0 || is->first_frame < g->first_frame))
                g->first_frame = is->first_frame;
        }
    }
    g_hash_table_destroy(by_key);
    g_ptr_array_sort(out, group_cmp);
    return out;
}
