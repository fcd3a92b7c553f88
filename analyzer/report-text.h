/* report-text.h: what the text reporter's files share (report-text.c, the
 * sections; report-text-status.c, what failed and the per-target table;
 * report-text-out.c, lines that fit the terminal). Not for other reporters. */
#ifndef SUM_REPORT_TEXT_H
#define SUM_REPORT_TEXT_H

#include "report.h"

G_BEGIN_DECLS

typedef struct {
    FILE *out;
    gboolean color;
    guint width;              /* columns a line may take; 0 = no limit */
} SumTextOut;

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[31m"
#define C_YELLOW "\033[33m"
#define C_CYAN "\033[36m"
#define C_DIM "\033[2m"

/* CODE when colouring, "" otherwise. */
const char *sum_text_c(const SumTextOut *o, const char *code);
/* Columns TEXT takes on a terminal: colour escapes take none, a UTF-8
 * character one. */
guint sum_text_columns(const char *text);
/* Prints the formatted text, each of its lines cut at spaces to fit the
 * width; a line's continuations are indented by INDENT columns (a word
 * longer than the room is cut where the room ends). */
void sum_text_put(const SumTextOut *o, guint indent, const char *fmt, ...) G_GNUC_PRINTF(3, 4);
/* One line, cut at the width with "..." when it does not fit: table rows,
 * whose columns must stay aligned. */
void sum_text_row(const SumTextOut *o, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
/* A command to copy: broken only at spaces outside quotes, each broken line
 * ending in MARK (" ^" for cmd, " \\" for shells) and continued INDENT + 2
 * columns in, so that it still pastes as one command. A quoted word longer
 * than the room is left whole: a wider terminal, or --json, gives it. */
void sum_text_command(const SumTextOut *o, guint indent, const char *mark, const char *cmd);

/* The sections of report-text-status.c. */
void sum_text_failed(const SumTextOut *o, const SumReport *rep, const GPtrArray *targets);
void sum_text_targets(const SumTextOut *o, const SumReport *rep, const GPtrArray *targets);

G_END_DECLS

#endif /* SUM_REPORT_TEXT_H */
