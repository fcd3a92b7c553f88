/* capture-filter.h: what a capture filter does to the SUM story.
 *
 * A filter that keeps every SUM port (docs/capturing.md) hides nothing of
 * SUM; one that names hosts ("host X") drops SUM's connections between
 * others, so the reconstruction must not infer conflicts from ports it may
 * not see (sum_recon_set_capture_filter).
 */
#ifndef SUM_CAPTURE_FILTER_H
#define SUM_CAPTURE_FILTER_H

#include <stdio.h>
#include <glib.h>

G_BEGIN_DECLS

/* FILTER (libpcap syntax) rejects a SUM message -> control SYN, or a
 * target's callback SYN, between two documentation addresses. FALSE for a
 * filter that does not compile. */
gboolean sum_filter_hides_sum(const char *filter);

/* The if_filter a pcapng file at PATH records, or NULL (not pcapng, "-",
 * compressed, none recorded). */
gchar *sum_filter_of_file(const char *path);

G_END_DECLS

#endif /* SUM_CAPTURE_FILTER_H */
