/* output.h: the files sumscope writes (the JSON and HTML reports, a live
 * capture's -w file).
 *
 * Never over what was read: sum_output_check() refuses a target that is one
 * of the run's inputs, or an existing file whose first bytes make it a
 * capture (capture-format.h: pcap, pcapng, compressed, Network Monitor, ETL),
 * the customer's data we are there to read. Never partial: a file is written
 * to a temporary beside its target (the same directory, so the rename is
 * atomic) and renamed when complete; an error, or SIGINT, SIGTERM or SIGHUP
 * on the way, removes the temporary. "-" is standard output. A target that
 * exists and is not a regular file (/dev/null, a FIFO) is written in place:
 * a rename would replace the device node itself.
 *
 * No printing here: errors are one-line GErrors naming the file.
 */
#ifndef SUM_OUTPUT_H
#define SUM_OUTPUT_H

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

typedef struct _SumOutput SumOutput;

/* May OPTION's ("--json") PATH be written in a run reading INPUTS (NULL-
 * terminated, "-" for standard input)? FALSE with ERROR when PATH is one of
 * the inputs (the same name or the same file), a directory, an existing
 * capture, or looks like an option ("-q"); "-" is always fine. */
gboolean sum_output_check(const char *option, const char *path, const char *const *inputs,
                          GError **error);

/* Starts writing PATH ("-": standard output). */
SumOutput *sum_output_open(const char *path, GError **error);
FILE *sum_output_stream(const SumOutput *out);
/* Ends OUT and frees it: flushes and closes, then (a temporary) renames it
 * over the target, checking once more that the target is not a capture.
 * FALSE with ERROR if any step failed; the temporary is then gone. */
gboolean sum_output_commit(SumOutput *out, GError **error);
/* Ends OUT and frees it, removing the temporary (NULL is fine). */
void sum_output_discard(SumOutput *out);

G_END_DECLS

#endif /* SUM_OUTPUT_H */
