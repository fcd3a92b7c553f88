/* report-html-timeline.c: the HTML report's timeline per SUM host: a lane
 * per port that SUM used or tried (grouped by family, the documented range in
 * the family's heading), a bar per connection coloured by outcome, markers
 * for fallback, conflict and overflow, the evidence in each element's
 * <title>. Families that would bury the rest (bootstrap, whose ports only
 * carry the way in, and any family of more than HTML_FOLD_LANES lanes, such
 * as the control listener of each of a thousand targets) are drawn in their
 * own chart, folded in a <details> that a click opens: the first screen
 * keeps what failed, and a closed <details> costs the browser no layout. */
#include "report-html.h"

#include <math.h>
#include <string.h>

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

#define HTML_WIDTH 1180       /* SVG width, px */
#define HTML_GUTTER 230       /* lane labels on the left, px */
#define HTML_RIGHT 20
#define HTML_PLOT_X (HTML_GUTTER + 14) /* time 0: room for a marker before it */
#define HTML_AXIS 34          /* time axis height, px */
#define HTML_ROW 14           /* one stacked row of bars, px */
#define HTML_LANE_PAD 6
#define HTML_FAMILY_HEAD 18   /* a family's heading row in the gutter, px */
#define HTML_MAX_ROWS 6       /* bars stack at most this deep in a lane */
#define HTML_MIN_BAR 3.0      /* px: a short connection is still visible */
#define HTML_FOLD_LANES 16    /* a family of more lanes gets its own, folded chart */

typedef struct {
    SumAddr host;             /* the port's holder */
    SumFamily family;
    guint16 port;
    gboolean outside;         /* outside the documented range */
    GPtrArray *channels;      /* const SumChannel* */
    guint rows;
    double *row_end;          /* per row: x where the last bar ends */
} Lane;

static const char *
outcome_of(SumConnState s)
{
    switch (s) {
    case SUM_CONN_S1:
    case SUM_CONN_SF:
        return "established";
    case SUM_CONN_S0:
    case SUM_CONN_SH:
        return "blocked";
    case SUM_CONN_REJ:
        return "refused";
    case SUM_CONN_RSTO:
    case SUM_CONN_RSTR:
        return "reset";
    default:
        return "other";
    }
}

/* --- the timeline --------------------------------------------------------- */

static Lane *
lane_get(GPtrArray *lanes, const SumAddr *host, SumFamily f, guint16 port,
         SumTransport transport, const SumProfile *profile)
{
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        if (l->family == f && l->port == port && sum_addr_equal(&l->host, host))
            return l;
    }
    Lane *l = g_new0(Lane, 1);
    l->host = *host;
    l->family = f;
    l->port = port;
    l->channels = g_ptr_array_new();
    SumPortPos pos;
    SumPortPos cand[SUM_PLAN_MAX_CANDIDATES];
    gsize n = sum_plan_candidates(profile, transport, port, cand, G_N_ELEMENTS(cand));
    for (gsize i = 0; i < n; i++) {
        if (cand[i].rule->family == f) {
            pos = cand[i];
            l->outside = pos.overflow;
        }
    }
    g_ptr_array_add(lanes, l);
    return l;
}

static void
lane_free(gpointer p)
{
    Lane *l = p;
    g_ptr_array_unref(l->channels);
    g_free(l->row_end);
    g_free(l);
}

static gint
lane_cmp(gconstpointer a, gconstpointer b)
{
    const Lane *x = *(Lane *const *)a, *y = *(Lane *const *)b;
    if (x->family != y->family)
        return x->family < y->family ? -1 : 1;
    int c = sum_addr_compare(&x->host, &y->host);
    if (c != 0)
        return c;
    return x->port < y->port ? -1 : x->port > y->port;
}

/* The ports of one SUM host's story: its own ports and its targets'. */
static GPtrArray *
build_lanes(const SumResult *r, const SumAddr *sum_host)
{
    GPtrArray *lanes = g_ptr_array_new_with_free_func(lane_free);
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        if (!sum_addr_equal(&ch->sum_host, sum_host))
            continue;
        Lane *l = lane_get(lanes, &ch->port_holder, ch->family, ch->sum_port,
                           ch->conn.transport, sum_result_profile_for(r, sum_host));
        g_ptr_array_add(l->channels, (gpointer)ch);
        /* A message connection also tries the target's control port. */
        if (ch->family == SUM_FAMILY_MESSAGE) {
            gboolean resp_is_target = sum_addr_equal(&ch->conn.resp, &ch->target);
            guint16 cport = resp_is_target ? ch->conn.resp_port : ch->conn.orig_port;
            Lane *c = lane_get(lanes, &ch->target, SUM_FAMILY_CONTROL, cport,
                               SUM_TRANSPORT_TCP, sum_result_profile_for(r, sum_host));
            g_ptr_array_add(c->channels, (gpointer)ch);
        }
    }
    g_ptr_array_sort(lanes, lane_cmp);
    return lanes;
}

static double
nice_step(double span_s)
{
    double raw = span_s / 8.0, mag = pow(10.0, floor(log10(raw > 0 ? raw : 1e-6)));
    double steps[] = {1, 2, 5, 10};
    for (int i = 0; i < 4; i++) {
        if (raw <= steps[i] * mag)
            return steps[i] * mag;
    }
    return 10 * mag;
}

typedef struct {
    gint64 t0;
    double span_us;
    double plot_w;
    const SumCaptureSummary *capture; /* for frames as Wireshark numbers them */
} Scale;

static double
x_of(const Scale *s, gint64 t)
{
    return HTML_PLOT_X + (double)(t - s->t0) / s->span_us * s->plot_w;
}

static void
bar(FILE *out, const Scale *s, const Lane *l, const SumChannel *ch, double y)
{
    char ob[SUM_ADDR_STRLEN], rb[SUM_ADDR_STRLEN];
    char f0[SUM_FRAME_STRLEN], f1[SUM_FRAME_STRLEN];
    sum_frame_text(s->capture, ch->conn.first_frame, f0, sizeof f0);
    sum_frame_text(s->capture, ch->conn.last_frame, f1, sizeof f1);
    double x0 = x_of(s, ch->conn.t_first), x1 = x_of(s, ch->conn.t_last);
    double w = MAX(HTML_MIN_BAR, x1 - x0);
    const char *oc = outcome_of(ch->conn.state);
    gchar *t0 = sum_html_time(ch->conn.t_first);
    gchar *title = g_strdup_printf(
        "%s %s:%u -> %s:%u\nstate %s (%s), %u SYN%s, %" G_GUINT64_FORMAT " packets\n"
        "frames %s-%s, from %s, %.3f s\nsession %u, "
        "confidence %s", sum_plan_family_name(ch->family), a2s(&ch->conn.orig, ob),
        ch->conn.orig_port, a2s(&ch->conn.resp, rb), ch->conn.resp_port,
        sum_conn_state_name(ch->conn.state), oc, ch->conn.syn_count,
        ch->conn.syn_count == 1 ? "" : "s", ch->conn.packets, f0, f1, t0,
        (ch->conn.t_last - ch->conn.t_first) / 1e6, ch->session,
        sum_plan_confidence_name(ch->confidence));
    gchar *et = sum_html_esc(title), *eh = sum_html_esc(a2s(&l->host, ob));
    fprintf(out, "<rect class=\"bar outcome-%s\" data-family=\"%s\" data-host=\"%s\" "
                 "data-port=\"%u\" data-frame=\"%s\" x=\"%.1f\" y=\"%.1f\" "
                 "width=\"%.1f\" height=\"%d\" rx=\"2\"><title>%s</title></rect>\n",
            oc, sum_plan_family_name(l->family), eh, l->port, f0, x0, y,
            w, HTML_ROW - 3, et);
    g_free(et);
    g_free(eh);
    g_free(title);
    g_free(t0);
}

static void
markers(FILE *out, const Scale *s, const SumResult *r, const Lane *l, double y, double h)
{
    char hb[SUM_ADDR_STRLEN], fb[SUM_FRAME_STRLEN];
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        if (a->family != l->family || a->port != l->port || !sum_addr_equal(&a->host, &l->host))
            continue;
        const char *kind = NULL;
        if (a->cause == SUM_CAUSE_OVERFLOW)
            kind = "overflow";
        else if (a->cause == SUM_CAUSE_CONFLICT)
            kind = "conflict";
        else if (a->cause == SUM_CAUSE_CONCURRENT || a->cause == SUM_CAUSE_IPC_RESERVED ||
                 a->cause == SUM_CAUSE_UNKNOWN)
            kind = "fallback";
        if (kind == NULL)
            continue;
        GString *cp = g_string_new(NULL);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            g_string_append_printf(cp, "%s%u", k ? ", " : "",
                                   g_array_index(a->conflicting_ports, guint16, k));
        gchar *title = g_strdup_printf(
            "%s: %s port %u on %s, base %u, offset %u, cause %s%s%s%s\nfirst frame %s, "
            "%u connection%s", kind, sum_plan_family_name(a->family),
            a->port, a2s(&a->host, hb), a->base, a->offset, sum_plan_cause_name(a->cause),
            cp->len ? "\nports in the way: " : "", cp->str,
            cp->len ? (a->conflict_evidence == SUM_EVIDENCE_INFERRED ? " (inferred)"
                                                                     : " (seen)")
                    : "",
            sum_frame_text(s->capture, a->first_frame, fb, sizeof fb), a->n_connections,
            a->n_connections == 1 ? "" : "s");
        gchar *et = sum_html_esc(title);
        /* The diamond ends where the port was first taken, so that it never
         * hides the start of a short bar. */
        double x = x_of(s, a->t_first), cy = y + h / 2;
        fprintf(out, "<g class=\"marker marker-%s\" data-port=\"%u\" data-cause=\"%s\">"
                     "<title>%s</title><path d=\"M%.1f %.1f l6 -7 l6 7 l-6 7 z\" "
                     "stroke=\"#fff\" stroke-width=\"1\"/></g>\n",
                kind, a->port, sum_plan_cause_name(a->cause), et, x - 13, cy);
        g_free(et);
        g_free(title);
        g_string_free(cp, TRUE);
    }
}

/* Stacks the bars of a lane into rows so that overlapping ones do not hide
 * each other; past HTML_MAX_ROWS they share the last row. */
static guint
assign_rows(const Scale *s, Lane *l, guint *row_of)
{
    l->row_end = g_new0(double, HTML_MAX_ROWS);
    guint rows = 1;
    for (guint i = 0; i < l->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(l->channels, i);
        double x0 = x_of(s, ch->conn.t_first);
        double x1 = MAX(x0 + HTML_MIN_BAR, x_of(s, ch->conn.t_last)) + 1;
        guint r = 0;
        while (r < HTML_MAX_ROWS - 1 && l->row_end[r] > x0 && l->row_end[r] != 0)
            r++;
        l->row_end[r] = MAX(l->row_end[r], x1);
        row_of[i] = r;
        rows = MAX(rows, r + 1);
    }
    l->rows = rows;
    return rows;
}

/* TEXT cut to MAX characters by its middle, escaped: an IPv6 address keeps
 * both ends, which is what tells two apart. The full text is in the lane's
 * <title>. */
static gchar *
fit(const char *text, gsize max)
{
    gsize n = strlen(text);
    if (n <= max)
        return sum_html_esc(text);
    gsize head = (max - 1) / 2, tail = max - 1 - head;
    gchar *h = g_strndup(text, head), *eh = sum_html_esc(h), *et = sum_html_esc(text + n - tail);
    gchar *r = g_strconcat(eh, "&#8230;", et, NULL);
    g_free(h);
    g_free(eh);
    g_free(et);
    return r;
}

/* The family's documented ports in the plan, e.g. "60000-60007" or
 * "80, 63000-63005", for the lane group's heading. */
static gchar *
family_range(const SumProfile *p, SumFamily f)
{
    GString *g = g_string_new(NULL);
    for (gsize i = 0; i < p->n_rules; i++) {
        const SumPortRule *ru = &p->rules[i];
        if (ru->family != f)
            continue;
        if (g->len)
            g_string_append(g, ", ");
        if (ru->fallback_lo != 0)
            g_string_append_printf(g, "%u, %u-%u", ru->base, ru->fallback_lo,
                                   ru->documented_end);
        else if (ru->documented_end > ru->base)
            g_string_append_printf(g, "%u-%u", ru->base, ru->documented_end);
        else
            g_string_append_printf(g, "%u", ru->base);
        if (ru->transport == SUM_TRANSPORT_UDP)
            g_string_append(g, "/udp");
    }
    return g_string_free(g, FALSE);
}

static void
axis(FILE *out, const Scale *s, double y_text, double y0, double y1)
{
    double step = nice_step(s->span_us / 1e6);
    for (double t = 0; t <= s->span_us / 1e6 + 1e-9; t += step) {
        double x = HTML_PLOT_X + t * 1e6 / s->span_us * s->plot_w;
        fprintf(out, "<line x1=\"%.1f\" y1=\"%.0f\" x2=\"%.1f\" y2=\"%.0f\" "
                     "stroke=\"#e6e9ef\"/><text x=\"%.1f\" y=\"%.0f\" "
                     "text-anchor=\"middle\">%g s</text>\n",
                x, y0, x, y1, x, y_text, t);
    }
}

/* One chart: the LANES (of one or more families, in order) over scale S. */
static void
chart(FILE *out, const SumResult *r, const Scale *s, GPtrArray *lanes, const char *eh,
      gboolean folded)
{
    char hb[SUM_ADDR_STRLEN];
    guint **rows = g_new0(guint *, lanes->len);
    double height = HTML_AXIS;
    /* Every lane is one SUM host's: its plan documents the ranges. */
    const Lane *l0 = g_ptr_array_index(lanes, 0);
    const SumProfile *plan =
        l0->channels->len > 0
            ? sum_result_profile_for(r, &((const SumChannel *)g_ptr_array_index(l0->channels, 0))
                                              ->sum_host)
            : r->profile;
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        const Lane *p = i ? g_ptr_array_index(lanes, i - 1) : NULL;
        if (p == NULL || p->family != l->family)
            height += HTML_FAMILY_HEAD;
        rows[i] = g_new0(guint, MAX(l->channels->len, 1u));
        height += assign_rows(s, l, rows[i]) * HTML_ROW + HTML_LANE_PAD;
    }
    double total = height + HTML_AXIS;
    fprintf(out, "<svg class=\"timeline%s\" data-host=\"%s\" viewBox=\"0 0 %d %.0f\" "
                 "width=\"%d\" height=\"%.0f\" role=\"img\">\n<title>SUM host %s: one lane "
                 "per port, one bar per connection</title>\n",
            folded ? " folded" : "", eh, HTML_WIDTH, total, HTML_WIDTH, total, eh);
    fprintf(out, "<g class=\"axis\">\n");
    axis(out, s, HTML_AXIS - 14, HTML_AXIS - 8, height);
    axis(out, s, height + 20, height, height + 6);
    fprintf(out, "</g>\n");
    double y = HTML_AXIS;
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        const Lane *p = i ? g_ptr_array_index(lanes, i - 1) : NULL;
        const char *fam = sum_plan_family_name(l->family);
        if (p == NULL || p->family != l->family) {
            gchar *range = family_range(plan, l->family);
            if (p != NULL)
                fprintf(out, "<line x1=\"0\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" "
                             "stroke=\"#c5cbd6\"/>\n", y, HTML_WIDTH, y);
            fprintf(out, "<text class=\"family-label\" data-family=\"%s\" x=\"4\" "
                         "y=\"%.1f\">%s <tspan class=\"range\">documented: %s</tspan>"
                         "</text>\n", fam, y + HTML_FAMILY_HEAD - 5, fam,
                    range[0] ? range : "none");
            g_free(range);
            y += HTML_FAMILY_HEAD;
        }
        double lh = l->rows * HTML_ROW;
        gchar *lhost = sum_html_esc(a2s(&l->host, hb)), *short_host = fit(a2s(&l->host, hb), 24);
        fprintf(out, "<g class=\"lane %s\" data-family=\"%s\" data-host=\"%s\" data-port=\"%u\">"
                     "<title>%s port %u on %s%s</title>\n",
                l->outside ? "outside" : "documented", fam, lhost, l->port, fam, l->port, lhost,
                l->outside ? " (outside the documented range)" : "");
        fprintf(out, "<rect class=\"lane-bg %s\" x=\"%d\" y=\"%.1f\" width=\"%.0f\" "
                     "height=\"%.1f\"/>\n", l->outside ? "outside" : "documented", HTML_GUTTER,
                y, HTML_WIDTH - HTML_GUTTER - HTML_RIGHT + 0.0, lh);
        fprintf(out, "<text class=\"lane-label\" x=\"14\" y=\"%.1f\"><tspan class=\"port\">%u"
                     "</tspan> @ %s%s</text>\n",
                y + MIN(lh, (double)HTML_ROW) - 3, l->port, short_host,
                l->outside ? " &#9888;" : "");
        for (guint k = 0; k < l->channels->len; k++)
            bar(out, s, l, g_ptr_array_index(l->channels, k), y + rows[i][k] * HTML_ROW + 1);
        markers(out, s, r, l, y, MIN(lh, (double)HTML_ROW));
        fprintf(out, "</g>\n");
        g_free(lhost);
        g_free(short_host);
        y += lh + HTML_LANE_PAD;
    }
    fprintf(out, "</svg>\n");
    for (guint i = 0; i < lanes->len; i++)
        g_free(rows[i]);
    g_free(rows);
}

/* Whether FAMILY's lanes go in a chart of their own, folded. */
static gboolean
fold_family(const GPtrArray *lanes, SumFamily family)
{
    if (family == SUM_FAMILY_BOOTSTRAP)
        return TRUE;
    guint n = 0;
    for (guint i = 0; i < lanes->len; i++)
        n += ((const Lane *)g_ptr_array_index(lanes, i))->family == family;
    return n > HTML_FOLD_LANES;
}

/* A folded family: its chart under a <details> whose summary says how many
 * lanes and connections, and how many failed, so that nothing hides. */
static void
folded_chart(FILE *out, const SumResult *r, const Scale *s, GPtrArray *lanes, const char *eh)
{
    const Lane *first = g_ptr_array_index(lanes, 0);
    guint conns = 0, failed = 0;
    for (guint i = 0; i < lanes->len; i++) {
        const Lane *l = g_ptr_array_index(lanes, i);
        conns += l->channels->len;
        for (guint k = 0; k < l->channels->len; k++) {
            SumConnState st = ((const SumChannel *)g_ptr_array_index(l->channels, k))->conn.state;
            failed += st == SUM_CONN_S0 || st == SUM_CONN_SH || st == SUM_CONN_REJ;
        }
    }
    const char *fam = sum_plan_family_name(first->family);
    fprintf(out, "<details class=\"lanes\" data-family=\"%s\" data-host=\"%s\"><summary>%s: "
                 "%u lane%s, %u connection%s%s",
            fam, eh, fam, lanes->len, lanes->len == 1 ? "" : "s", conns, conns == 1 ? "" : "s",
            failed ? ", " : "");
    if (failed)
        fprintf(out, "<span class=\"sev-error\">%u blocked or refused</span>", failed);
    fprintf(out, " (click to open)</summary>\n");
    chart(out, r, s, lanes, eh, TRUE);
    fprintf(out, "</details>\n");
}

void
sum_html_timeline(FILE *out, const SumResult *r, const SumCaptureSummary *cap, const SumHost *h)
{
    char hb[SUM_ADDR_STRLEN];
    GPtrArray *lanes = build_lanes(r, &h->addr);
    if (lanes->len == 0) {
        g_ptr_array_unref(lanes);
        return;
    }
    /* One scale for all of the host's charts, so that times line up. */
    Scale s = {G_MAXINT64, 0, HTML_WIDTH - HTML_PLOT_X - HTML_RIGHT, cap};
    gint64 t1 = 0;
    guint n_conns = 0;
    for (guint i = 0; i < r->channels->len; i++) {
        const SumChannel *ch = g_ptr_array_index(r->channels, i);
        if (!sum_addr_equal(&ch->sum_host, &h->addr))
            continue;
        s.t0 = MIN(s.t0, ch->conn.t_first);
        t1 = MAX(t1, ch->conn.t_last);
        n_conns++;
    }
    s.span_us = MAX(1000.0, (double)(t1 - s.t0)) * 1.02;
    gchar *eh = sum_html_esc(a2s(&h->addr, hb));
    gchar *start = sum_html_time(s.t0), *end = sum_html_time(t1);
    const SumProfile *plan = sum_result_profile_for(r, &h->addr);
    fprintf(out, "<h3>SUM host %s</h3>\n<p class=\"sub\">port plan %s &#183; 0 s = %s &#183; "
                 "last SUM packet %s (%.3f s) &#183; %u ports, %u connections</p>\n",
            eh, plan->name, start, end, (t1 - s.t0) / 1e6, lanes->len, n_conns);
    /* Lanes are sorted by family: each run of one family is kept or folded. */
    GPtrArray *kept = g_ptr_array_new();
    GPtrArray *folds = g_ptr_array_new_with_free_func((GDestroyNotify)g_ptr_array_unref);
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        if (!fold_family(lanes, l->family)) {
            g_ptr_array_add(kept, l);
            continue;
        }
        GPtrArray *f = folds->len ? g_ptr_array_index(folds, folds->len - 1) : NULL;
        if (f == NULL || ((Lane *)g_ptr_array_index(f, 0))->family != l->family)
            g_ptr_array_add(folds, f = g_ptr_array_new());
        g_ptr_array_add(f, l);
    }
    if (kept->len > 0)
        chart(out, r, &s, kept, eh, FALSE);
    for (guint i = 0; i < folds->len; i++)
        folded_chart(out, r, &s, g_ptr_array_index(folds, i), eh);
    g_ptr_array_unref(folds);
    g_ptr_array_unref(kept);
    g_free(eh);
    g_free(start);
    g_free(end);
    g_ptr_array_unref(lanes);
}

void
sum_html_legend(FILE *out)
{
    static const char *const outcomes[] = {"established", "blocked", "refused", "reset",
                                           "other"};
    fprintf(out, "<p class=\"legend\">");
    for (gsize i = 0; i < G_N_ELEMENTS(outcomes); i++)
        fprintf(out, "<span><svg class=\"sw\" width=\"12\" height=\"10\"><rect class=\""
                     "outcome-%s\" width=\"12\" height=\"10\"/></svg>%s</span>",
                outcomes[i], outcomes[i]);
    fprintf(out, "<span>&#9670; marker: <b style=\"color:#1565c0\">fallback</b>, "
                 "<b style=\"color:#a15c00\">conflict</b>, "
                 "<b style=\"color:#b3261e\">overflow</b></span>"
                 "<span>pink lanes: outside the documented range</span>"
                 "<span>hover a bar or marker for its evidence</span></p>\n");
}
