/* pipeline.h: capture frames -> decode -> flows -> reconstruction. No
 * printing, no exit codes: main.c does those. */
#ifndef SUM_PIPELINE_H
#define SUM_PIPELINE_H

#include <glib.h>
#include "capture-live.h"
#include "report.h"
#include "sum-recon.h"
#include "sum-settled.h"

typedef struct _SumPipeline SumPipeline;

typedef void (*SumProgressFunc)(guint64 done, guint64 total, gpointer user);

/* PROFILE NULL: auto. HINTS: SumAddr array (may be NULL). */
SumPipeline *sum_pipeline_new(const SumProfile *profile, const GArray *hints);
void sum_pipeline_free(SumPipeline *pipe);
void sum_pipeline_set_progress(SumPipeline *pipe, SumProgressFunc fn, gpointer user);
/* Reads one capture file into the pipeline. A file error is a GError naming
 * the file. A file that stops early (cut off, or a record that lies) after
 * records were read is not an error: what came before counts, the summary's
 * stops say where and why, and *WARNING (may be NULL) gets the same in one
 * line. */
gboolean sum_pipeline_read(SumPipeline *pipe, const char *path, const char *filter,
                           gchar **warning, GError **error);
/* Captures from LIVE (capture-live.h) into the pipeline until DURATION_S
 * seconds (0: no limit) or sum_live_stop(); NAME is how the report names
 * it. FALSE with ERROR when the capture fails. */
gboolean sum_pipeline_read_live(SumPipeline *pipe, SumLive *live, const char *name,
                                double duration_s, GError **error);
/* During sum_pipeline_read_live(): FN is called once for each finding as it
 * becomes certain (core's word: sum-settled.h), F valid during the call.
 * Not with SUMSCOPE_THREADS=2 (the flows are then the worker's): the full
 * report at the end has them all anyway. */
typedef SumSettledFunc SumPipelineFindingFunc;
void sum_pipeline_set_live_findings(SumPipeline *pipe, SumPipelineFindingFunc fn,
                                    gpointer user);
/* Runs the reconstruction; the capture summary stays owned by the pipeline. */
SumResult *sum_pipeline_finish(SumPipeline *pipe);
const SumCaptureSummary *sum_pipeline_summary(const SumPipeline *pipe);

#endif
