/* test_remedy.c: sum_remedy_build() on hand-built results: the rule goes on
 * the right host, in the right direction, from the peers the capture shows,
 * once; a conflict gets advice and no rule. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "sum-remedy.h"

typedef struct {
    SumResult res;
    SumHost hosts[4];
    SumChannel channels[8];
    SumAllocation allocs[4];
    SumFinding findings[4];
} Fixture;

static SumAddr
addr(const char *text)
{
    SumAddr a;
    assert_true(sum_addr_from_string(&a, text));
    return a;
}

static Fixture *
fixture_new(void)
{
    Fixture *fx = g_new0(Fixture, 1);
    fx->res.profile = sum_plan_profile_default();
    fx->res.hosts = g_ptr_array_new();
    fx->res.channels = g_ptr_array_new();
    fx->res.allocations = g_ptr_array_new();
    fx->res.findings = g_ptr_array_new();
    return fx;
}

static void
fixture_free(Fixture *fx)
{
    for (guint i = 0; i < fx->res.allocations->len; i++)
        g_array_free(fx->allocs[i].conflicting_ports, TRUE);
    g_ptr_array_unref(fx->res.hosts);
    g_ptr_array_unref(fx->res.channels);
    g_ptr_array_unref(fx->res.allocations);
    g_ptr_array_unref(fx->res.findings);
    g_free(fx);
}

static void
add_host(Fixture *fx, const char *a, SumRole role)
{
    SumHost *h = &fx->hosts[fx->res.hosts->len];
    h->addr = addr(a);
    h->role = role;
    h->confidence = SUM_CONFIDENCE_HIGH;
    g_ptr_array_add(fx->res.hosts, h);
}

/* A channel from CLIENT:CPORT to SERVER:SPORT; HOLDER holds the family's port. */
static void
add_channel(Fixture *fx, SumFamily family, const char *client, guint16 cport,
            const char *server, guint16 sport, gboolean holder_is_server, SumConnState state)
{
    SumChannel *ch = &fx->channels[fx->res.channels->len];
    ch->family = family;
    ch->conn.transport = SUM_TRANSPORT_TCP;
    ch->conn.orig = addr(client);
    ch->conn.resp = addr(server);
    ch->conn.orig_port = cport;
    ch->conn.resp_port = sport;
    ch->conn.state = state;
    ch->conn.synack_frame = state == SUM_CONN_S0 || state == SUM_CONN_REJ ? 0 : 2;
    ch->sum_port = holder_is_server ? sport : cport;
    ch->port_holder = holder_is_server ? ch->conn.resp : ch->conn.orig;
    g_ptr_array_add(fx->res.channels, ch);
}

static SumAllocation *
add_alloc(Fixture *fx, const char *host, SumFamily family, guint16 port, guint16 base,
          guint16 end, SumCause cause, guint16 conflicting)
{
    SumAllocation *a = &fx->allocs[fx->res.allocations->len];
    a->host = addr(host);
    a->family = family;
    a->port = port;
    a->base = base;
    a->range_end = end;
    a->cause = cause;
    a->conflicting_ports = g_array_new(FALSE, FALSE, sizeof(guint16));
    if (conflicting != 0)
        g_array_append_val(a->conflicting_ports, conflicting);
    g_ptr_array_add(fx->res.allocations, a);
    return a;
}

static void
add_finding(Fixture *fx, SumFindingCode code, const char *host, guint16 port, SumFamily family,
            const char *peer)
{
    SumFinding *f = &fx->findings[fx->res.findings->len];
    f->code = code;
    f->severity = sum_plan_finding_severity(code);
    f->host = addr(host);
    f->port = port;
    f->family = family;
    if (peer != NULL)
        f->peer = addr(peer);
    f->message = (gchar *)"test";
    g_ptr_array_add(fx->res.findings, f);
}

static const SumRemedy *
remedy(const GPtrArray *r, guint i)
{
    assert_true(i < r->len);
    return g_ptr_array_index(r, i);
}

static void
test_remedy_blocked_callback_inbound_on_sum_host_from_peer(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_host(fx, "10.0.0.1", SUM_ROLE_SUM_HOST);
    add_host(fx, "10.0.0.5", SUM_ROLE_TARGET);
    add_channel(fx, SUM_FAMILY_CALLBACK, "10.0.0.5", 40000, "10.0.0.1", 61001, TRUE,
                SUM_CONN_S0);
    add_finding(fx, SUM_FINDING_PORT_BLOCKED, "10.0.0.1", 61001, SUM_FAMILY_CALLBACK,
                "10.0.0.5");
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    const SumRemedy *m = remedy(r, 0);
    assert_true(m->inbound);
    assert_int_equal(m->role, SUM_ROLE_SUM_HOST);
    assert_string_equal(m->windows, "netsh advfirewall firewall add rule name=\"HP SUM callback "
                                    "61001\" dir=in action=allow protocol=TCP localport=61001 "
                                    "remoteip=10.0.0.5");
    assert_non_null(strstr(m->firewalld, "firewall-cmd --permanent --add-rich-rule='rule "
                                         "family=\"ipv4\" source address=\"10.0.0.5\" port "
                                         "port=\"61001\" protocol=\"tcp\" accept'"));
    assert_string_equal(m->nft, "nft add rule inet filter input ip saddr 10.0.0.5 tcp dport "
                                "61001 accept");
    g_ptr_array_unref(r);
    fixture_free(fx);
}

static void
test_remedy_blocked_ipv6_uses_ip6_words(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_channel(fx, SUM_FAMILY_CONTROL, "fd00::1", 60000, "fd00::2", 62286, TRUE, SUM_CONN_S0);
    add_finding(fx, SUM_FINDING_PORT_BLOCKED, "fd00::2", 62286, SUM_FAMILY_CONTROL, "fd00::1");
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    const SumRemedy *m = remedy(r, 0);
    assert_non_null(strstr(m->windows, "localport=62286 remoteip=fd00::1"));
    assert_non_null(strstr(m->firewalld, "family=\"ipv6\" source address=\"fd00::1\""));
    assert_string_equal(m->nft, "nft add rule inet filter input ip6 saddr fd00::1 tcp dport "
                                "62286 accept");
    g_ptr_array_unref(r);
    fixture_free(fx);
}

static void
test_remedy_blocked_only_failing_peers_get_rules(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_channel(fx, SUM_FAMILY_CALLBACK, "10.0.0.5", 40000, "10.0.0.1", 61001, TRUE,
                SUM_CONN_S0);
    add_channel(fx, SUM_FAMILY_CALLBACK, "10.0.0.6", 40001, "10.0.0.1", 61001, TRUE,
                SUM_CONN_S0);
    add_channel(fx, SUM_FAMILY_CALLBACK, "10.0.0.7", 40002, "10.0.0.1", 61001, TRUE,
                SUM_CONN_SF);
    /* 10.0.0.6 got through later: it needs no rule. */
    add_channel(fx, SUM_FAMILY_CALLBACK, "10.0.0.6", 40003, "10.0.0.1", 61001, TRUE,
                SUM_CONN_SF);
    add_finding(fx, SUM_FINDING_PORT_BLOCKED, "10.0.0.1", 61001, SUM_FAMILY_CALLBACK,
                "10.0.0.5");
    add_finding(fx, SUM_FINDING_PORT_BLOCKED, "10.0.0.1", 61001, SUM_FAMILY_CALLBACK,
                "10.0.0.5");
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    assert_non_null(strstr(remedy(r, 0)->windows, "remoteip=10.0.0.5"));
    g_ptr_array_unref(r);
    fixture_free(fx);
}

static void
test_remedy_message_overflow_outbound_from_source_port(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_host(fx, "10.0.0.1", SUM_ROLE_SUM_HOST);
    add_channel(fx, SUM_FAMILY_MESSAGE, "10.0.0.1", 60008, "10.0.0.9", 62286, FALSE,
                SUM_CONN_SF);
    add_alloc(fx, "10.0.0.1", SUM_FAMILY_MESSAGE, 60008, 60000, 60007, SUM_CAUSE_OVERFLOW, 0);
    add_finding(fx, SUM_FINDING_RANGE_OVERFLOW, "10.0.0.1", 60008, SUM_FAMILY_MESSAGE,
                "10.0.0.9");
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    const SumRemedy *m = remedy(r, 0);
    assert_false(m->inbound);
    assert_non_null(strstr(m->windows, "dir=out action=allow protocol=TCP localport=60008 "
                                       "remoteip=10.0.0.9"));
    assert_string_equal(m->nft, "nft add rule inet filter output ip daddr 10.0.0.9 tcp sport "
                                "60008 accept");
    assert_non_null(strstr(m->why, "60000-60007"));
    assert_non_null(strstr(m->why, "control port is unaffected"));
    g_ptr_array_unref(r);
    fixture_free(fx);
}

static void
test_remedy_conflict_is_advice_naming_the_port_used(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_alloc(fx, "10.0.0.1", SUM_FAMILY_FIRMWARE, 63000, 80, 63005, SUM_CAUSE_CONFLICT, 80);
    add_finding(fx, SUM_FINDING_PORT_CONFLICT, "10.0.0.1", 80, SUM_FAMILY_FIRMWARE, NULL);
    add_finding(fx, SUM_FINDING_NOT_SUM_SERVICE, "10.0.0.1", 80, SUM_FAMILY_FIRMWARE, NULL);
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    const SumRemedy *m = remedy(r, 0);
    assert_int_equal(m->code, SUM_FINDING_PORT_CONFLICT);
    assert_null(m->windows);
    assert_null(m->firewalld);
    assert_null(m->nft);
    assert_non_null(strstr(m->why, "moved on to 63000"));
    g_ptr_array_unref(r);
    fixture_free(fx);
}

static void
test_remedy_netbios_refused_is_udp(void **state)
{
    (void)state;
    Fixture *fx = fixture_new();
    add_finding(fx, SUM_FINDING_PORT_REFUSED, "10.0.0.2", 137, SUM_FAMILY_BOOTSTRAP,
                "10.0.0.1");
    GPtrArray *r = sum_remedy_build(&fx->res);
    assert_int_equal(r->len, 1);
    const SumRemedy *m = remedy(r, 0);
    assert_int_equal(m->transport, SUM_TRANSPORT_UDP);
    assert_non_null(strstr(m->windows, "protocol=UDP localport=137"));
    assert_non_null(strstr(m->nft, "udp dport 137"));
    g_ptr_array_unref(r);
    fixture_free(fx);
}

int
main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_remedy_blocked_callback_inbound_on_sum_host_from_peer),
        cmocka_unit_test(test_remedy_blocked_ipv6_uses_ip6_words),
        cmocka_unit_test(test_remedy_blocked_only_failing_peers_get_rules),
        cmocka_unit_test(test_remedy_message_overflow_outbound_from_source_port),
        cmocka_unit_test(test_remedy_conflict_is_advice_naming_the_port_used),
        cmocka_unit_test(test_remedy_netbios_refused_is_udp),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
