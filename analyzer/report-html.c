/* report-html.c: one self-contained HTML file (inline SVG and CSS, no script,
 * nothing fetched: it opens from a USB stick). First what failed and the
 * findings (report-html-status.c), then a timeline per SUM host
 * (report-html-timeline.c), the targets, the ledger and the firewall rules;
 * long tables start folded (<details>), so that a thousand targets still open
 * fast. Every string from the capture is escaped. */
#include "report-html.h"

#include <string.h>

#include "sum-verdict.h"
#include "sum-words.h"

#define HTML_LEDGER_OPEN 40   /* a longer ledger starts folded */
#define HTML_REMEDIES_OPEN 8  /* so do more remediation steps */

gchar *
sum_html_esc(const char *s)
{
    return g_markup_escape_text(s != NULL ? s : "", -1);
}

static const char *
a2s(const SumAddr *a, char *buf)
{
    return sum_addr_to_string(a, buf, SUM_ADDR_STRLEN);
}

gchar *
sum_html_time(gint64 us)
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
    "details{margin:6px 0 10px}summary{cursor:pointer;font-size:14px;color:#1d2433;"
    "padding:3px 0}details.lanes summary{font-size:13px}ul.groups{padding-left:18px;"
    "margin:6px 0}ul.groups li{margin:4px 0;font-size:14px}ul.groups .targets{font-family:"
    "ui-monospace,Menlo,Consolas,monospace;font-size:12px}"
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
    if (!sum_verdict_is_sum(r->verdict)) {
        fprintf(out, "<div class=\"card warning\" id=\"card-verdict\"><div class=\"n\">%s"
                     "</div><div class=\"l\">%s</div><div class=\"why\">no port plan "
                     "established</div></div>\n</div>\n",
                sum_verdict_name(r->verdict), sum_verdict_title(r->verdict));
        return;
    }
    /* The capture's plan, how sure and why; with several SUM hosts, each one's. */
    const char *gen = sum_result_generation_name(r);
    gchar *sure = r->profile_confidence > SUM_CONFIDENCE_NONE
                      ? g_strdup_printf("%s; %s confidence", r->profile_reason,
                                        sum_plan_confidence_name(r->profile_confidence))
                      : g_strdup(r->profile_reason);
    gchar *why = sum_html_esc(sure);
    g_free(sure);
    gchar *desc = sum_html_esc(r->mixed ? "SUM hosts of more than one generation"
                                        : r->profile->description);
    gchar *name = sum_html_esc(gen != NULL ? gen : r->profile->name);
    fprintf(out, "<div class=\"card profile\" id=\"card-profile\" data-generation=\"%s\">"
                 "<div class=\"n\">%s</div><div class=\"l\">port plan: %s</div>"
                 "<div class=\"why\">%s</div>\n",
            name, name, desc, why);
    guint n_sum = 0;
    for (guint i = 0; i < r->hosts->len; i++)
        n_sum += ((const SumHost *)g_ptr_array_index(r->hosts, i))->role == SUM_ROLE_SUM_HOST;
    for (guint i = 0; n_sum > 1 && i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_SUM_HOST || h->profile == NULL)
            continue;
        gchar *line = sum_words_host_plan(h);
        gchar *el = sum_html_esc(line), *eg = sum_html_esc(h->profile->name);
        fprintf(out, "<div class=\"why plan\" data-generation=\"%s\">%s</div>\n", eg, el);
        g_free(line);
        g_free(el);
        g_free(eg);
    }
    fprintf(out, "</div>\n");
    g_free(why);
    g_free(name);
    g_free(desc);
    fprintf(out, "</div>\n");
}

/* A capture that shows no SUM: what was looked for and what to check. */
static void
no_sum(FILE *out, const SumResult *r)
{
    fprintf(out, "<div id=\"no-sum\"><h2>%s</h2>\n<p>Verdict <b>%s</b>: the capture "
                 "shows no sign of any SUM generation. Looked for:</p>\n<ul>\n",
            sum_verdict_title(r->verdict), sum_verdict_name(r->verdict));
    for (gchar **l = r->looked_for; l != NULL && *l != NULL; l++) {
        gchar *e = sum_html_esc(*l);
        fprintf(out, "<li>%s</li>\n", e);
        g_free(e);
    }
    fprintf(out, "</ul>\n<p>Check:</p>\n<ul>\n");
    for (const char *const *k = sum_verdict_checks(); *k != NULL; k++) {
        gchar *e = sum_html_esc(*k);
        fprintf(out, "<li>%s</li>\n", e);
        g_free(e);
    }
    fprintf(out, "</ul>\n</div>\n");
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
    gboolean fold = r->allocations->len > HTML_LEDGER_OPEN;
    if (fold)
        fprintf(out, "<details class=\"ledger\"><summary>%u allocations</summary>\n",
                r->allocations->len);
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
        gchar *fr = frames_text(rep->capture, a->frames), *h = sum_html_esc(a2s(&a->host, hb));
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
    fprintf(out, "</table>\n%s", fold ? "</details>\n" : "");
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
                 "<th>port</th><th>what</th><th>evidence</th><th>confidence</th><th>frames</th>"
                 "<th>what to do</th></tr>\n");
    for (guint i = 0; i < r->findings->len; i++) {
        const SumFinding *f = g_ptr_array_index(r->findings, i);
        gchar *fr = frames_text(rep->capture, f->frames), *h = sum_html_esc(a2s(&f->host, hb));
        gchar *m = sum_html_esc(f->message), *adv = sum_html_esc(f->advice);
        fprintf(out, "<tr class=\"finding code-%s\"><td class=\"sev-%s\">%s</td><td>%s</td>"
                     "<td>%s</td><td class=\"num\">%u</td><td>%s%s%s</td><td>%s</td><td>%s</td>"
                     "<td>%s</td><td>%s</td></tr>\n",
                sum_plan_finding_name(f->code), sum_plan_severity_name(f->severity),
                sum_plan_severity_name(f->severity), sum_plan_finding_name(f->code), h,
                f->port, m, f->root_cause != NULL ? " &#8594; " : "",
                f->root_cause != NULL ? sum_root_cause_name(f->root_cause->code) : "",
                sum_evidence_name(f->evidence), sum_plan_confidence_name(f->confidence), fr,
                adv);
        g_free(fr);
        g_free(h);
        g_free(m);
        g_free(adv);
    }
    fprintf(out, "</table>\n");
}

/* The capture filter, and what a limited view cannot tell (core's words). */
static void
view(FILE *out, const SumResult *r)
{
    if (r->view_note == NULL)
        return;
    gchar *n = sum_html_esc(r->view_note), *a = sum_html_esc(r->view_advice);
    fprintf(out, "<p class=\"view\" id=\"capture-view\"><b>View:</b> %s%s%s</p>\n", n,
            r->view_advice != NULL ? "<br/><b>How to tell:</b> " : "",
            r->view_advice != NULL ? a : "");
    g_free(n);
    g_free(a);
}

/* What the findings come down to, first. */
static void
root_causes(FILE *out, const SumReport *rep)
{
    const SumResult *r = rep->result;
    char hb[SUM_ADDR_STRLEN];
    if (r->root_causes->len == 0)
        return;
    fprintf(out, "<h2>What it comes down to</h2>\n<table id=\"root-causes\"><tr><th>root "
                 "cause</th><th>host</th><th>what</th><th>evidence</th><th>confidence</th>"
                 "<th>frames</th><th>what to do</th></tr>\n");
    for (guint i = 0; i < r->root_causes->len; i++) {
        const SumRootCause *rc = g_ptr_array_index(r->root_causes, i);
        gchar *fr = frames_text(rep->capture, rc->frames), *h = sum_html_esc(a2s(&rc->host, hb));
        gchar *m = sum_html_esc(rc->message), *adv = sum_html_esc(rc->advice);
        fprintf(out, "<tr class=\"root-cause code-%s\"><td><b>%s</b></td><td>%s</td><td>%s "
                     "(explains %u finding%s)</td><td>%s</td><td>%s</td><td>%s</td><td>%s</td>"
                     "</tr>\n", sum_root_cause_name(rc->code), sum_root_cause_name(rc->code), h,
                m, rc->findings->len, rc->findings->len == 1 ? "" : "s",
                sum_evidence_name(rc->evidence), sum_plan_confidence_name(rc->confidence), fr,
                adv);
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
    gboolean fold = remedies->len > HTML_REMEDIES_OPEN;
    if (fold)
        fprintf(out, "<details class=\"remediation\"><summary>%u steps, each with its "
                     "commands</summary>\n", remedies->len);
    for (guint i = 0; i < remedies->len; i++) {
        const SumRemedy *m = g_ptr_array_index(remedies, i);
        gchar *why = sum_html_esc(m->why), *h = sum_html_esc(a2s(&m->host, hb));
        gchar *peer = m->peer.family != 0 ? sum_html_esc(a2s(&m->peer, pb)) : g_strdup("any");
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
            gchar *c = sum_html_esc(cmds[k]);
            fprintf(out, "<div class=\"cmd\">%s</div><pre>%s</pre>\n", labels[k], c);
            g_free(c);
        }
        fprintf(out, "</div>\n");
        g_free(why);
        g_free(h);
        g_free(peer);
    }
    if (fold)
        fprintf(out, "</details>\n");
}

/* Files not read to their end: one line each, under the title. */
static void
stops(FILE *out, const GPtrArray *stops)
{
    for (guint i = 0; stops != NULL && i < stops->len; i++) {
        const SumCaptureStop *st = g_ptr_array_index(stops, i);
        gchar *file = sum_html_esc(st->file), *why = sum_html_esc(st->reason);
        fprintf(out, "<p class=\"sub\" style=\"color:#b3261e\">%s: %s at frame %"
                     G_GUINT64_FORMAT, file,
                st->kind == SUM_STOP_CUT_OFF ? "cut off" : "stopped", st->frame);
        if (st->offset >= 0)
            fprintf(out, ", byte %" G_GINT64_FORMAT, st->offset);
        fprintf(out, ": %s; only what came before is shown</p>\n", why);
        g_free(file);
        g_free(why);
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
    gchar *ef = sum_html_esc(files->str), *reason = sum_html_esc(r->profile_reason);
    gchar *t0 = c->packets ? sum_html_time(c->t_first) : g_strdup("-");
    fprintf(out, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n"
                 "<title>sumscope: %s</title>\n<style>%s</style>\n</head>\n<body>\n", ef, CSS);
    gboolean is_sum = sum_verdict_is_sum(r->verdict);
    fprintf(out, "<h1>HP SUM port story</h1>\n<p class=\"sub\">%s &#183; %" G_GUINT64_FORMAT
                 " packets from %s &#183; %s <b>%s</b>%s%s &#183; sumscope %s</p>\n",
            ef, c->packets, t0, is_sum ? "port plan" : "verdict",
            !is_sum ? sum_verdict_name(r->verdict)
                    : sum_result_generation_name(r) != NULL ? sum_result_generation_name(r)
                                                            : r->profile->name,
            is_sum ? ": " : "", is_sum ? reason : "",
            rep->program_version != NULL ? rep->program_version : "");
    stops(out, c->stops);
    view(out, r);
    cards(out, rep);
    if (!is_sum)
        no_sum(out, r);
    root_causes(out, rep);
    /* The first screen: what failed and the findings; then the charts. */
    GPtrArray *targets = sum_status_targets(r);
    if (r->hosts->len > 0)
        sum_html_failed(out, rep, targets);
    findings(out, rep);
    fprintf(out, "<h2>Timeline</h2>\n");
    gboolean any = FALSE;
    for (guint i = 0; i < r->hosts->len; i++) {
        const SumHost *h = g_ptr_array_index(r->hosts, i);
        if (h->role != SUM_ROLE_SUM_HOST)
            continue;
        if (!any)
            sum_html_legend(out);
        any = TRUE;
        sum_html_timeline(out, r, c, h);
    }
    if (!any)
        fprintf(out, "<p class=\"none\">No SUM traffic found in this capture.</p>\n");
    sum_html_targets(out, rep, targets);
    g_ptr_array_unref(targets);
    ledger(out, rep);
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
