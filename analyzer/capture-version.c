/* capture-version.c: which libpcap sumscope runs with, for --version. Apart
 * from the capture readers, the only file that includes pcap.h. */
#include "capture.h"

#include <pcap/pcap.h>

const char *
sum_capture_lib_version(void)
{
    return pcap_lib_version();
}
