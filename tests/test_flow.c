/* test_flow.c: the flow table (analyzer/flow-table.c) on hand-made decoded
 * packets: Zeek-style outcomes, SYN retransmissions, ICMP unreachables tied to
 * the attempt they answer, expiry, the cap on live flows, and what is not
 * kept. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "capture.h"
#include "flow-table.h"
#include "sum-limits.h"

#define SEC 1000000LL /* µs */
#define T0 (1700000000LL * SEC)

static const uint8_t sum_host[4] = {10, 0, 0, 1};
static const uint8_t target[4] = {10, 0, 0, 2};

/* Collects what the table emits. */
static void
collect(const SumConn *conn, void *user)
{
    g_array_append_val((GArray *)user, *conn);
}

typedef struct {
    GArray *out;
    SumFlowTable *table;
} Fixture;

static int
setup(void **state)
{
    Fixture *f = g_new0(Fixture, 1);
    f->out = g_array_new(FALSE, TRUE, sizeof(SumConn));
    f->table = sum_flow_table_new(sum_plan_profile_default(), collect, f->out);
    *state = f;
    return 0;
}

static int
teardown(void **state)
{
    Fixture *f = *state;
    sum_flow_table_free(f->table);
    g_array_free(f->out, TRUE);
    g_free(f);
    return 0;
}

static const SumConn *
emitted(const Fixture *f, guint i)
{
    assert_true(i < f->out->len);
    return &g_array_index(f->out, SumConn, i);
}

/* A decoded IPv4 TCP segment SRC:SPORT -> DST:DPORT. */
static sum_packet
tcp(const uint8_t src[4], uint16_t sport, const uint8_t dst[4], uint16_t dport, uint8_t flags,
    uint32_t seq)
{
    sum_packet p;
    memset(&p, 0, sizeof p);
    p.linktype = 1;
    p.frame_len = 60;
    p.ip_version = 4;
    p.src.family = p.dst.family = 4;
    memcpy(p.src.bytes, src, 4);
    memcpy(p.dst.bytes, dst, 4);
    p.proto = 6;
    p.sport = sport;
    p.dport = dport;
    p.tcp_flags = flags;
    p.seq = seq;
    return p;
}

static sum_packet
with_payload(sum_packet p, const uint8_t *data, uint32_t len)
{
    p.payload = data;
    p.payload_caplen = p.payload_len = len;
    p.frame_len += len;
    return p;
}

#define SYN SUM_TCP_SYN
#define ACK SUM_TCP_ACK
#define FIN SUM_TCP_FIN
#define RST SUM_TCP_RST

static void
test_flow_syn_retransmitted_s0_one_attempt(void **state)
{
    Fixture *f = *state;
    /* SYN 60000 -> 62286, retransmitted at +1 s and +3 s with the same ISN */
    for (int i = 0; i < 3; i++) {
        sum_packet p = tcp(sum_host, 60000, target, 62286, SYN, 1000);
        assert_true(sum_flow_table_packet(f->table, &p, (SumFrame)i + 1, T0 + i * SEC));
    }
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 1);
    const SumConn *c = emitted(f, 0);
    assert_int_equal(c->state, SUM_CONN_S0);
    assert_int_equal(c->syn_count, 3);
    assert_true(c->roles_known);
    assert_int_equal(c->transport, SUM_TRANSPORT_TCP);
    assert_int_equal(c->orig.bytes[3], 1);
    assert_int_equal(c->orig_port, 60000);
    assert_int_equal(c->resp_port, 62286);
    assert_int_equal(c->first_frame, 1);
    assert_int_equal(c->last_frame, 3);
    assert_int_equal(c->packets, 3);
    assert_int_equal(c->bytes, 180);
    assert_int_equal(c->t_first, T0);
    assert_int_equal(c->t_last, T0 + 2 * SEC);
    assert_int_equal(c->synack_frame, 0);
    assert_int_equal(sum_flow_table_live(f->table), 0);
}

static void
test_flow_syn_rst_rej_emitted_after_linger(void **state)
{
    Fixture *f = *state;
    sum_packet syn = tcp(sum_host, 60000, target, 62286, SYN, 1000);
    sum_packet rst = tcp(target, 62286, sum_host, 60000, RST | ACK, 0);
    sum_flow_table_packet(f->table, &syn, 1, T0);
    sum_flow_table_packet(f->table, &rst, 2, T0 + 1000);
    assert_int_equal(f->out->len, 0); /* lingering */
    /* Any packet after the linger sweeps it out: here a non-SUM one. */
    sum_packet other = tcp(sum_host, 50000, target, 8443, SYN, 5);
    assert_false(sum_flow_table_packet(f->table, &other, 3,
                                       T0 + SUM_FLOW_LINGER_US + 2 * SEC));
    assert_int_equal(f->out->len, 1);
    const SumConn *c = emitted(f, 0);
    assert_int_equal(c->state, SUM_CONN_REJ);
    assert_int_equal(c->rst_frame, 2);
    assert_int_equal(c->syn_count, 1);
}

static void
test_flow_handshake_tls_fin_sf(void **state)
{
    Fixture *f = *state;
    static const uint8_t hello[] = {0x16, 0x03, 0x01, 0x00, 0x40}; /* TLS handshake */
    static const uint8_t server[] = {0x16, 0x03, 0x03, 0x00, 0x50};
    sum_packet seg[] = {
        tcp(sum_host, 60000, target, 62286, SYN, 1000),
        tcp(target, 62286, sum_host, 60000, SYN | ACK, 5000),
        tcp(sum_host, 60000, target, 62286, ACK, 1001),
        with_payload(tcp(sum_host, 60000, target, 62286, ACK, 1001), hello, sizeof hello),
        with_payload(tcp(target, 62286, sum_host, 60000, ACK, 5001), server, sizeof server),
        tcp(sum_host, 60000, target, 62286, FIN | ACK, 1006),
        tcp(target, 62286, sum_host, 60000, FIN | ACK, 5006),
        tcp(sum_host, 60000, target, 62286, ACK, 1007),
    };
    for (size_t i = 0; i < G_N_ELEMENTS(seg); i++)
        assert_true(sum_flow_table_packet(f->table, &seg[i], i + 1, T0 + (gint64)i * 1000));
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 1);
    const SumConn *c = emitted(f, 0);
    assert_int_equal(c->state, SUM_CONN_SF);
    assert_int_equal(c->synack_frame, 2);
    assert_int_equal(c->orig_payload, SUM_PAYLOAD_TLS);
    assert_int_equal(c->resp_payload, SUM_PAYLOAD_TLS);
    assert_int_equal(c->payload_frame, 5);
    assert_int_equal(c->packets, 8);
    assert_int_equal(c->rst_frame, 0);
    assert_false(c->icmp_unreachable);
}

static void
test_flow_new_isn_after_rej_new_record(void **state)
{
    Fixture *f = *state;
    sum_packet syn1 = tcp(sum_host, 60000, target, 62286, SYN, 1000);
    sum_packet rst = tcp(target, 62286, sum_host, 60000, RST | ACK, 0);
    sum_packet syn2 = tcp(sum_host, 60000, target, 62286, SYN, 777777);
    sum_flow_table_packet(f->table, &syn1, 1, T0);
    sum_flow_table_packet(f->table, &rst, 2, T0 + 10);
    sum_flow_table_packet(f->table, &syn2, 3, T0 + 20);
    assert_int_equal(f->out->len, 1); /* the refused attempt, folded out at once */
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 2);
    assert_int_equal(emitted(f, 0)->state, SUM_CONN_REJ);
    assert_int_equal(emitted(f, 1)->state, SUM_CONN_S0);
    assert_int_equal(emitted(f, 1)->first_frame, 3);
    assert_int_equal(emitted(f, 1)->syn_count, 1);
}

static void
test_flow_icmp_unreachable_tied_to_attempt(void **state)
{
    Fixture *f = *state;
    sum_packet syn = tcp(sum_host, 60000, target, 62286, SYN, 1000);
    sum_flow_table_packet(f->table, &syn, 1, T0);
    /* ICMP from a router 10.0.0.254: administratively prohibited, quoting
     * the SYN as it was sent */
    sum_packet icmp;
    memset(&icmp, 0, sizeof icmp);
    icmp.ip_version = 4;
    icmp.src.family = icmp.dst.family = 4;
    icmp.src.bytes[0] = 10, icmp.src.bytes[3] = 254;
    memcpy(icmp.dst.bytes, sum_host, 4);
    icmp.proto = 1;
    icmp.icmp_type = 3;
    icmp.icmp_code = 13;
    icmp.icmp_quoted = 1;
    icmp.q_src = syn.src;
    icmp.q_dst = syn.dst;
    icmp.q_proto = 6;
    icmp.q_sport = 60000;
    icmp.q_dport = 62286;
    assert_true(sum_flow_table_packet(f->table, &icmp, 2, T0 + 100));
    /* One quoting a flow nobody tracks is not kept. */
    icmp.q_sport = 60005;
    assert_false(sum_flow_table_packet(f->table, &icmp, 3, T0 + 200));
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 1);
    const SumConn *c = emitted(f, 0);
    assert_true(c->icmp_unreachable);
    assert_int_equal(c->icmp_frame, 2);
    assert_int_equal(c->icmp_type, 3);
    assert_int_equal(c->icmp_code, 13);
    assert_int_equal(c->state, SUM_CONN_S0);
    assert_int_equal(c->packets, 1); /* the ICMP is evidence, not a packet of the flow */
}

static void
test_flow_cap_evicts_oldest_idle_counted(void **state)
{
    Fixture *f = *state;
    sum_flow_table_set_max_live(f->table, 2);
    for (uint16_t i = 0; i < 3; i++) {
        sum_packet syn = tcp(sum_host, (uint16_t)(60000 + i), target, 62286, SYN, 1);
        sum_flow_table_packet(f->table, &syn, i + 1u, T0 + i);
    }
    assert_int_equal(sum_flow_table_evicted(f->table), 1);
    assert_int_equal(sum_flow_table_live(f->table), 2);
    assert_int_equal(f->out->len, 1);
    assert_int_equal(emitted(f, 0)->orig_port, 60000); /* the longest idle went */
    sum_flow_table_flush(f->table);
    assert_int_equal(sum_flow_table_emitted(f->table), 3);
}

static void
test_flow_non_sum_traffic_not_kept(void **state)
{
    Fixture *f = *state;
    /* HTTPS (on 8443: 443 is a device's HTTPS in the classic plan, kept
     * between known hosts) from an ephemeral port, and DNS */
    sum_packet https = tcp(sum_host, 50000, target, 8443, SYN, 1);
    sum_packet dns = tcp(sum_host, 53000, target, 53, 0, 0);
    dns.proto = 17;
    assert_false(sum_flow_table_packet(f->table, &https, 1, T0));
    assert_false(sum_flow_table_packet(f->table, &dns, 2, T0));
    assert_int_equal(sum_flow_table_live(f->table), 0);
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 0);
    assert_false(sum_flow_table_port_relevant(f->table, SUM_TRANSPORT_TCP, 50000, 8443));
    assert_true(sum_flow_table_port_relevant(f->table, SUM_TRANSPORT_TCP, 50000, 62286));
}

static void
test_flow_relevant_ports_equal_plan_candidates(void **state)
{
    (void)state;
    /* The bitmap is built from the rules' positions; it must be exactly the
     * set of ports the plan has a candidate for, in every profile, plus the
     * NetBIOS name and datagram services. */
    static const SumTransport tr[2] = {SUM_TRANSPORT_TCP, SUM_TRANSPORT_UDP};
    GArray *out = g_array_new(FALSE, TRUE, sizeof(SumConn));
    for (int g = 0; g < SUM_GENERATION_COUNT; g++) {
        const SumProfile *prof = sum_plan_profile((SumGeneration)g);
        SumFlowTable *t = sum_flow_table_new(prof, collect, out);
        for (int ti = 0; ti < 2; ti++) {
            for (guint port = 1; port <= G_MAXUINT16; port++) {
                gboolean want = sum_plan_candidates(prof, tr[ti], (guint16)port, NULL, 8) > 0 ||
                                (ti == 1 && (port == 137 || port == 138));
                /* 9 is a port no profile uses: a test of PORT alone */
                if (sum_flow_table_port_relevant(t, tr[ti], (guint16)port, 9) != want)
                    fail_msg("profile %d %s port %u: bitmap %d, plan %d", g,
                             ti ? "UDP" : "TCP", port, !want, want);
            }
        }
        sum_flow_table_free(t);
    }
    g_array_free(out, TRUE);
}

static void
test_flow_extra_port_kept(void **state)
{
    Fixture *f = *state;
    sum_packet p = tcp(sum_host, 50000, target, 8443, SYN, 1);
    assert_false(sum_flow_table_packet(f->table, &p, 1, T0));
    sum_flow_table_add_port(f->table, SUM_TRANSPORT_TCP, 8443);
    assert_true(sum_flow_table_packet(f->table, &p, 2, T0 + 1));
    assert_int_equal(sum_flow_table_live(f->table), 1);
}

static void
test_flow_udp_netbios_exchange_udp(void **state)
{
    Fixture *f = *state;
    /* NBNS query and its answer, 137 <-> 137 */
    static const uint8_t query[] = {0x12, 0x34, 0x01, 0x10, 0, 1, 0, 0, 0, 0, 0, 0};
    static const uint8_t answer[] = {0x12, 0x34, 0x85, 0x00, 0, 0, 0, 1, 0, 0, 0, 0};
    sum_packet q = with_payload(tcp(sum_host, 137, target, 137, 0, 0), query, sizeof query);
    sum_packet a = with_payload(tcp(target, 137, sum_host, 137, 0, 0), answer, sizeof answer);
    q.proto = a.proto = 17;
    assert_true(sum_flow_table_packet(f->table, &q, 1, T0));
    assert_true(sum_flow_table_packet(f->table, &a, 2, T0 + 500));
    sum_flow_table_flush(f->table);
    assert_int_equal(f->out->len, 1);
    const SumConn *c = emitted(f, 0);
    assert_int_equal(c->transport, SUM_TRANSPORT_UDP);
    assert_int_equal(c->state, SUM_CONN_UDP);
    assert_int_equal(c->orig_payload, SUM_PAYLOAD_NETBIOS);
    assert_int_equal(c->resp_payload, SUM_PAYLOAD_NETBIOS);
    assert_int_equal(c->payload_frame, 2);
    assert_false(c->roles_known);
}

static void
test_flow_idle_timeout_emits_s1(void **state)
{
    Fixture *f = *state;
    sum_packet syn = tcp(sum_host, 60000, target, 62286, SYN, 1);
    sum_packet synack = tcp(target, 62286, sum_host, 60000, SYN | ACK, 9);
    sum_flow_table_packet(f->table, &syn, 1, T0);
    sum_flow_table_packet(f->table, &synack, 2, T0 + 1);
    sum_packet later = tcp(sum_host, 60001, target, 62286, SYN, 1);
    sum_flow_table_packet(f->table, &later, 3, T0 + SUM_FLOW_IDLE_US + 2 * SEC);
    assert_int_equal(f->out->len, 1);
    assert_int_equal(emitted(f, 0)->state, SUM_CONN_S1);
    assert_int_equal(sum_flow_table_live(f->table), 1);
}

static void
test_flow_mid_stream_oth_roles_unknown(void **state)
{
    Fixture *f = *state;
    sum_packet ack = tcp(target, 62286, sum_host, 60000, ACK, 9);
    sum_flow_table_packet(f->table, &ack, 1, T0);
    sum_flow_table_flush(f->table);
    assert_int_equal(emitted(f, 0)->state, SUM_CONN_OTH);
    assert_false(emitted(f, 0)->roles_known);
}

static void
test_flow_vlan_outermost_kept(void **state)
{
    Fixture *f = *state;
    sum_packet syn = tcp(sum_host, 60000, target, 62286, SYN, 1);
    syn.n_vlan = 2, syn.vlan[0] = 200, syn.vlan[1] = 10;
    sum_flow_table_packet(f->table, &syn, 1, T0);
    sum_flow_table_flush(f->table);
    assert_int_equal(emitted(f, 0)->vlan, 200);
}

/* ---- End to end: capture-pcap.c -> decode -> flow table. ---- */

typedef struct {
    SumFlowTable *table;
    guint64 last_frame;
    guint decode_failures;
    gboolean filtered;     /* frames the filter skips leave gaps */
} Run;

static void
on_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data, guint32 caplen,
         guint32 wirelen, void *user)
{
    Run *run = user;
    sum_packet p;
    /* 1-based, each its number in the file: consecutive without a filter */
    if (run->filtered)
        assert_true(frame > run->last_frame);
    else
        assert_int_equal(frame, run->last_frame + 1);
    run->last_frame = frame;
    if (sum_decode_frame(linktype, data, caplen, wirelen, &p) != SUM_DECODE_OK)
        run->decode_failures++;
    else
        sum_flow_table_packet(run->table, &p, frame, time_us);
}

static gboolean
read_sample(Fixture *f, const char *name, const char *filter, GError **error)
{
    g_autofree char *path = g_build_filename(SUMSCOPE_SAMPLES_DIR, name, NULL);
    SumCapture *cap = sum_capture_open(path, filter, error);
    if (cap == NULL)
        return FALSE;
    Run run = {f->table, 0, 0, filter != NULL};
    gboolean ok = sum_capture_run(cap, 1, on_frame, &run, error);
    assert_int_equal(run.decode_failures, 0);
    assert_true(run.last_frame <= sum_capture_records(cap));
    if (filter == NULL)
        assert_int_equal(sum_capture_frames(cap), run.last_frame);
    guint64 done, total;
    sum_capture_progress(cap, &done, &total);
    assert_true(total > 0 && done == total);
    sum_capture_close(cap);
    sum_flow_table_flush(f->table);
    return ok;
}

static const SumConn *
find_conn(const Fixture *f, guint16 orig_port, guint16 resp_port)
{
    for (guint i = 0; i < f->out->len; i++) {
        const SumConn *c = emitted(f, i);
        if (c->orig_port == orig_port && c->resp_port == resp_port)
            return c;
    }
    return NULL;
}

static void
test_flow_capture_blocked_sample_s0_and_sf(void **state)
{
    Fixture *f = *state;
    /* samples/blocked.pcap: 10.77.0.11 drops SYNs to 62286, 10.77.0.12 works */
    assert_true(read_sample(f, "blocked.pcap", NULL, NULL));
    assert_int_equal(f->out->len, 3);
    const SumConn *blocked = find_conn(f, 60000, 62286);
    assert_non_null(blocked);
    assert_int_equal(blocked->state, SUM_CONN_S0);
    assert_int_equal(blocked->syn_count, 3);
    assert_int_equal(blocked->first_frame, 1);
    const SumConn *callback = find_conn(f, 41000, 61001);
    assert_non_null(callback);
    assert_int_equal(callback->state, SUM_CONN_SF);
    assert_int_equal(callback->orig_payload, SUM_PAYLOAD_TLS);
}

static void
test_flow_capture_filter_keeps_only_matches(void **state)
{
    Fixture *f = *state;
    /* samples/any-sll2.pcap: Linux cooked v2, loopback IPC and the wire */
    assert_true(read_sample(f, "any-sll2.pcap", "tcp port 61001", NULL));
    assert_int_equal(f->out->len, 1);
    assert_int_equal(emitted(f, 0)->resp_port, 61001);
}

static void
test_flow_capture_bad_filter_error_names_filter(void **state)
{
    (void)state;
    g_autofree char *path = g_build_filename(SUMSCOPE_SAMPLES_DIR, "blocked.pcap", NULL);
    GError *error = NULL;
    assert_null(sum_capture_open(path, "tcp prot 80", &error));
    assert_true(g_error_matches(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FILTER));
    assert_non_null(strstr(error->message, "'tcp prot 80'"));
    assert_non_null(strstr(error->message, path));
    g_error_free(error);
}

static void
test_flow_capture_not_a_capture_error_names_file(void **state)
{
    (void)state;
    g_autofree char *path = g_build_filename(SUMSCOPE_SAMPLES_DIR, "blocked.truth.json", NULL);
    GError *error = NULL;
    assert_null(sum_capture_open(path, NULL, &error));
    assert_true(g_error_matches(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_FORMAT));
    assert_true(g_str_has_prefix(error->message, path));
    assert_null(strchr(error->message, '\n'));
    g_clear_error(&error);
    assert_null(sum_capture_open("/nonexistent/x.pcap", NULL, &error));
    assert_true(g_error_matches(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_OPEN));
    g_error_free(error);
}

static void
test_flow_capture_cut_file_truncated_after_frames(void **state)
{
    Fixture *f = *state;
    g_autofree char *src = g_build_filename(SUMSCOPE_SAMPLES_DIR, "blocked.pcap", NULL);
    g_autofree char *bytes = NULL;
    gsize len = 0;
    assert_true(g_file_get_contents(src, &bytes, &len, NULL));
    g_autofree char *cut = NULL;
    int fd = g_file_open_tmp("sumscope-cut-XXXXXX.pcap", &cut, NULL);
    assert_true(fd >= 0);
    close(fd);
    /* The file header, whole records, then a record cut in its middle. */
    assert_true(g_file_set_contents(cut, bytes, MIN(len, (gsize)3000), NULL));
    SumCapture *cap = sum_capture_open(cut, NULL, NULL);
    assert_non_null(cap);
    Run run = {f->table, 0, 0, FALSE};
    GError *error = NULL;
    assert_false(sum_capture_run(cap, 1, on_frame, &run, &error));
    assert_true(g_error_matches(error, SUM_CAPTURE_ERROR, SUM_CAPTURE_ERROR_TRUNCATED));
    assert_true(run.last_frame > 0); /* the frames before the cut were delivered */
    g_error_free(error);
    sum_capture_close(cap);
    g_unlink(cut);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int
main(void)
{
    const struct CMUnitTest tests[] = {
        T(test_flow_syn_retransmitted_s0_one_attempt),
        T(test_flow_syn_rst_rej_emitted_after_linger),
        T(test_flow_handshake_tls_fin_sf),
        T(test_flow_new_isn_after_rej_new_record),
        T(test_flow_icmp_unreachable_tied_to_attempt),
        T(test_flow_cap_evicts_oldest_idle_counted),
        T(test_flow_non_sum_traffic_not_kept),
        T(test_flow_relevant_ports_equal_plan_candidates),
        T(test_flow_extra_port_kept),
        T(test_flow_udp_netbios_exchange_udp),
        T(test_flow_idle_timeout_emits_s1),
        T(test_flow_mid_stream_oth_roles_unknown),
        T(test_flow_vlan_outermost_kept),
        T(test_flow_capture_blocked_sample_s0_and_sf),
        T(test_flow_capture_filter_keeps_only_matches),
        cmocka_unit_test(test_flow_capture_bad_filter_error_names_filter),
        cmocka_unit_test(test_flow_capture_not_a_capture_error_names_file),
        T(test_flow_capture_cut_file_truncated_after_frames),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
