/* test_pipeline.c: the pipeline (analyzer/pipeline.c), with its flow thread
 * (SUMSCOPE_THREADS=2) and without, must tell exactly the story that feeding
 * every frame to the flow table on one thread tells: same connections, same
 * expiry, same allocations and findings. Runs both on every sample, on
 * several files in one run, and on a capture made here with thousands of
 * flows, idle gaps, lingering closes, a reused 4-tuple and more packets than
 * the batches in flight hold. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>
#include <glib/gstdio.h>

#include "capture.h"
#include "decode.h"
#include "flow-table.h"
#include "pipeline.h"
#include "report.h"

/* ---- The reference: one thread, every decoded frame to the flow table. ---- */

typedef struct {
    SumFlowTable *table;
} Ref;

static void
ref_conn(const SumConn *conn, void *user)
{
    sum_recon_add(user, conn);
}

static void
ref_frame(guint64 frame, gint64 time_us, guint32 linktype, const guint8 *data, guint32 caplen,
          guint32 wirelen, void *user)
{
    Ref *ref = user;
    sum_packet p;
    if (sum_decode_frame(linktype, data, caplen, wirelen, &p) == SUM_DECODE_OK)
        sum_flow_table_packet(ref->table, &p, frame, time_us);
}

static SumResult *
reference_result(const char *const *paths, gsize n)
{
    SumRecon *recon = sum_recon_new(NULL);
    Ref ref = {sum_flow_table_new(NULL, ref_conn, recon)};
    guint64 next = 1;
    for (gsize i = 0; i < n; i++) {
        GError *error = NULL;
        SumCapture *cap = sum_capture_open(paths[i], NULL, &error);
        assert_non_null(cap);
        assert_true(sum_capture_run(cap, next, ref_frame, &ref, &error));
        next += sum_capture_frames(cap);
        sum_capture_close(cap);
    }
    sum_flow_table_flush(ref.table);
    sum_flow_table_free(ref.table);
    SumResult *res = sum_recon_finish(recon);
    sum_recon_free(recon);
    return res;
}

/* The JSON report of RES, with the pipeline's capture summary for both
 * sides so that only the reconstruction is compared. */
static gchar *
json_of(const SumResult *res, const SumCaptureSummary *summary)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_non_null(out);
    SumReport rep = {0};
    rep.result = res;
    rep.capture = summary;
    rep.remedies = sum_remedy_build(res);
    rep.program_version = "test";
    GError *error = NULL;
    assert_true(sum_report_json(&rep, out, &error));
    fclose(out);
    g_ptr_array_unref(rep.remedies);
    gchar *s = g_strdup(buf);
    free(buf);
    return s;
}

static void
assert_pipeline_matches_reference(const char *const *paths, gsize n)
{
    SumPipeline *pipe = sum_pipeline_new(NULL, NULL);
    for (gsize i = 0; i < n; i++) {
        GError *error = NULL;
        gchar *warning = NULL;
        if (!sum_pipeline_read(pipe, paths[i], NULL, &warning, &error))
            fail_msg("%s", error->message);
        assert_null(warning);
    }
    SumResult *got = sum_pipeline_finish(pipe);
    SumResult *want = reference_result(paths, n);
    const SumCaptureSummary *summary = sum_pipeline_summary(pipe);
    g_autofree gchar *got_json = json_of(got, summary);
    g_autofree gchar *want_json = json_of(want, summary);
    if (strcmp(got_json, want_json) != 0) {
        g_autofree gchar *a = g_build_filename(g_get_tmp_dir(), "test_pipeline.got.json", NULL);
        g_autofree gchar *b = g_build_filename(g_get_tmp_dir(), "test_pipeline.want.json", NULL);
        g_file_set_contents(a, got_json, -1, NULL);
        g_file_set_contents(b, want_json, -1, NULL);
        fail_msg("%s: the pipeline's story differs from the one-thread reference (diff %s %s)",
                 paths[0], a, b);
    }
    /* Not an empty story that trivially agrees. */
    assert_true(got->conns_seen == want->conns_seen);
    sum_result_free(got);
    sum_result_free(want);
    sum_pipeline_free(pipe);
}

static GPtrArray *
sample_paths(void)
{
    GPtrArray *paths = g_ptr_array_new_with_free_func(g_free);
    GDir *dir = g_dir_open(SUMSCOPE_SAMPLES_DIR, 0, NULL);
    assert_non_null(dir);
    const char *name;
    while ((name = g_dir_read_name(dir)) != NULL) {
        if (g_str_has_suffix(name, ".pcap") || g_str_has_suffix(name, ".pcapng"))
            g_ptr_array_add(paths, g_build_filename(SUMSCOPE_SAMPLES_DIR, name, NULL));
    }
    g_dir_close(dir);
    g_ptr_array_sort(paths, (GCompareFunc)g_strcmp0);
    return paths;
}

static void
test_pipeline_every_sample_same_story_as_one_thread(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) paths = sample_paths();
    assert_true(paths->len >= 10);
    for (guint i = 0; i < paths->len; i++) {
        const char *one[1] = {g_ptr_array_index(paths, i)};
        assert_pipeline_matches_reference(one, 1);
    }
}

static void
test_pipeline_several_files_one_story(void **state)
{
    (void)state;
    g_autoptr(GPtrArray) paths = sample_paths();
    assert_pipeline_matches_reference((const char *const *)paths->pdata, paths->len);
}

/* ---- A capture made here: classic pcap, Ethernet, IPv4/TCP. ---- */

static void
put_frame(FILE *f, gint64 t_us, const guint8 src[4], guint16 sport, const guint8 dst[4],
          guint16 dport, guint8 flags, guint32 seq, const char *payload)
{
    gsize plen = payload != NULL ? strlen(payload) : 0;
    guint8 fr[14 + 20 + 20 + 64] = {0};
    gsize len = 14 + 20 + 20 + plen;
    g_assert(plen <= 64);
    fr[12] = 0x08; /* Ethernet: IPv4 */
    guint8 *ip = fr + 14;
    ip[0] = 0x45;
    ip[2] = (guint8)((20 + 20 + plen) >> 8);
    ip[3] = (guint8)(20 + 20 + plen);
    ip[8] = 64;
    ip[9] = 6;
    memcpy(ip + 12, src, 4);
    memcpy(ip + 16, dst, 4);
    guint8 *tcp = ip + 20;
    tcp[0] = (guint8)(sport >> 8), tcp[1] = (guint8)sport;
    tcp[2] = (guint8)(dport >> 8), tcp[3] = (guint8)dport;
    tcp[4] = (guint8)(seq >> 24), tcp[5] = (guint8)(seq >> 16);
    tcp[6] = (guint8)(seq >> 8), tcp[7] = (guint8)seq;
    tcp[12] = 0x50;
    tcp[13] = flags;
    if (plen > 0)
        memcpy(tcp + 20, payload, plen);
    guint32 rec[4] = {(guint32)(t_us / 1000000), (guint32)(t_us % 1000000), (guint32)len,
                      (guint32)len};
    fwrite(rec, sizeof rec, 1, f);
    fwrite(fr, len, 1, f);
}

#define TLS_HELLO "\x16\x03\x01\x01\x40\x01" /* no NUL: strlen is its length */

/* Deployments from many SUM hosts, each message connection followed by
 * lots of unrelated web traffic, with gaps of seconds to minutes between
 * rounds (idle expiry, linger), some control connections refused, some
 * unanswered, and one 4-tuple used again after its close. */
static gchar *
write_busy_capture(void)
{
    gchar *path = NULL;
    int fd = g_file_open_tmp("sumscope-pipeline-XXXXXX.pcap", &path, NULL);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "wb");
    assert_non_null(f);
    guint32 gh[6] = {0xa1b2c3d4, 0x00040002, 0, 0, 65535, 1};
    fwrite(gh, sizeof gh, 1, f);
    gint64 t = 1700000000LL * 1000000;
    GRand *rng = g_rand_new_with_seed(11);
    for (guint round = 0; round < 40; round++) {
        guint8 sumh[4] = {10, 5, (guint8)(round / 8), (guint8)(round % 8)};
        for (guint k = 0; k < 6; k++) {
            guint8 tgt[4] = {10, 6, (guint8)round, (guint8)k};
            guint16 mp = (guint16)(60000 + k);
            guint32 isn = 1000 + round * 10 + k;
            put_frame(f, t += 100, sumh, mp, tgt, 62286, 0x02, isn, NULL);
            if (k == 4 && round % 3 == 0) {
                put_frame(f, t += 100, tgt, 62286, sumh, mp, 0x14, 0, NULL); /* refused */
            } else if (k == 5 && round % 4 == 1) {
                put_frame(f, t += 1000000, sumh, mp, tgt, 62286, 0x02, isn, NULL); /* again */
            } else {
                put_frame(f, t += 100, tgt, 62286, sumh, mp, 0x12, 5000, NULL);
                put_frame(f, t += 100, sumh, mp, tgt, 62286, 0x10, isn + 1, NULL);
                put_frame(f, t += 100, sumh, mp, tgt, 62286, 0x18, isn + 1, TLS_HELLO);
                put_frame(f, t += 100, tgt, 62286, sumh, mp, 0x18, 5001, TLS_HELLO);
                if (round % 2 == 0) {
                    put_frame(f, t += 100, sumh, mp, tgt, 62286, 0x11, isn + 7, NULL);
                    put_frame(f, t += 100, tgt, 62286, sumh, mp, 0x11, 5007, NULL);
                }
            }
            /* unrelated traffic: the clock moves while the table sees none */
            for (guint j = 0; j < 300; j++) {
                guint8 c[4] = {10, 1, (guint8)g_rand_int_range(rng, 0, 200),
                               (guint8)g_rand_int_range(rng, 1, 250)};
                guint8 s[4] = {10, 2, 0, (guint8)g_rand_int_range(rng, 1, 50)};
                put_frame(f, t += g_rand_int_range(rng, 10, 40000), c,
                          (guint16)g_rand_int_range(rng, 1024, 32768), s, 8080, 0x10, j, NULL);
            }
            /* the same 4-tuple again after a close: a new connection */
            if (round % 5 == 0 && k == 0) {
                put_frame(f, t += 6000000, sumh, mp, tgt, 62286, 0x02, isn + 99, NULL);
                put_frame(f, t += 100, tgt, 62286, sumh, mp, 0x12, 7000, NULL);
            }
        }
        t += (round % 4 == 3 ? 400 : 2) * G_GINT64_CONSTANT(1000000); /* idle gaps */
    }
    g_rand_free(rng);
    assert_int_equal(fclose(f), 0);
    return path;
}

static void
test_pipeline_busy_capture_same_story_as_one_thread(void **state)
{
    (void)state;
    g_autofree gchar *path = write_busy_capture();
    const char *one[1] = {path};
    assert_pipeline_matches_reference(one, 1);
    /* and it holds a story: SUM hosts, findings */
    SumPipeline *pipe = sum_pipeline_new(NULL, NULL);
    assert_true(sum_pipeline_read(pipe, path, NULL, NULL, NULL));
    SumResult *res = sum_pipeline_finish(pipe);
    assert_true(sum_pipeline_summary(pipe)->packets > 8u * 2048u);
    assert_true(res->allocations->len > 40);
    assert_true(res->findings->len > 0);
    sum_result_free(res);
    sum_pipeline_free(pipe);
    g_unlink(path);
}

static void
test_pipeline_one_thread_same_story(void **state)
{
    (void)state;
    /* The default: no worker, same story. */
    g_setenv("SUMSCOPE_THREADS", "1", TRUE);
    g_autofree gchar *path = write_busy_capture();
    const char *one[1] = {path};
    assert_pipeline_matches_reference(one, 1);
    g_autoptr(GPtrArray) paths = sample_paths();
    assert_pipeline_matches_reference((const char *const *)paths->pdata, paths->len);
    g_setenv("SUMSCOPE_THREADS", "2", TRUE);
    g_unlink(path);
}

static void
test_pipeline_free_without_finish_stops_worker(void **state)
{
    (void)state;
    g_autofree gchar *path = write_busy_capture();
    SumPipeline *pipe = sum_pipeline_new(NULL, NULL);
    assert_true(sum_pipeline_read(pipe, path, NULL, NULL, NULL));
    sum_pipeline_free(pipe); /* joins the worker; ASan and valgrind see no leak */
    g_unlink(path);
}

static void
test_pipeline_bad_file_error_names_it(void **state)
{
    (void)state;
    SumPipeline *pipe = sum_pipeline_new(NULL, NULL);
    GError *error = NULL;
    assert_false(sum_pipeline_read(pipe, "/nonexistent/x.pcap", NULL, NULL, &error));
    assert_non_null(error);
    assert_non_null(strstr(error->message, "/nonexistent/x.pcap"));
    g_error_free(error);
    SumResult *res = sum_pipeline_finish(pipe);
    assert_int_equal(res->allocations->len, 0);
    sum_result_free(res);
    sum_pipeline_free(pipe);
}

int
main(void)
{
    /* Every other test runs the two-thread pipeline (on a one-CPU machine
     * it falls back to one thread, and they still hold). */
    g_setenv("SUMSCOPE_THREADS", "2", TRUE);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pipeline_every_sample_same_story_as_one_thread),
        cmocka_unit_test(test_pipeline_several_files_one_story),
        cmocka_unit_test(test_pipeline_busy_capture_same_story_as_one_thread),
        cmocka_unit_test(test_pipeline_one_thread_same_story),
        cmocka_unit_test(test_pipeline_free_without_finish_stops_worker),
        cmocka_unit_test(test_pipeline_bad_file_error_names_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
