/* report-html.c: one self-contained HTML file (inline SVG and CSS, no script,
 * nothing fetched: it opens from a USB stick). Summary cards, a timeline per
 * SUM host (a lane per port SUM used or tried, a bar per connection coloured
 * by outcome, markers for fallback, conflict and overflow, the evidence in
 * each element's <title>), the ledger and findings tables, and the firewall
 * rules. Every string from the capture is escaped. */
#include "report.h"

#include <math.h>
#include <string.h>

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

typedef struct {
    SumAddr host;             /* the port's holder */
    SumFamily family;
    guint16 port;
    gboolean outside;         /* outside the documented range */
    GPtrArray *channels;      /* const SumChannel* */
    guint rows;
    double *row_end;          /* per row: x where the last bar ends */
} Lane;

static gchar *
esc(const char *s)
{
    return g_markup_escape_text(s != NULL ? s : "", -1);
}

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

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

static gchar *
fmt_time(gint64 us)
{
    GDateTime *dt = g_date_time_new_from_unix_utc(us / G_USEC_PER_SEC);
    if (dt == NULL)
        return g_strdup("?");
    gchar *s = g_date_time_format(dt, "%Y-%m-%d %H:%M:%S");
    gchar *r = g_strdup_printf("%s.%03d UTC", s, (int)((us % G_USEC_PER_SEC) / 1000));
    g_free(s);
    g_date_time_unref(dt);
    return r;
}

static const char CSS[] =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:24px;color:#1d2433;"
    "background:#fff}h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;"
    "border-bottom:1px solid #dde2ea;padding-bottom:4px}h3{font-size:15px;margin:16px 0 6px}"
    ".sub{color:#5b6475;font-size:13px}.cards{display:flex;flex-wrap:wrap;gap:12px;"
    "margin:16px 0}.card{border:1px solid #dde2ea;border-radius:8px;padding:10px 14px;"
    "min-width:130px;page-break-inside:avoid}.card .n{font-size:26px;font-weight:600}"
    ".card .l{font-size:12px;color:#5b6475}.card.error .n{color:#b3261e}.card.warning .n"
    "{color:#a15c00}table{border-collapse:collapse;font-size:13px;margin:6px 0 12px;"
    "page-break-inside:avoid}th,td{border:1px solid #dde2ea;padding:3px 8px;text-align:left;"
    "vertical-align:top}th{background:#f3f5f8}td.num{text-align:right;font-variant-numeric:"
    "tabular-nums}.sev-error{color:#b3261e;font-weight:600}.sev-warning{color:#a15c00;"
    "font-weight:600}code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
    "pre{background:#f6f8fa;border:1px solid #e1e4e8;padding:6px 8px;white-space:pre-wrap;"
    "word-break:break-all;margin:2px 0}.legend span{display:inline-block;margin-right:14px;"
    "font-size:12px}.sw{display:inline-block;width:12px;height:10px;margin-right:4px;"
    "vertical-align:middle}svg{display:block;max-width:100%;height:auto}"
    "svg text{font-size:11px;fill:#1d2433}svg .axis text{fill:#5b6475}"
    ".outcome-established{fill:#2e7d32}.outcome-blocked{fill:#b3261e}"
    ".outcome-refused{fill:#e8710a}.outcome-reset{fill:#8e24aa}.outcome-other{fill:#607d8b}"
    ".lane-bg.documented{fill:#f3f5f8}.lane-bg.outside{fill:#fdecea}"
    ".marker-overflow{fill:#b3261e}.marker-conflict{fill:#a15c00}.marker-fallback{fill:#1565c0}"
    ".none{color:#5b6475;font-style:italic}"
    ".family-label{font-size:12px;font-weight:600}.family-label .range{font-weight:400;"
    "fill:#5b6475}.lane-label .port{font-weight:600}"
    ".card.profile{flex:1 1 200px;max-width:520px}.card .why{font-size:12px;margin-top:4px}"
    ".remedy{border:1px solid #dde2ea;border-radius:8px;padding:8px 12px;margin:10px 0;"
    "page-break-inside:avoid}.remedy table.rule{margin:0 0 4px}"
    ".remedy p{margin:4px 0;font-size:14px}"
    ".cmd{font-size:12px;color:#5b6475;margin-top:6px}"
    "@media print{body{margin:8mm;background:#fff}.card,table,tr,svg,.remedy"
    "{page-break-inside:avoid}h2,h3{page-break-after:avoid}th{background:none}"
    "pre{background:none;border-color:#999}"
    "svg{max-width:100%;height:auto;print-color-adjust:exact;"
    "-webkit-print-color-adjust:exact}}";

static void
cards(FILE *out, const SumReport *rep)
{
    const SumResult *r = rep->result;
    guint hosts = 0, targets = 0, sev[SUM_SEVERITY_COUNT] = {0};
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        hosts += h->role == SUM_ROLE_SUM_HOST;
        targets += h->role == SUM_ROLE_TARGET;
    }
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        sev[f->severity]++;
    }
    fprintf(out, "<div class=\"cards\">\n");
    fprintf(out, "<div class=\"card\" id=\"card-sum-hosts\"><div class=\"n\">%u</div>"
                 "<div class=\"l\">SUM hosts</div></div>\n", hosts);
    fprintf(out, "<div class=\"card\" id=\"card-targets\"><div class=\"n\">%u</div>"
                 "<div class=\"l\">targets</div></div>\n", targets);
    fprintf(out, "<div class=\"card\" id=\"card-channels\"><div class=\"n\">%u</div>"
                 "<div class=\"l\">SUM connections</div></div>\n", r->channels->len);
    fprintf(out, "<div class=\"card\" id=\"card-allocations\"><div class=\"n\">%u</div>"
                 "<div class=\"l\">port allocations</div></div>\n", r->allocations->len);
    for (int s = SUM_SEVERITY_COUNT - 1; s >= 0; s--) {
        /* Errors and warnings always (a 0 there is news), notes and infos
         * only when there are some. */
        if (s < SUM_SEVERITY_WARNING && sev[s] == 0)
            continue;
        fprintf(out, "<div class=\"card %s\" id=\"card-%s\"><div class=\"n\">%u</div>"
                     "<div class=\"l\">%s findings</div></div>\n",
                sum_plan_severity_name(s), sum_plan_severity_name(s), sev[s],
                sum_plan_severity_name(s));
    }
    gchar *why = esc(r->profile_reason);
    gchar *desc = esc(r->profile->description), *name = esc(r->profile->name);
    fprintf(out, "<div class=\"card profile\" id=\"card-profile\"><div class=\"n\">%s</div>"
                 "<div class=\"l\">port plan: %s</div><div class=\"why\">%s</div></div>\n",
            name, desc, why);
    g_free(why);
    g_free(name);
    g_free(desc);
    fprintf(out, "</div>\n");
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
                           ch->conn.transport, r->profile);
        g_ptr_array_add(l->channels, (gpointer)ch);
        /* A message connection also tries the target's control port. */
        if (ch->family == SUM_FAMILY_MESSAGE) {
            gboolean resp_is_target = sum_addr_equal(&ch->conn.resp, &ch->target);
            guint16 cport = resp_is_target ? ch->conn.resp_port : ch->conn.orig_port;
            Lane *c = lane_get(lanes, &ch->target, SUM_FAMILY_CONTROL, cport,
                               SUM_TRANSPORT_TCP, r->profile);
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
    gchar *t0 = fmt_time(ch->conn.t_first);
    gchar *title = g_strdup_printf(
        "%s %s:%u -> %s:%u\nstate %s (%s), %u SYN%s, %" G_GUINT64_FORMAT " packets\n"
        "frames %s-%s, from %s, %.3f s\nsession %u, "
        "confidence %s", sum_plan_family_name(ch->family), a2s(&ch->conn.orig, ob),
        ch->conn.orig_port, a2s(&ch->conn.resp, rb), ch->conn.resp_port,
        sum_conn_state_name(ch->conn.state), oc, ch->conn.syn_count,
        ch->conn.syn_count == 1 ? "" : "s", ch->conn.packets, f0, f1, t0, (ch->conn.t_last - ch->conn.t_first) / 1e6, ch->session,
        sum_plan_confidence_name(ch->confidence));
    gchar *et = esc(title), *eh = esc(a2s(&l->host, ob));
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
        gchar *et = esc(title);
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
        return esc(text);
    gsize head = (max - 1) / 2, tail = max - 1 - head;
    gchar *h = g_strndup(text, head), *eh = esc(h), *et = esc(text + n - tail);
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

static void
timeline(FILE *out, const SumResult *r, const SumCaptureSummary *cap, const SumHost *h)
{
    char hb[SUM_ADDR_STRLEN];
    GPtrArray *lanes = build_lanes(r, &h->addr);
    if (lanes->len == 0) {
        g_ptr_array_unref(lanes);
        return;
    }
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
    guint **rows = g_new0(guint *, lanes->len);
    double height = HTML_AXIS;
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        const Lane *p = i ? g_ptr_array_index(lanes, i - 1) : NULL;
        if (p == NULL || p->family != l->family)
            height += HTML_FAMILY_HEAD;
        rows[i] = g_new0(guint, MAX(l->channels->len, 1u));
        height += assign_rows(&s, l, rows[i]) * HTML_ROW + HTML_LANE_PAD;
    }
    double total = height + HTML_AXIS;
    gchar *eh = esc(a2s(&h->addr, hb));
    gchar *start = fmt_time(s.t0), *end = fmt_time(t1);
    fprintf(out, "<h3>SUM host %s</h3>\n<p class=\"sub\">0 s = %s &#183; last SUM packet "
                 "%s (%.3f s) &#183; %u ports, %u connections</p>\n",
            eh, start, end, (t1 - s.t0) / 1e6, lanes->len, n_conns);
    fprintf(out, "<svg class=\"timeline\" data-host=\"%s\" viewBox=\"0 0 %d %.0f\" "
                 "width=\"%d\" height=\"%.0f\" role=\"img\">\n<title>SUM host %s: one lane "
                 "per port, one bar per connection</title>\n",
            eh, HTML_WIDTH, total, HTML_WIDTH, total, eh);
    fprintf(out, "<g class=\"axis\">\n");
    axis(out, &s, HTML_AXIS - 14, HTML_AXIS - 8, height);
    axis(out, &s, height + 20, height, height + 6);
    fprintf(out, "</g>\n");
    double y = HTML_AXIS;
    for (guint i = 0; i < lanes->len; i++) {
        Lane *l = g_ptr_array_index(lanes, i);
        const Lane *p = i ? g_ptr_array_index(lanes, i - 1) : NULL;
        const char *fam = sum_plan_family_name(l->family);
        if (p == NULL || p->family != l->family) {
            gchar *range = family_range(r->profile, l->family);
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
        gchar *lhost = esc(a2s(&l->host, hb)), *short_host = fit(a2s(&l->host, hb), 24);
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
            bar(out, &s, l, g_ptr_array_index(l->channels, k), y + rows[i][k] * HTML_ROW + 1);
        markers(out, &s, r, l, y, MIN(lh, (double)HTML_ROW));
        fprintf(out, "</g>\n");
        g_free(lhost);
        g_free(short_host);
        y += lh + HTML_LANE_PAD;
    }
    fprintf(out, "</svg>\n");
    for (guint i = 0; i < lanes->len; i++)
        g_free(rows[i]);
    g_free(rows);
    g_free(eh);
    g_free(start);
    g_free(end);
    g_ptr_array_unref(lanes);
}

static void
legend(FILE *out)
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

/* --- tables ----------------------------------------------------------------- */

static gchar *
frames_text(const SumCaptureSummary *c, const GArray *frames)
{
    return sum_frame_list(c, frames, 12, ", ");
}

static void
ledger(FILE *out, const SumReport *rep)
{
    const SumResult *r = rep->result;
    char hb[SUM_ADDR_STRLEN];
    fprintf(out, "<h2>Allocation ledger</h2>\n");
    if (r->allocations->len == 0) {
        fprintf(out, "<p class=\"none\">No SUM port allocation in this capture.</p>\n");
        return;
    }
    fprintf(out, "<table id=\"ledger\"><tr><th>host</th><th>family</th><th>port</th>"
                 "<th>base</th><th>offset</th><th>cause</th><th>ports in the way</th>"
                 "<th>evidence</th><th>confidence</th><th>connections</th><th>frames</th>"
                 "</tr>\n");
    for (guint i = 0; i < r->allocations->len; i++) {
        const SumAllocation *a = g_ptr_array_index(r->allocations, i);
        GString *cp = g_string_new(NULL);
        for (guint k = 0; k < a->conflicting_ports->len; k++)
            g_string_append_printf(cp, "%s%u", k ? ", " : "",
                                   g_array_index(a->conflicting_ports, guint16, k));
        gchar *fr = frames_text(rep->capture, a->frames), *h = esc(a2s(&a->host, hb));
        fprintf(out, "<tr class=\"alloc cause-%s\"><td>%s</td><td>%s</td><td class=\"num\">%u"
                     "</td><td class=\"num\">%u</td><td class=\"num\">%u</td><td>%s</td>"
                     "<td>%s</td><td>%s</td><td>%s</td><td class=\"num\">%u</td><td>%s</td>"
                     "</tr>\n",
                sum_plan_cause_name(a->cause), h, sum_plan_family_name(a->family), a->port,
                a->base, a->offset, sum_plan_cause_name(a->cause), cp->len ? cp->str : "-",
                cp->len ? sum_evidence_name(a->conflict_evidence) : "-",
                sum_plan_confidence_name(a->confidence), a->n_connections, fr);
        g_free(fr);
        g_free(h);
        g_string_free(cp, TRUE);
    }
    fprintf(out, "</table>\n");
}

static void
findings(FILE *out, const SumReport *rep)
{
    const SumResult *r = rep->result;
    char hb[SUM_ADDR_STRLEN];
    fprintf(out, "<h2>Findings</h2>\n");
    if (r->findings->len == 0) {
        fprintf(out, "<p class=\"none\">Nothing wrong: no conflict, overflow, blocked or "
                     "refused SUM port.</p>\n");
        return;
    }
    fprintf(out, "<table id=\"findings\"><tr><th>severity</th><th>code</th><th>host</th>"
                 "<th>port</th><th>what</th><th>evidence</th><th>frames</th><th>what to do"
                 "</th></tr>\n");
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        gchar *fr = frames_text(rep->capture, f->frames), *h = esc(a2s(&f->host, hb));
        gchar *m = esc(f->message), *adv = esc(f->advice);
        fprintf(out, "<tr class=\"finding code-%s\"><td class=\"sev-%s\">%s</td><td>%s</td>"
                     "<td>%s</td><td class=\"num\">%u</td><td>%s</td><td>%s</td><td>%s</td>"
                     "<td>%s</td></tr>\n",
                sum_plan_finding_name(f->code), sum_plan_severity_name(f->severity),
                sum_plan_severity_name(f->severity), sum_plan_finding_name(f->code), h,
                f->port, m, sum_evidence_name(f->evidence), fr, adv);
        g_free(fr);
        g_free(h);
        g_free(m);
        g_free(adv);
    }
    fprintf(out, "</table>\n");
}

static void
remediation(FILE *out, const GPtrArray *remedies)
{
    char hb[SUM_ADDR_STRLEN], pb[SUM_ADDR_STRLEN];
    fprintf(out, "<h2>Remediation</h2>\n");
    if (remedies == NULL || remedies->len == 0) {
        fprintf(out, "<p class=\"none\">No firewall change needed.</p>\n");
        return;
    }
    for (guint i = 0; i < remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(remedies, i);
        gchar *why = esc(m->why), *h = esc(a2s(&m->host, hb));
        gchar *peer = m->peer.family != 0 ? esc(a2s(&m->peer, pb)) : g_strdup("any");
        const char *proto = m->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP";
        fprintf(out, "<div class=\"remedy\" data-host=\"%s\" data-port=\"%u\" "
                     "data-direction=\"%s\">\n<table class=\"rule\"><tr><th>on host</th>"
                     "<th>direction</th><th>port</th><th>peer</th><th>for</th></tr>\n"
                     "<tr><td>%s (%s)</td><td>%s</td><td>%s %u</td><td>%s</td><td>%s</td>"
                     "</tr></table>\n<p>%s</p>\n",
                h, m->port, m->inbound ? "in" : "out", h, sum_plan_role_name(m->role),
                m->inbound ? "inbound" : "outbound", proto, m->port, peer,
                sum_plan_finding_name(m->code), why);
        const char *labels[] = {"Windows (netsh, elevated prompt)", "firewalld",
                                "nftables"};
        const char *cmds[] = {m->windows, m->firewalld, m->nft};
        for (int k = 0; k < 3; k++) {
            if (cmds[k] == NULL || cmds[k][0] == '\0')
                continue;
            gchar *c = esc(cmds[k]);
            fprintf(out, "<div class=\"cmd\">%s</div><pre>%s</pre>\n", labels[k], c);
            g_free(c);
        }
        fprintf(out, "</div>\n");
        g_free(why);
        g_free(h);
        g_free(peer);
    }
}

gboolean
sum_report_html(const SumReport *rep, FILE *out, GError **error)
{
    const SumResult *r = rep->result;
    const SumCaptureSummary *c = rep->capture;
    GString *files = g_string_new(NULL);
    gboolean several = sum_frame_several_files(c);
    for (guint i = 0; i < c->files->len; i++) {
        if (several)
            g_string_append_printf(files, "%sfile %u: ", i ? ", " : "", i + 1);
        g_string_append_printf(files, "%s%s", !several && i ? ", " : "",
                               (const char *)g_ptr_array_index(c->files, i));
    }
    if (several)
        g_string_append(files, " (frames are written FILE#FRAME, the frame as Wireshark "
                               "numbers it in that file)");
    gchar *ef = esc(files->str), *reason = esc(r->profile_reason);
    gchar *t0 = c->packets ? fmt_time(c->t_first) : g_strdup("-");
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                 "<title>sumscope: %s</title>\n<style>%s</style>\n</head>\n<body>\n", ef, CSS);
    fprintf(out, "<h1>HP SUM port story</h1>\n<p class=\"sub\">%s &#183; %" G_GUINT64_FORMAT
                 " packets from %s &#183; port plan <b>%s</b>: %s &#183; sumscope %s</p>\n",
            ef, c->packets, t0, r->profile->name, reason,
            rep->program_version != NULL ? rep->program_version : "");
    cards(out, rep);
    fprintf(out, "<h2>Timeline</h2>\n");
    gboolean any = FALSE;
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_SUM_HOST)
            continue;
        if (!any)
            legend(out);
        any = TRUE;
        timeline(out, r, c, h);
    }
    if (!any)
        fprintf(out, "<p class=\"none\">No SUM traffic found in this capture.</p>\n");
    ledger(out, rep);
    findings(out, rep);
    remediation(out, rep->remedies);
    fprintf(out, "</body>\n</html>\n");
    g_free(ef);
    g_free(reason);
    g_free(t0);
    g_string_free(files, TRUE);
    if (ferror(out)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_IO, "cannot write the HTML report");
        return FALSE;
    }
    return TRUE;
}
