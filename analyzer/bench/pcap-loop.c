/* pcap-loop.c: the baseline for the analyzer benchmark. A bare libpcap read
 * loop with pcap_next_ex that touches each packet's ports, as the issue asks;
 * also a pcap_dispatch variant with a 1 MiB stdio buffer (STYLE.md, "Measured
 * here"), so both baselines are printed. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static unsigned long sum_ports;

static void
touch(const unsigned char *d, unsigned len)
{
    if (len >= 38)
        sum_ports += (unsigned)(d[34] << 8 | d[35]) + (unsigned)(d[36] << 8 | d[37]);
}

static void
on_packet(unsigned char *user, const struct pcap_pkthdr *h, const unsigned char *d)
{
    (void)user;
    touch(d, h->caplen);
}

int
main(int argc, char **argv)
{
    char err[PCAP_ERRBUF_SIZE];
    if (argc != 3) {
        fprintf(stderr, "usage: pcap-loop next_ex|dispatch FILE\n");
        return 2;
    }
    unsigned long n = 0;
    pcap_t *p;
    if (strcmp(argv[1], "dispatch") == 0) {
        FILE *f = fopen(argv[2], "rb");
        static char buf[1 << 20];
        if (f == NULL || setvbuf(f, buf, _IOFBF, sizeof buf) != 0)
            return 2;
        p = pcap_fopen_offline(f, err);
        if (p == NULL) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        int r;
        while ((r = pcap_dispatch(p, 4096, on_packet, NULL)) > 0)
            n += (unsigned long)r;
    } else {
        p = pcap_open_offline(argv[2], err);
        if (p == NULL) {
            fprintf(stderr, "%s\n", err);
            return 2;
        }
        struct pcap_pkthdr *h;
        const unsigned char *d;
        while (pcap_next_ex(p, &h, &d) == 1) {
            touch(d, h->caplen);
            n++;
        }
    }
    pcap_close(p);
    printf("%lu packets (checksum %lu)\n", n, sum_ports);
    return 0;
}
