/* sum-generation.c: the port plan a capture shows (sum-generation.h). */
#include "sum-generation.h"

static gboolean
in_family(const SumProfile *p, SumFamily f, guint16 port)
{
    SumPortPos pos;
    const SumPortRule *r = sum_plan_rule(p, f, SUM_TRANSPORT_TCP);
    return r != NULL && sum_plan_position(r, port, &pos);
}

void
sum_generation_observe(SumGenScore *score, const SumConn *c)
{
    if (c->transport != SUM_TRANSPORT_TCP)
        return;
    const SumProfile *classic = sum_plan_profile(SUM_GENERATION_CLASSIC);
    if ((in_family(classic, SUM_FAMILY_MESSAGE, c->orig_port) &&
         in_family(classic, SUM_FAMILY_CONTROL, c->resp_port)) ||
        (in_family(classic, SUM_FAMILY_MESSAGE, c->resp_port) &&
         in_family(classic, SUM_FAMILY_CONTROL, c->orig_port)))
        score->classic += sum_conn_is_tls(c) ? 3 : 1;
    const SumProfile *g7 = sum_plan_profile(SUM_GENERATION_7);
    const SumPortRule *web = sum_plan_rule(g7, SUM_FAMILY_FIRMWARE, SUM_TRANSPORT_TCP);
    const SumPortRule *sweb = sum_plan_rule(g7, SUM_FAMILY_CALLBACK, SUM_TRANSPORT_TCP);
    if (c->resp_port == web->base && c->orig_payload == SUM_PAYLOAD_HTTP_REQUEST)
        score->web += 2;
    if (c->resp_port == sweb->base && sum_conn_is_tls(c)) {
        score->web += 2;
        if (sum_addr_is_loopback(&c->resp))
            score->gen8++;
    }
}

const SumProfile *
sum_generation_choose(const SumGenScore *s, gchar **reason)
{
    const SumProfile *classic = sum_plan_profile(SUM_GENERATION_CLASSIC);
    if (s->classic == 0 && s->web == 0) {
        *reason = g_strdup("no sign of any SUM generation; the classic plan by default");
        return classic;
    }
    if (s->classic >= s->web) {
        *reason = g_strdup_printf(
            "message ports (60000 and up) talking to control listeners (62286 and up): the "
            "classic SUM (4.x-6.x)%s",
            s->web > 0 ? "; some traffic on 63001/63002 also fits SUM 7.x or later, less well"
                       : "");
        return classic;
    }
    if (s->gen8 > 0) {
        *reason = g_strdup("the web server on 63002 also used on loopback between SUM's own "
                           "processes: SUM 8.x or later");
        return sum_plan_profile(SUM_GENERATION_8);
    }
    *reason = g_strdup_printf("targets fetching from SUM's web server on 63001/63002: SUM 7.x or "
                              "later (no 8.x-only sign)%s",
                              s->classic > 0 ? "; some message -> control traffic also fits the "
                                               "classic SUM, less well"
                                             : "");
    return sum_plan_profile(SUM_GENERATION_7);
}
