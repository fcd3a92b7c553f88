/* sum-remedy.h: the firewall rules that open what a capture shows was needed.
 *
 * Reads: a finished SumResult. Produces: one SumRemedy per (direction, host,
 * port, transport, peer) for each blocked or refused SUM port and each
 * overflow, with the Windows (netsh advfirewall), firewalld and nft commands;
 * advice only for a port conflict. The commands every front end shows come
 * from here (sum-words.h has the sentences of the findings).
 */
#ifndef SUM_REMEDY_H
#define SUM_REMEDY_H

#include <glib.h>
#include "sum-result.h"

G_BEGIN_DECLS

/* One remediation step: the exact rules that open what the capture shows was
 * needed, on the right host and direction (see sum-remedy.c). */
typedef struct {
    SumFindingCode code;         /* the finding it answers */
    SumAddr host;                /* where the rule goes */
    SumRole role;
    guint16 port;
    SumTransport transport;
    gboolean inbound;            /* TRUE: allow inbound to port on host */
    SumAddr peer;                /* the remote side, family 0 = any */
    gchar *why;                  /* one line */
    gchar *windows;              /* netsh advfirewall ... */
    gchar *firewalld;            /* firewall-cmd ... */
    gchar *nft;                  /* nft add rule ... */
} SumRemedy;

/* Remediation steps for a result (SumRemedy*, owned by the array). */
GPtrArray *sum_remedy_build(const SumResult *result);

G_END_DECLS

#endif /* SUM_REMEDY_H */
