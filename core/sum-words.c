/* sum-words.c: messages and advice of findings (sum-words.h). */
#include "sum-words.h"

const char *
sum_words_evidence(SumEvidence e)
{
    switch (e) {
    case SUM_EVIDENCE_TRAFFIC:
        return "another program's traffic was seen on it";
    case SUM_EVIDENCE_PROBE:
        return "a peer that reached it found something that is not SUM";
    default:
        return "nothing in the capture shows what held it (inferred)";
    }
}

static void
words_conflict(SumFinding *f, const char *host)
{
    f->message = g_strdup_printf("%s port %u on %s was taken, so SUM used %u instead: %s",
                                 sum_plan_family_name(f->family), f->port, host,
                                 f->used_instead, sum_words_evidence(f->evidence));
    f->advice = g_strdup_printf(
        "open %u (the port SUM actually used) rather than %u in the firewall of %s; "
        "to see what holds %u: 'ss -ltnp' on Linux, 'netstat -abno' and "
        "'netsh interface ipv4 show excludedportrange protocol=tcp' on Windows",
        f->used_instead, f->port, host, f->port);
}

static void
words_overflow(const SumProfile *p, SumFinding *f, const char *host)
{
    const SumPortRule *rule = sum_plan_rule(p, f->family, SUM_TRANSPORT_TCP);
    SumPortPos pos;
    guint lo = f->port, hi = f->port;
    if (rule != NULL && sum_plan_position(rule, f->port, &pos)) {
        lo = rule->fallback_lo != 0 ? rule->fallback_lo : pos.base;
        hi = pos.range_end;
    }
    f->message = g_strdup_printf("%s port %u on %s is past the documented range %u-%u",
                                 sum_plan_family_name(f->family), f->port, host, lo, hi);
    f->advice = g_strdup_printf("firewall rules that allow only %u-%u miss this port: open %u "
                                "on %s too", lo, hi, f->port, host);
}

static void
words_one_way(SumFinding *f, const char *host, const char *peer)
{
    f->message = g_strdup_printf(
        "%s port %u on %s: no answer to %s's SYN in the capture, which holds only what %s "
        "sent (its answered connections show no packet back): refused or dropped, the "
        "capture cannot tell (one SYN, no retry: more likely refused)",
        sum_plan_family_name(f->family), f->port, host, peer, peer);
    f->advice = g_strdup_printf("capture both directions, or check that SUM's listener runs "
                                "on %s and that TCP %u is allowed inbound from %s",
                                host, f->port, peer);
}

static void
words_failure(SumFinding *f, const char *host, const char *peer)
{
    const char *family = sum_plan_family_name(f->family);
    const char *proto = f->transport == SUM_TRANSPORT_UDP ? "UDP" : "TCP";
    switch (f->code) {
    case SUM_FINDING_PORT_BLOCKED:
        f->message = g_strdup_printf("%s port %u on %s never answered %s (%u SYN%s%s): a "
                                     "firewall drops it", family, f->port, host, peer,
                                     f->syn_count, f->syn_count == 1 ? "" : "s",
                                     f->icmp ? ", ICMP unreachable" : "");
        f->advice = g_strdup_printf("allow %s %u inbound on %s from %s", proto, f->port, host,
                                    peer);
        break;
    case SUM_FINDING_PORT_REFUSED:
        f->message = g_strdup_printf("%s port %u on %s refused %s (%s): nothing listens there, "
                                     "or a firewall rejects", family, f->port, host, peer,
                                     f->icmp ? "ICMP port unreachable" : "TCP reset");
        f->advice = g_strdup_printf("check that SUM's listener runs on %s ('ss -ltnp' / "
                                    "'netstat -abno') and allow %s %u inbound from %s", host,
                                    proto, f->port, peer);
        break;
    default:
        f->message = g_strdup_printf("%s port %u on %s answered %s with %s, not TLS: another "
                                     "service holds it", family, f->port, host, peer,
                                     sum_payload_name(f->answer));
        f->advice = g_strdup_printf("find what listens on %u on %s ('ss -ltnp' / "
                                    "'netstat -abno')", f->port, host);
        break;
    }
}

void
sum_words_finding(const SumProfile *p, SumFinding *f)
{
    char host[SUM_ADDR_STRLEN], peer[SUM_ADDR_STRLEN];
    sum_addr_to_string(&f->host, host, sizeof host);
    sum_addr_to_string(&f->peer, peer, sizeof peer);
    g_clear_pointer(&f->message, g_free);
    g_clear_pointer(&f->advice, g_free);
    switch (f->code) {
    case SUM_FINDING_PORT_CONFLICT:
        words_conflict(f, host);
        break;
    case SUM_FINDING_RANGE_OVERFLOW:
        words_overflow(p, f, host);
        break;
    default:
        if (f->one_way)
            words_one_way(f, host, peer);
        else
            words_failure(f, host, peer);
        break;
    }
}
