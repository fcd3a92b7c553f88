/* capture-filter.c: what a capture filter does to the SUM story
 * (capture-filter.h). */
#include "capture-filter.h"
#include "capture-pcapng.h"

#include <pcap.h>
#include <string.h>

/* An Ethernet + IPv4 + TCP SYN from SRC:SPORT to DST:DPORT. */
static void
syn_frame(guint8 f[54], guint8 src, guint16 sport, guint8 dst, guint16 dport)
{
    memset(f, 0, 54);
    f[12] = 0x08; /* IPv4 */
    guint8 *ip = f + 14;
    ip[0] = 0x45;
    ip[3] = 40;
    ip[8] = 64;
    ip[9] = 6; /* TCP */
    const guint8 a[4] = {192, 0, 2, src}, b[4] = {198, 51, 100, dst};
    memcpy(ip + 12, a, 4);
    memcpy(ip + 16, b, 4);
    guint8 *tcp = ip + 20;
    tcp[0] = sport >> 8;
    tcp[1] = sport & 0xff;
    tcp[2] = dport >> 8;
    tcp[3] = dport & 0xff;
    tcp[12] = 0x50;
    tcp[13] = 0x02; /* SYN */
}

gboolean
sum_filter_hides_sum(const char *filter)
{
    if (filter == NULL || *filter == '\0')
        return FALSE;
    pcap_t *dead = pcap_open_dead(DLT_EN10MB, 65535);
    struct bpf_program prog;
    gboolean hides = FALSE;
    if (dead != NULL && pcap_compile(dead, &prog, filter, 1, PCAP_NETMASK_UNKNOWN) == 0) {
        guint8 msg[54], cb[54];
        syn_frame(msg, 1, 60000, 2, 62286);
        syn_frame(cb, 3, 41000, 4, 61001);
        struct pcap_pkthdr h = {.caplen = 54, .len = 54};
        hides = pcap_offline_filter(&prog, &h, msg) == 0 ||
                pcap_offline_filter(&prog, &h, cb) == 0;
        pcap_freecode(&prog);
    }
    if (dead != NULL)
        pcap_close(dead);
    return hides;
}

gchar *
sum_filter_of_file(const char *path)
{
    if (path == NULL || strcmp(path, "-") == 0)
        return NULL;
    FILE *fp = fopen(path, "rb");
    if (fp == NULL)
        return NULL;
    guint8 magic[4] = {0};
    gchar *filter = NULL;
    if (fread(magic, 1, 4, fp) == 4 && magic[0] == 0x0a && magic[1] == 0x0d &&
        magic[2] == 0x0d && magic[3] == 0x0a) {
        rewind(fp);
        filter = sum_pcapng_if_filter(fp);
    }
    fclose(fp);
    return filter;
}
