/* plugin.c: the SUM plugin's entry points for Wireshark's plugin loader.
 * Written by hand (not generated); guarded for the plugin API of Wireshark
 * 4.0 (Debian 12) and of 4.2/4.4 (plugin_describe). */
#include "config-sum.h"

#include <epan/packet.h>
#include <epan/proto.h>

#ifndef SUMSCOPE_PLUGIN_VERSION
#define SUMSCOPE_PLUGIN_VERSION "0.1.0"
#endif

void proto_register_sum(void);
void proto_reg_handoff_sum(void);

WS_DLL_PUBLIC_DEF const gchar plugin_version[] = SUMSCOPE_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;

WS_DLL_PUBLIC void plugin_register(void);
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 2)
#include <wsutil/plugins.h>
WS_DLL_PUBLIC uint32_t plugin_describe(void);

uint32_t
plugin_describe(void)
{
    return WS_PLUGIN_DESC_DISSECTOR;
}
#endif

void
plugin_register(void)
{
    static proto_plugin plug;
    plug.register_protoinfo = proto_register_sum;
    plug.register_handoff = proto_reg_handoff_sum;
    proto_register_plugin(&plug);
}
