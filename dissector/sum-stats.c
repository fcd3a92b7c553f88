/* sum-stats.c: the plugin's statistics.
 *   -z sum,tree   a stats tree: frames and connections per family, port, cause
 *                 (also Statistics > SUM in Wireshark);
 *   -z sum,alloc  the allocation ledger computed by core's reconstruction:
 *                 the same story, in the same words, as the sumscope analyzer.
 */
#include "config-sum.h"

#include <stdio.h>
#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "packet-sum.h"

/* --- stats tree ----------------------------------------------------------- */

static int st_frames = -1;
static int st_conns = -1;
static int st_causes = -1;

static void
tree_init(stats_tree *st)
{
    st_frames = stats_tree_create_node(st, "SUM frames by family and port", 0, STAT_DT_INT,
                                       TRUE);
    st_conns = stats_tree_create_node(st, "SUM connections by family and port", 0,
                                      STAT_DT_INT, TRUE);
    st_causes = stats_tree_create_node(st, "SUM connections by cause", 0, STAT_DT_INT, TRUE);
}

static tap_packet_status
tree_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *p,
            tap_flags_t flags _U_)
{
    const sum_tap_info_t *t = (const sum_tap_info_t *)p;
    const sum_label_t *l = t->label;
    char port[16];
    g_snprintf(port, sizeof port, "%u", l->port);
    const char *fam = sum_plan_family_name(l->family);
    tick_stat_node(st, "SUM frames by family and port", 0, TRUE);
    int f = tick_stat_node(st, fam, st_frames, TRUE);
    tick_stat_node(st, port, f, FALSE);
    if (t->first_frame) {
        tick_stat_node(st, "SUM connections by family and port", 0, TRUE);
        int c = tick_stat_node(st, fam, st_conns, TRUE);
        tick_stat_node(st, port, c, FALSE);
        tick_stat_node(st, "SUM connections by cause", 0, TRUE);
        tick_stat_node(st, l->cause == SUM_CAUSE_UNKNOWN ? "unknown (use -2)"
                                                         : sum_plan_cause_name(l->cause),
                       st_causes, FALSE);
    }
    return TAP_PACKET_REDRAW;
}

/* --- the ledger as a tree, for Wireshark's Statistics menu -------------- */

static int st_ledger = -1;

static void
ledger_init(stats_tree *st)
{
    st_ledger = stats_tree_create_node(st, "SUM connections by port holder, port and cause", 0,
                                       STAT_DT_INT, TRUE);
}

/* The GUI computes statistics on a later pass, when the causes come from
 * core's reconstruction; a one-pass tshark gives "unknown" where -2 would
 * know. */
static tap_packet_status
ledger_packet(stats_tree *st, packet_info *pinfo _U_, epan_dissect_t *edt _U_, const void *p,
              tap_flags_t flags _U_)
{
    const sum_tap_info_t *t = (const sum_tap_info_t *)p;
    const sum_label_t *l = t->label;
    if (!t->first_frame || l->confidence < SUM_CONFIDENCE_MEDIUM)
        return TAP_PACKET_DONT_REDRAW;
    char item[96], holder[SUM_ADDR_STRLEN];
    g_snprintf(item, sizeof item, "%s %u: %s", sum_plan_family_name(l->family), l->port,
               l->cause == SUM_CAUSE_UNKNOWN ? "unknown (use -2)" : sum_plan_cause_name(l->cause));
    sum_addr_to_string(&l->holder, holder, sizeof holder);
    tick_stat_node(st, "SUM connections by port holder, port and cause", 0, TRUE);
    int h = tick_stat_node(st, holder, st_ledger, TRUE);
    tick_stat_node(st, item, h, FALSE);
    return TAP_PACKET_REDRAW;
}

/* --- -z sum,alloc ---------------------------------------------------------- */

typedef struct {
    guint frames;
} alloc_tap_t;

static tap_packet_status
alloc_packet(void *tapdata, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
             const void *data _U_, tap_flags_t flags _U_)
{
    ((alloc_tap_t *)tapdata)->frames++;
    return TAP_PACKET_DONT_REDRAW;
}

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

static void
alloc_draw(void *tapdata _U_)
{
    /* The same result the second pass labels from. */
    const SumResult *res = sum_follow_result(NULL);
    char b[SUM_ADDR_STRLEN];
    if (res == NULL)
        return;
    printf("\n===================================================================\n");
    printf("SUM allocation ledger (port plan: %s)\n", res->profile->name);
    for (guint i = 0; i < res->hosts->len; i++) {
        const SumHost *h = (const SumHost *)g_ptr_array_index(res->hosts, i);
        printf("%-9s %-39s confidence %s\n", sum_plan_role_name(h->role), a2s(&h->addr, b),
               sum_plan_confidence_name(h->confidence));
    }
    printf("\n%-39s %-9s %5s %5s %3s  %-12s %-14s %-9s %-6s %5s %s\n", "Host", "Family",
           "Port", "Base", "Off", "Cause", "In the way", "Evidence", "Conf", "Conns",
           "First frame");
    for (guint i = 0; i < res->allocations->len; i++) {
        const SumAllocation *a = (const SumAllocation *)g_ptr_array_index(res->allocations, i);
        GString *cp = g_string_new(NULL);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            g_string_append_printf(cp, "%s%u", k ? "," : "",
                                   g_array_index(a->conflicting_ports, guint16, k));
        printf("%-39s %-9s %5u %5u %3u  %-12s %-14s %-9s %-6s %5u %" G_GUINT64_FORMAT "\n",
               a2s(&a->host, b), sum_plan_family_name(a->family), a->port, a->base, a->offset,
               sum_plan_cause_name(a->cause), cp->len ? cp->str : "-",
               a->conflicting_ports->len ? sum_evidence_name(a->conflict_evidence) : "-",
               sum_plan_confidence_name(a->confidence), a->n_connections,
               (guint64)a->first_frame);
        g_string_free(cp, TRUE);
    }
    if (res->allocations->len == 0)
        printf("(no SUM allocation)\n");
    printf("\nFindings:\n");
    for (guint i = 0; i < res->findings->len; i++) {
        const SumFinding *f = (const SumFinding *)g_ptr_array_index(res->findings, i);
        printf("  %-7s %-15s %s:%u  %s\n", sum_plan_severity_name(f->severity),
               sum_plan_finding_name(f->code), a2s(&f->host, b), f->port, f->message);
        if (f->advice != NULL)
            printf("          what to do: %s\n", f->advice);
    }
    if (res->findings->len == 0)
        printf("  none\n");
    printf("===================================================================\n");
    fflush(stdout);
}

static void
alloc_finish(void *tapdata)
{
    g_free(tapdata);
}

static void
alloc_init(const char *opt_arg _U_, void *userdata _U_)
{
    alloc_tap_t *t = g_new0(alloc_tap_t, 1);
    GString *err = register_tap_listener("sum", t, NULL, 0, NULL, alloc_packet, alloc_draw,
                                         alloc_finish);
    if (err != NULL) {
        fprintf(stderr, "tshark: cannot register the sum,alloc tap: %s\n", err->str);
        g_string_free(err, TRUE);
        g_free(t);
    }
}

static stat_tap_ui alloc_ui = {
    REGISTER_STAT_GROUP_GENERIC, "SUM allocation ledger", "sum,alloc", alloc_init, 0, NULL,
};

void
sum_register_stats(void)
{
    stats_tree_register_plugin("sum", "sum", "SUM/Ports and causes", 0, tree_packet,
                               tree_init, NULL);
    stats_tree_register_plugin("sum", "sum_ledger", "SUM/Allocation ledger", 0, ledger_packet,
                               ledger_init, NULL);
    register_stat_tap_ui(&alloc_ui, NULL);
}
