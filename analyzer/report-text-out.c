/* report-text-out.c: lines that fit the terminal. The text report never
 * prints a line wider than SumTextOut.width (COLUMNS, the terminal's width,
 * or 80 when standard output is no terminal: main.c decides): prose wraps at
 * spaces with a hanging indent, table rows are cut with "...", and commands
 * to copy are broken where the shell or cmd can continue them. */
#include "report-text.h"

#include <string.h>

const char *
sum_text_c(const SumTextOut *o, const char *code)
{
    return o->color ? code : "";
}

/* Bytes of TEXT from P on that are an ANSI colour escape (ESC [ ... m), 0 if
 * none starts there. */
static gsize
escape_len(const char *p)
{
    if (p[0] != '\033' || p[1] != '[')
        return 0;
    gsize n = 2;
    while (p[n] != '\0' && p[n] != 'm')
        n++;
    return p[n] == 'm' ? n + 1 : n;
}

guint
sum_text_columns(const char *text)
{
    guint cols = 0;
    for (const char *p = text; *p != '\0';) {
        gsize e = escape_len(p);
        if (e > 0) {
            p += e;
            continue;
        }
        if (((guchar)*p & 0xC0) != 0x80)
            cols++;
        p++;
    }
    return cols;
}

/* The byte offset in LINE after which COLS columns are used, and in *SPACE
 * the offset of the last space outside the leading indent before it (0 if
 * none). */
static gsize
offset_at(const char *line, guint cols, gsize *space)
{
    guint c = 0;
    gsize i = 0;
    gboolean lead = TRUE;
    *space = 0;
    while (line[i] != '\0') {
        gsize e = escape_len(line + i);
        if (e > 0) {
            i += e;
            continue;
        }
        if (((guchar)line[i] & 0xC0) != 0x80) {
            if (c == cols)
                break;
            c++;
        }
        if (line[i] == ' ' && !lead)
            *space = i;
        else if (line[i] != ' ')
            lead = FALSE;
        i++;
    }
    return i;
}

static void
put_line(const SumTextOut *o, const char *line, guint indent)
{
    guint width = o->width;
    if (width == 0 || sum_text_columns(line) <= width || indent + 8 > width) {
        fprintf(o->out, "%s\n", line);
        return;
    }
    const char *p = line;
    gboolean first = TRUE;
    while (*p != '\0') {
        guint room = first ? width : width - indent;
        if (sum_text_columns(p) <= room) {
            fprintf(o->out, "%*s%s\n", first ? 0 : (int)indent, "", p);
            break;
        }
        gsize space, cut = offset_at(p, room, &space);
        /* The space itself may sit just past the room. */
        if (p[cut] == ' ')
            space = cut;
        gsize end = space > 0 ? space : cut;
        fprintf(o->out, "%*s%.*s\n", first ? 0 : (int)indent, "", (int)end, p);
        p += end;
        while (*p == ' ')
            p++;
        first = FALSE;
    }
}

void
sum_text_put(const SumTextOut *o, guint indent, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gchar **lines = g_strsplit(text, "\n", -1);
    /* A trailing newline leaves an empty last piece: not a line. */
    guint n = g_strv_length(lines);
    for (guint i = 0; i < n; i++) {
        if (i == n - 1 && lines[i][0] == '\0')
            break;
        put_line(o, lines[i], indent);
    }
    g_strfreev(lines);
    g_free(text);
}

void
sum_text_row(const SumTextOut *o, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    gchar *text = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    if (o->width == 0 || sum_text_columns(text) <= o->width || o->width < 8) {
        fprintf(o->out, "%s\n", text);
    } else {
        gsize space, cut = offset_at(text, o->width - 3, &space);
        fprintf(o->out, "%.*s...%s\n", (int)cut, text, sum_text_c(o, C_RESET));
    }
    g_free(text);
}

/* Splits CMD into words at spaces outside quotes. */
static GPtrArray *
command_words(const char *cmd)
{
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    GString *w = g_string_new(NULL);
    char quote = 0;
    for (const char *p = cmd; *p != '\0'; p++) {
        if (quote == 0 && *p == ' ') {
            if (w->len > 0)
                g_ptr_array_add(words, g_strdup(w->str));
            g_string_truncate(w, 0);
            continue;
        }
        if (quote == 0 && (*p == '\'' || *p == '"'))
            quote = *p;
        else if (quote != 0 && *p == quote)
            quote = 0;
        g_string_append_c(w, *p);
    }
    if (w->len > 0)
        g_ptr_array_add(words, g_strdup(w->str));
    g_string_free(w, TRUE);
    return words;
}

/* A shell word too long for the room: broken at spaces inside its single
 * quotes, each piece closing the quote and ending in a backslash, the next
 * opening it again at the start of the line ('a '\ + 'b' is the word 'a b'). */
static void
long_shell_word(const SumTextOut *o, GString *line, const char *word, guint room)
{
    const char *p = word;
    gboolean inside = FALSE; /* P starts inside the single quotes */
    while (line->len + sum_text_columns(p) > room && line->len + 8 < room) {
        gsize space;
        offset_at(p, room - (guint)line->len - 2, &space); /* 2: the '\ */
        const char *open = inside ? p - 1 : strchr(p, '\'');
        const char *close = open != NULL ? strchr(open + 1, '\'') : NULL;
        if (space == 0 || close == NULL || p + space <= open || p + space >= close)
            break;
        g_string_append_len(line, p, (gssize)space + 1);
        fprintf(o->out, "%s'\\\n", line->str);
        g_string_assign(line, "'");
        p += space + 1;
        inside = TRUE;
    }
    g_string_append(line, p);
}

void
sum_text_command(const SumTextOut *o, guint indent, const char *mark, const char *cmd)
{
    guint width = o->width, mlen = (guint)strlen(mark);
    if (width == 0 || indent + sum_text_columns(cmd) <= width || indent + 2 + mlen + 16 > width) {
        fprintf(o->out, "%*s%s\n", (int)indent, "", cmd);
        return;
    }
    GPtrArray *words = command_words(cmd);
    gboolean shell = strcmp(mark, " \\") == 0;
    GString *line = g_string_new(NULL);
    g_string_printf(line, "%*s", (int)indent, "");
    gboolean empty = TRUE;
    for (guint i = 0; i < words->len; i++) {
        const char *w = g_ptr_array_index(words, i);
        gboolean last = i + 1 == words->len;
        guint need = sum_text_columns(w) + (empty ? 0 : 1) + (last ? 0 : mlen);
        if (!empty && line->len + need > width) {
            fprintf(o->out, "%s%s\n", line->str, mark);
            g_string_printf(line, "%*s", (int)indent + 2, "");
            empty = TRUE;
        }
        if (!empty)
            g_string_append_c(line, ' ');
        if (shell && line->len + sum_text_columns(w) + mlen > width)
            long_shell_word(o, line, w, width - mlen);
        else
            g_string_append(line, w);
        empty = FALSE;
    }
    fprintf(o->out, "%s\n", line->str);
    g_string_free(line, TRUE);
    g_ptr_array_unref(words);
}
