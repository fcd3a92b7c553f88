/* sum-stats.c: the plugin's statistics, all read from core's SumResult (the
 * reconstruction over every conversation the plugin saw), so that tshark,
 * the GUI and sumscope tell one story in the same words.
 *
 *   Statistics > SUM > Ports and causes   (-z sum_ports,tree; -z sum,tree)
 *     frames and connections per family and port, connections per cause;
 *   Statistics > SUM > Allocation ledger  (-z sum_ledger,tree)
 *     per host the allocations (family, port, cause, the ports in the way,
 *     the evidence, confidence; counted in connections), and the findings;
 *   -z sum,alloc                          the ledger as sumscope prints it.
 *
 * A stats tree is filled from the result when the tap shows it the first
 * SUM frame of a pass over a loaded file (the GUI's Statistics dialogs;
 * tshark -2). Wireshark's GUI knows no -z for stats trees, and a one-pass
 * tshark has no result until the end: -z sum,tree and -z sum,alloc are
 * therefore our own commands, drawn from the result once the file is read,
 * the same in tshark and in wireshark (which prints them on its terminal).
 */
#include "config-sum.h"

#include <stdio.h>
#include <epan/packet.h>
#include <epan/stats_tree.h>
#include <epan/stats_tree_priv.h>
#include <epan/stat_tap_ui.h>
#include <epan/tap.h>

#include "packet-sum.h"
#include "sum-words.h"

#define PORTS_ABBR "sum_ports"
#define LEDGER_ABBR "sum_ledger"

static const char N_FRAMES[] = "SUM frames by family and port";
static const char N_CONNS[] = "SUM connections by family and port";
static const char N_CAUSES[] = "SUM connections by cause";
static const char N_LEDGER[] = "SUM allocation ledger";
static const char N_FINDINGS[] = "SUM findings";
static const char N_ONE_PASS[] = "(over the whole capture only: tshark -2, -z sum,tree or "
                                 "-z sum,alloc)";

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

/* "60000" or "60000,60001"; "-" for none. */
static GString *
ports_text(const GArray *ports)
{
    GString *s = g_string_new(NULL);
    for (guint k = 0; k < ports->len; k++)
        g_string_append_printf(s, "%s%u", k ? "," : "", g_array_index(ports, guint16, k));
    if (s->len == 0)
        g_string_assign(s, "-");
    return s;
}

/* --- filling a stats tree from the result ---------------------------------- */

static void
zero_nodes(stat_node *n)
{
    for (; n != NULL; n = n->next) {
        n->counter = 0;
        zero_nodes(n->children);
    }
}

/* The counters are filled at once, not as frames go by: no burst to tell. */
static void
clear_bursts(stat_node *n)
{
    for (; n != NULL; n = n->next) {
        n->bcount = 0;
        n->max_burst = 0;
        n->burst_time = -1.0;
        clear_bursts(n->children);
    }
}

/* Adds VALUE to the node NAME under PARENT (created if new); its id. */
static int
add(stats_tree *st, const char *name, int parent, gboolean has_children, gint value)
{
    return increase_stat_node(st, name, parent, has_children, value);
}

static void
ports_init(stats_tree *st)
{
    stats_tree_create_node(st, N_FRAMES, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, N_CONNS, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, N_CAUSES, 0, STAT_DT_INT, TRUE);
}

/* Frames and connections of every SUM channel by family and port, and the
 * channels by the cause of their allocation. */
static void
ports_build(stats_tree *st, const SumResult *r)
{
    int frames = stats_tree_parent_id_by_name(st, N_FRAMES);
    int conns = stats_tree_parent_id_by_name(st, N_CONNS);
    int causes = stats_tree_parent_id_by_name(st, N_CAUSES);
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = (const SumChannel *)g_ptr_array_index(r->channels, i);
        const char *fam = sum_plan_family_name(ch->family);
        gint packets = (gint)MIN(ch->conn.packets, (guint64)G_MAXINT);
        char port[8];
        g_snprintf(port, sizeof port, "%u", ch->sum_port);
        SumCause cause = ch->alloc != NULL
                             ? ch->alloc->cause
                             : (ch->family == SUM_FAMILY_BOOTSTRAP ? SUM_CAUSE_DEFAULT
                                                                   : SUM_CAUSE_UNKNOWN);
        add(st, N_FRAMES, 0, TRUE, packets);
        add(st, port, add(st, fam, frames, TRUE, packets), FALSE, packets);
        add(st, N_CONNS, 0, TRUE, 1);
        add(st, port, add(st, fam, conns, TRUE, 1), FALSE, 1);
        add(st, N_CAUSES, 0, TRUE, 1);
        add(st, sum_plan_cause_name(cause), causes, FALSE, 1);
    }
}

static void
ledger_init(stats_tree *st)
{
    stats_tree_create_node(st, N_LEDGER, 0, STAT_DT_INT, TRUE);
    stats_tree_create_node(st, N_FINDINGS, 0, STAT_DT_INT, TRUE);
}

/* "10.77.0.1 (sum-host, high confidence)" */
static gchar *
host_text(const SumResult *r, const SumAddr *addr)
{
    char b[SUM_ADDR_STRLEN];
    const SumHost *h = sum_result_host(r, addr);
    if (h == NULL)
        return g_strdup(a2s(addr, b));
    return g_strdup_printf("%s (%s, %s confidence)", a2s(addr, b), sum_plan_role_name(h->role),
                           sum_plan_confidence_name(h->confidence));
}

/* One row of sumscope's ledger: "message 60001 conflict (60000 in the way,
 * inferred), medium confidence, first frame 49". */
static gchar *
alloc_text(const SumAllocation *a)
{
    GString *in_way = ports_text(a->conflicting_ports);
    gchar *why = a->conflicting_ports->len > 0
                     ? g_strdup_printf(" (%s in the way, %s)", in_way->str,
                                       sum_evidence_name(a->conflict_evidence))
                     : g_strdup("");
    gchar *s = g_strdup_printf("%s %u %s%s, %s confidence, first frame %" G_GUINT64_FORMAT,
                               sum_plan_family_name(a->family), a->port,
                               sum_plan_cause_name(a->cause), why,
                               sum_plan_confidence_name(a->confidence),
                               (guint64)a->first_frame);
    g_free(why);
    g_string_free(in_way, TRUE);
    return s;
}

/* "error PORT_BLOCKED 10.77.0.1:61001 (probe evidence): callback port ..." */
static gchar *
finding_text(const SumFinding *f)
{
    char b[SUM_ADDR_STRLEN];
    return g_strdup_printf("%s %s %s:%u (%s evidence): %s", sum_plan_severity_name(f->severity),
                           sum_plan_finding_name(f->code), a2s(&f->host, b), f->port,
                           sum_evidence_name(f->evidence), f->message);
}

/* Per host its allocations, counted in connections; the findings, counted
 * in the connection attempts behind them. */
static void
ledger_build(stats_tree *st, const SumResult *r)
{
    int ledger = stats_tree_parent_id_by_name(st, N_LEDGER);
    int findings = stats_tree_parent_id_by_name(st, N_FINDINGS);
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = (const SumAllocation *)g_ptr_array_index(r->allocations, i);
        gint n = (gint)MIN(a->n_connections, (guint)G_MAXINT);
        gchar *host = host_text(r, &a->host), *row = alloc_text(a);
        add(st, N_LEDGER, 0, TRUE, n);
        add(st, row, add(st, host, ledger, TRUE, n), FALSE, n);
        g_free(host);
        g_free(row);
    }
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = (const SumFinding *)g_ptr_array_index(r->findings, i);
        gint n = (gint)MIN(MAX(f->count, 1u), (guint)G_MAXINT);
        gchar *row = finding_text(f);
        add(st, N_FINDINGS, 0, TRUE, n);
        add(st, row, findings, FALSE, n);
        g_free(row);
    }
}

/* --- the stats trees of the Statistics menu -------------------------------- */

/* Which result a tree was last filled from, and the last frame it saw: a
 * frame number that goes back means a new pass (the counters were reset). */
typedef struct {
    guint generation;
    guint32 last_frame;
} tree_mark_t;

static GHashTable *marks; /* stats_tree* -> tree_mark_t* */

static tap_packet_status
fill_on_packet(stats_tree *st, packet_info *pinfo, const sum_tap_info_t *tap,
               void (*build)(stats_tree *, const SumResult *))
{
    /* Taps run after the frame is marked visited: ask how it was dissected. */
    if (!tap->later_pass) {
        /* One pass: the result exists only once the capture is read. */
        set_stat_node(st, N_ONE_PASS, 0, TRUE, 0);
        return TAP_PACKET_DONT_REDRAW;
    }
    guint generation = 0;
    const SumResult *r = sum_follow_result(&generation);
    if (r == NULL)
        return TAP_PACKET_DONT_REDRAW;
    if (marks == NULL)
        marks = g_hash_table_new_full(g_direct_hash, g_direct_equal, NULL, g_free);
    tree_mark_t *m = (tree_mark_t *)g_hash_table_lookup(marks, st);
    gboolean again = m == NULL || m->generation != generation || pinfo->num <= m->last_frame;
    if (m == NULL) {
        m = g_new0(tree_mark_t, 1);
        g_hash_table_insert(marks, st, m);
    }
    m->last_frame = pinfo->num;
    if (!again)
        return TAP_PACKET_DONT_REDRAW;
    m->generation = generation;
    st->root.counter = 0;
    zero_nodes(st->root.children);
    build(st, r);
    clear_bursts(st->root.children);
    return TAP_PACKET_REDRAW;
}

static tap_packet_status
ports_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
             tap_flags_t flags _U_)
{
    return fill_on_packet(st, pinfo, (const sum_tap_info_t *)p, ports_build);
}

static tap_packet_status
ledger_packet(stats_tree *st, packet_info *pinfo, epan_dissect_t *edt _U_, const void *p,
              tap_flags_t flags _U_)
{
    return fill_on_packet(st, pinfo, (const sum_tap_info_t *)p, ledger_build);
}

static void
tree_cleanup(stats_tree *st)
{
    if (marks != NULL)
        g_hash_table_remove(marks, st);
}

/* --- -z sum,tree: the Ports and causes tree, drawn once the file is read --- */

typedef struct {
    stats_tree_cfg cfg;      /* the registered one without its GUI hooks */
    stats_tree *st;
} solo_tree_t;

static tap_packet_status
no_packet(void *tapdata _U_, packet_info *pinfo _U_, epan_dissect_t *edt _U_,
          const void *data _U_, tap_flags_t flags _U_)
{
    return TAP_PACKET_DONT_REDRAW;
}

static void
solo_draw(void *tapdata)
{
    solo_tree_t *t = (solo_tree_t *)tapdata;
    const SumResult *r = sum_follow_result(NULL);
    stats_tree_reinit(t->st);
    if (r != NULL)
        ports_build(t->st, r);
    clear_bursts(t->st->root.children);
    GString *s = stats_tree_format_as_str(t->st, ST_FORMAT_PLAIN,
                                          stats_tree_get_default_sort_col(t->st),
                                          stats_tree_is_default_sort_DESC(t->st));
    printf("%s", s->str);
    fflush(stdout);
    g_string_free(s, TRUE);
}

static void
solo_finish(void *tapdata)
{
    solo_tree_t *t = (solo_tree_t *)tapdata;
    stats_tree_free(t->st);
    g_free(t);
}

static void
report_tap_error(const char *what, GString *err)
{
    fprintf(stderr, "sum: cannot register the %s tap: %s\n", what, err->str);
    g_string_free(err, TRUE);
}

static void
solo_init(const char *opt_arg _U_, void *userdata _U_)
{
    const stats_tree_cfg *cfg = stats_tree_get_cfg_by_abbr(PORTS_ABBR);
    if (cfg == NULL)
        return;
    solo_tree_t *t = g_new0(solo_tree_t, 1);
    /* Our own tree: the GUI's node hooks would put it into an open dialog. */
    t->cfg = *cfg;
    t->cfg.setup_node_pr = NULL;
    t->cfg.pr = NULL;
    t->cfg.new_tree_pr = NULL;
    t->cfg.free_tree_pr = NULL;
    t->cfg.cleanup = NULL;
    t->st = stats_tree_new(&t->cfg, NULL, NULL);
    GString *err = register_tap_listener("sum", t, NULL, 0, NULL, no_packet, solo_draw,
                                         solo_finish);
    if (err != NULL) {
        report_tap_error("sum,tree", err);
        stats_tree_free(t->st);
        g_free(t);
    }
}

/* --- -z sum,alloc: the ledger as sumscope prints it ------------------------ */

static void
print_allocations(const SumResult *res)
{
    char b[SUM_ADDR_STRLEN];
    printf("\n%-39s %-9s %5s %5s %3s  %-12s %-14s %-9s %-6s %5s %s\n", "Host", "Family",
           "Port", "Base", "Off", "Cause", "In the way", "Evidence", "Conf", "Conns",
           "First frame");
    for (guint i = 0; i < res->allocations->len; i++) {
        const SumAllocation *a = (const SumAllocation *)g_ptr_array_index(res->allocations, i);
        GString *cp = ports_text(a->conflicting_ports);
        printf("%-39s %-9s %5u %5u %3u  %-12s %-14s %-9s %-6s %5u %" G_GUINT64_FORMAT "\n",
               a2s(&a->host, b), sum_plan_family_name(a->family), a->port, a->base, a->offset,
               sum_plan_cause_name(a->cause), cp->str,
               a->conflicting_ports->len ? sum_evidence_name(a->conflict_evidence) : "-",
               sum_plan_confidence_name(a->confidence), a->n_connections,
               (guint64)a->first_frame);
        g_string_free(cp, TRUE);
    }
    if (res->allocations->len == 0)
        printf("(no SUM allocation)\n");
}

/* The view, and what the findings come down to (core's words), first. */
static void
print_root_causes(const SumResult *res)
{
    char b[SUM_ADDR_STRLEN];
    if (res->view_note != NULL)
        printf("\nView: %s\n%s%s%s", res->view_note, res->view_advice ? "  how to tell: " : "",
               res->view_advice ? res->view_advice : "", res->view_advice ? "\n" : "");
    if (res->root_causes->len > 0)
        printf("\nWhat it comes down to:\n");
    for (guint i = 0; i < res->root_causes->len; i++) {
        const SumRootCause *rc = (const SumRootCause *)g_ptr_array_index(res->root_causes, i);
        printf("  %-24s %s  %s (%s confidence, evidence: %s, explains %u finding%s)\n",
               sum_root_cause_name(rc->code), a2s(&rc->host, b), rc->message,
               sum_plan_confidence_name(rc->confidence), sum_evidence_name(rc->evidence),
               rc->findings->len, rc->findings->len == 1 ? "" : "s");
        if (rc->advice != NULL)
            printf("          what to do: %s\n", rc->advice);
    }
}

static void
print_findings(const SumResult *res)
{
    char b[SUM_ADDR_STRLEN];
    print_root_causes(res);
    printf("\nFindings:\n");
    for (guint i = 0; i < res->findings->len; i++) {
        const SumFinding *f = (const SumFinding *)g_ptr_array_index(res->findings, i);
        printf("  %-7s %-15s %s:%u  (%u attempt%s, %s confidence, evidence: %s) %s\n",
               sum_plan_severity_name(f->severity), sum_plan_finding_name(f->code),
               a2s(&f->host, b), f->port, f->count, f->count == 1 ? "" : "s",
               sum_plan_confidence_name(f->confidence), sum_evidence_name(f->evidence),
               f->message);
        if (f->advice != NULL)
            printf("          what to do: %s\n", f->advice);
    }
    if (res->findings->len == 0)
        printf("  none\n");
}

static void
alloc_draw(void *tapdata _U_)
{
    const SumResult *res = sum_follow_result(NULL);
    char b[SUM_ADDR_STRLEN];
    printf("\n===================================================================\n");
    /* The capture's plan (mixed: its SUM hosts show several), else the
     * preference's. */
    const char *gen = res != NULL ? sum_result_generation_name(res) : NULL;
    const SumProfile *forced = sum_forced_profile();
    printf("SUM allocation ledger (port plan: %s)\n",
           gen != NULL ? gen : forced != NULL ? forced->name : "auto");
    if (res != NULL) {
        for (guint i = 0; i < res->hosts->len; i++) {
            const SumHost *h = (const SumHost *)g_ptr_array_index(res->hosts, i);
            printf("%-9s %-39s confidence %s%s%s\n", sum_plan_role_name(h->role),
                   a2s(&h->addr, b), sum_plan_confidence_name(h->confidence),
                   h->profile != NULL ? "  port plan " : "",
                   h->profile != NULL ? h->profile->name : "");
        }
        for (guint i = 0; i < res->hosts->len; i++) {
            const SumHost *h = (const SumHost *)g_ptr_array_index(res->hosts, i);
            if (h->role != SUM_ROLE_SUM_HOST)
                continue;
            gchar *line = sum_words_host_plan(h);
            printf("  %s\n", line);
            g_free(line);
        }
        print_allocations(res);
        print_findings(res);
    } else {
        printf("(no capture read)\n");
    }
    printf("===================================================================\n");
    fflush(stdout);
}

static void
alloc_init(const char *opt_arg _U_, void *userdata _U_)
{
    /* The tap only gets the ledger drawn; its data is the result. */
    gpointer token = g_new0(int, 1);
    GString *err = register_tap_listener("sum", token, NULL, 0, NULL, no_packet, alloc_draw,
                                         g_free);
    if (err != NULL) {
        report_tap_error("sum,alloc", err);
        g_free(token);
    }
}

static stat_tap_ui alloc_ui = {
    REGISTER_STAT_GROUP_GENERIC, "SUM allocation ledger", "sum,alloc", alloc_init, 0, NULL,
};

static stat_tap_ui tree_ui = {
    REGISTER_STAT_GROUP_GENERIC, "SUM ports and causes", "sum,tree", solo_init, 0, NULL,
};

void
sum_register_stats(void)
{
    stats_tree_register_plugin("sum", PORTS_ABBR, "SUM/Ports and causes", 0, ports_packet,
                               ports_init, tree_cleanup);
    /* The ledger reads best in order: hosts by address, their ports by family,
     * errors before warnings. */
    stats_tree_register_plugin("sum", LEDGER_ABBR, "SUM/Allocation ledger",
                               ST_SORT_COL_NAME << ST_FLG_SRTCOL_SHIFT, ledger_packet,
                               ledger_init, tree_cleanup);
    register_stat_tap_ui(&alloc_ui, NULL);
    register_stat_tap_ui(&tree_ui, NULL);
}
