/* output.c: writing without losing data (output.h says what and why). */
#include "output.h"
#include "capture-format.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <glib/gstdio.h>

#define OUTPUT_MAX_PENDING 8 /* temporaries at once: the reports and a -w file */

struct _SumOutput {
    gchar *path;  /* the target; NULL for standard output */
    gchar *tmp;   /* the temporary beside it; NULL when written in place */
    FILE *fp;
    int slot;     /* in PENDING, or -1 */
};

/* Temporaries not yet renamed, for the signal handler to remove. Changed
 * only with the signals blocked, so the handler never sees half a change. */
static char *volatile pending[OUTPUT_MAX_PENDING];
static const int fatal_signals[] = {SIGINT, SIGTERM, SIGHUP};

static void
on_fatal_signal(int sig)
{
    for (int i = 0; i < OUTPUT_MAX_PENDING; i++)
        if (pending[i] != NULL)
            unlink(pending[i]); /* async-signal-safe */
    signal(sig, SIG_DFL);
    raise(sig);
}

static void
block_signals(gboolean block, sigset_t *saved)
{
    sigset_t set;
    sigemptyset(&set);
    for (gsize i = 0; i < G_N_ELEMENTS(fatal_signals); i++)
        sigaddset(&set, fatal_signals[i]);
    if (block)
        sigprocmask(SIG_BLOCK, &set, saved);
    else
        sigprocmask(SIG_SETMASK, saved, NULL);
}

/* The handlers go in once; a signal ignored by whoever started us (nohup)
 * stays ignored. */
static void
install_handlers(void)
{
    static gboolean done;
    if (done)
        return;
    done = TRUE;
    for (gsize i = 0; i < G_N_ELEMENTS(fatal_signals); i++) {
        struct sigaction old, sa;
        if (sigaction(fatal_signals[i], NULL, &old) != 0 || old.sa_handler == SIG_IGN)
            continue;
        memset(&sa, 0, sizeof sa);
        sa.sa_handler = on_fatal_signal;
        sigemptyset(&sa.sa_mask);
        sigaction(fatal_signals[i], &sa, NULL);
    }
}

static int
pending_add(char *tmp)
{
    install_handlers();
    sigset_t saved;
    block_signals(TRUE, &saved);
    int slot = -1;
    for (int i = 0; i < OUTPUT_MAX_PENDING && slot < 0; i++)
        if (pending[i] == NULL)
            pending[slot = i] = tmp;
    block_signals(FALSE, &saved);
    return slot;
}

static void
pending_remove(int slot)
{
    if (slot < 0)
        return;
    sigset_t saved;
    block_signals(TRUE, &saved);
    pending[slot] = NULL;
    block_signals(FALSE, &saved);
}

/* The format of the regular file at PATH, from its first bytes; FALSE with
 * ERROR when it cannot be read to tell. */
static gboolean
existing_format(const char *path, SumFormat *format, GError **error)
{
    guint8 head[SUM_FORMAT_SNIFF_BYTES];
    int fd = g_open(path, O_RDONLY | O_NOCTTY | O_NONBLOCK, 0);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e),
                    "cannot read %s to make sure it is not a capture: %s", path, g_strerror(e));
        return FALSE;
    }
    gssize n = read(fd, head, sizeof head);
    close(fd);
    *format = sum_format_sniff(head, n > 0 ? (gsize)n : 0);
    return TRUE;
}

/* Is PATH (whose status is ST, when it exists) one of INPUTS? */
static gboolean
is_input(const char *path, const GStatBuf *st, const char *const *inputs)
{
    g_autofree gchar *canon = g_canonicalize_filename(path, NULL);
    for (const char *const *in = inputs; in != NULL && *in != NULL; in++) {
        GStatBuf ist;
        gboolean stdin_ = strcmp(*in, "-") == 0;
        if (!stdin_) {
            g_autofree gchar *icanon = g_canonicalize_filename(*in, NULL);
            if (strcmp(canon, icanon) == 0)
                return TRUE;
        }
        if (st == NULL)
            continue;
        if ((stdin_ ? fstat(STDIN_FILENO, &ist) : g_stat(*in, &ist)) == 0 &&
            ist.st_dev == st->st_dev && ist.st_ino == st->st_ino)
            return TRUE;
    }
    return FALSE;
}

gboolean
sum_output_check(const char *option, const char *path, const char *const *inputs,
                 GError **error)
{
    if (strcmp(path, "-") == 0)
        return TRUE;
    if (path[0] == '\0') {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL, "%s: the file name is empty",
                    option);
        return FALSE;
    }
    if (path[0] == '-') {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_INVAL,
                    "%s '%s': that is an option, not a file name (for a file of that name "
                    "write ./%s)", option, path, path);
        return FALSE;
    }
    GStatBuf st;
    gboolean exists = g_stat(path, &st) == 0;
    if (is_input(path, exists ? &st : NULL, inputs)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                    "%s: refusing to write over %s: it is one of the captures being read",
                    option, path);
        return FALSE;
    }
    if (!exists)
        return TRUE;
    if (S_ISDIR(st.st_mode)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_ISDIR, "%s: %s is a directory", option,
                    path);
        return FALSE;
    }
    if (!S_ISREG(st.st_mode))
        return TRUE; /* a device or a FIFO: written in place, nothing to lose */
    SumFormat f;
    if (!existing_format(path, &f, error)) {
        g_prefix_error(error, "%s: ", option);
        return FALSE;
    }
    if (sum_format_is_capture(f)) {
        g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                    "%s: refusing to write over %s: it is a %s (%s takes the name of the "
                    "file to write)", option, path, sum_format_name(f), option);
        return FALSE;
    }
    return TRUE;
}

static void
set_write_error(GError **error, const char *path, int e)
{
    g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(e), "%s: cannot write: %s", path,
                g_strerror(e));
}

/* A temporary beside PATH, with the mode the target has or a new file would
 * get (g_mkstemp makes it 0600). */
static gboolean
open_temporary(SumOutput *o, const GStatBuf *existing, GError **error)
{
    o->tmp = g_strdup_printf("%s.XXXXXX", o->path);
    int fd = g_mkstemp(o->tmp);
    if (fd < 0) {
        set_write_error(error, o->path, errno);
        return FALSE;
    }
    o->slot = pending_add(o->tmp);
    mode_t mode;
    if (existing != NULL) {
        mode = existing->st_mode & 07777;
    } else {
        mode_t mask = umask(0);
        umask(mask);
        mode = 0666 & ~mask;
    }
    if (fchmod(fd, mode) != 0 || (o->fp = fdopen(fd, "w")) == NULL) {
        set_write_error(error, o->path, errno);
        close(fd);
        return FALSE;
    }
    return TRUE;
}

SumOutput *
sum_output_open(const char *path, GError **error)
{
    g_return_val_if_fail(path != NULL, NULL);
    SumOutput *o = g_new0(SumOutput, 1);
    o->slot = -1;
    if (strcmp(path, "-") == 0) {
        o->fp = stdout;
        return o;
    }
    o->path = g_strdup(path);
    GStatBuf st;
    gboolean exists = g_stat(path, &st) == 0;
    if (exists && !S_ISREG(st.st_mode)) {
        o->fp = fopen(path, "w");
        if (o->fp == NULL) {
            set_write_error(error, path, errno);
            sum_output_discard(o);
            return NULL;
        }
        return o;
    }
    if (!open_temporary(o, exists ? &st : NULL, error)) {
        sum_output_discard(o);
        return NULL;
    }
    return o;
}

FILE *
sum_output_stream(const SumOutput *o)
{
    return o->fp;
}

/* Frees O; its temporary, if still there, is removed first. */
static void
output_free(SumOutput *o)
{
    if (o->fp != NULL && o->fp != stdout)
        fclose(o->fp);
    pending_remove(o->slot); /* before the name it points to goes */
    if (o->tmp != NULL)
        g_unlink(o->tmp);
    g_free(o->tmp);
    g_free(o->path);
    g_free(o);
}

gboolean
sum_output_commit(SumOutput *o, GError **error)
{
    g_return_val_if_fail(o != NULL, FALSE);
    const char *name = o->path != NULL ? o->path : "standard output";
    errno = 0;
    gboolean ok = fflush(o->fp) == 0 && !ferror(o->fp);
    int e = errno != 0 ? errno : EIO;
    if (o->fp != stdout) {
        ok = (fclose(o->fp) == 0) && ok;
        e = errno != 0 ? errno : e;
        o->fp = NULL;
    }
    if (!ok) {
        set_write_error(error, name, e);
        output_free(o);
        return FALSE;
    }
    if (o->tmp != NULL) {
        /* A capture that appeared while we were writing wins. */
        GStatBuf st;
        SumFormat f = SUM_FORMAT_UNKNOWN;
        if (g_stat(o->path, &st) == 0 && S_ISREG(st.st_mode) &&
            (!existing_format(o->path, &f, error) || sum_format_is_capture(f))) {
            if (sum_format_is_capture(f))
                g_set_error(error, G_FILE_ERROR, G_FILE_ERROR_EXIST,
                            "refusing to write over %s: it is a %s", o->path,
                            sum_format_name(f));
            output_free(o);
            return FALSE;
        }
        if (g_rename(o->tmp, o->path) != 0) {
            set_write_error(error, o->path, errno);
            output_free(o);
            return FALSE;
        }
        pending_remove(o->slot);
        o->slot = -1;
        g_clear_pointer(&o->tmp, g_free);
    }
    output_free(o);
    return TRUE;
}

void
sum_output_discard(SumOutput *o)
{
    if (o == NULL)
        return;
    if (o->fp == stdout) {
        fflush(stdout);
        o->fp = NULL;
    }
    output_free(o);
}
