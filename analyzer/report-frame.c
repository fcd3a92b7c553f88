/* report-frame.c: run-wide frame numbers back to (file, frame in that file).
 *
 * Core numbers frames 1-based across all files of a run (SumFrame), so that
 * one number names one frame whatever the files. Wireshark numbers each file
 * from 1, and that is where an engineer looks a frame up: every reporter
 * prints frames through here, "17" with one file and "2#17" (the second file
 * as the reports list them, its frame 17) with several. */
#include "report.h"

gboolean
sum_frame_several_files(const SumCaptureSummary *c)
{
    return c != NULL && c->file_frames != NULL && c->file_frames->len > 1;
}

gboolean
sum_frame_locate(const SumCaptureSummary *c, SumFrame frame, guint *file, guint64 *local)
{
    if (frame == 0)
        return FALSE;
    if (c == NULL || c->file_frames == NULL || c->file_frames->len == 0) {
        *file = 0;
        *local = frame;
        return TRUE;
    }
    /* The last file whose first frame is at most FRAME (binary search: files
     * are in run order, their first frames increasing). */
    guint lo = 0, hi = c->file_frames->len;
    while (hi - lo > 1) {
        guint mid = lo + (hi - lo) / 2;
        if (g_array_index(c->file_frames, SumFileFrames, mid).first <= frame)
            lo = mid;
        else
            hi = mid;
    }
    const SumFileFrames *ff = &g_array_index(c->file_frames, SumFileFrames, lo);
    if (frame < ff->first || frame - ff->first >= ff->count)
        return FALSE;
    *file = lo;
    *local = frame - ff->first + 1;
    return TRUE;
}

const char *
sum_frame_text(const SumCaptureSummary *c, SumFrame frame, char *buf, gsize size)
{
    guint file;
    guint64 local;
    if (!sum_frame_locate(c, frame, &file, &local))
        g_snprintf(buf, size, frame == 0 ? "-" : "%" G_GUINT64_FORMAT, frame);
    else if (sum_frame_several_files(c))
        g_snprintf(buf, size, "%u#%" G_GUINT64_FORMAT, file + 1, local);
    else
        g_snprintf(buf, size, "%" G_GUINT64_FORMAT, local);
    return buf;
}

gchar *
sum_frame_list(const SumCaptureSummary *c, const GArray *frames, guint max, const char *sep)
{
    GString *s = g_string_new(NULL);
    char b[SUM_FRAME_STRLEN];
    for (guint i = 0; frames != NULL && i < frames->len && i < max; i++)
        g_string_append_printf(s, "%s%s", i ? sep : "",
                               sum_frame_text(c, g_array_index(frames, SumFrame, i), b,
                                              sizeof b));
    if (frames != NULL && frames->len > max)
        g_string_append_printf(s, "%s...", sep);
    return g_string_free(s, FALSE);
}
