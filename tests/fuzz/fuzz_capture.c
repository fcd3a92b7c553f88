/* fuzz_capture.c: libFuzzer target over whole capture files: libpcap's
 * offline reader from memory (fmemopen), then the whole pipeline, then every
 * reporter into /dev/null. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "pipeline.h"
#include "report.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The pipeline reads paths, so the input goes through a memfd. */
    char path[64];
    int fd = memfd_create("capture", 0);
    if (fd < 0)
        return 0;
    if (size > 0 && write(fd, data, size) != (ssize_t)size) {
        close(fd);
        return 0;
    }
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    SumPipeline *pipe = sum_pipeline_new(NULL, NULL);
    GError *error = NULL;
    gchar *warning = NULL;
    if (sum_pipeline_read(pipe, path, NULL, &warning, &error)) {
        SumResult *res = sum_pipeline_finish(pipe);
        SumReport rep = {0};
        rep.result = res;
        rep.capture = sum_pipeline_summary(pipe);
        rep.remedies = sum_remedy_build(res);
        rep.program_version = "fuzz";
        FILE *null = fopen("/dev/null", "w");
        if (null != NULL) {
            sum_report_text(&rep, null, NULL);
            sum_report_json(&rep, null, NULL);
            sum_report_html(&rep, null, NULL);
            fclose(null);
        }
        g_ptr_array_unref(rep.remedies);
        sum_result_free(res);
    }
    g_clear_error(&error);
    g_free(warning);
    sum_pipeline_free(pipe);
    close(fd);
    return 0;
}
