/* cli-util.h: what sumscope's command line prints besides the reports: its
 * one-line messages, the progress bar, the live findings, and the width the
 * text report may use. Used by main.c only. */
#ifndef SUM_CLI_UTIL_H
#define SUM_CLI_UTIL_H

#include <glib.h>
#include "sum-result.h"

/* "sumscope: MESSAGE" on standard error. */
void sum_cli_fail(const char *fmt, ...) G_GNUC_PRINTF(1, 2);
/* The progress bar on standard error (a SumProgressFunc; USER: the name). */
void sum_cli_progress(guint64 done, guint64 total, gpointer user);
/* Whether PATH is worth a bar: a big file, standard error a terminal. */
gboolean sum_cli_want_progress(const char *path);
/* One line on standard error for a finding that became certain during a
 * live capture: "sumscope: 12:03:04 PORT_BLOCKED 10.0.0.5:62286 (error; 1
 * attempt, 3 SYNs, from 10.0.0.1)" (a SumSettledFunc; USER unused). */
void sum_cli_live_finding(const SumFinding *f, gpointer user);
/* Columns the text report may use: COLUMNS, the terminal's, else 80. */
guint sum_cli_text_width(void);

#endif /* SUM_CLI_UTIL_H */
