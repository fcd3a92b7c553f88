/* config-sum.h: what every file of the plugin includes first. */
#ifndef CONFIG_SUM_H
#define CONFIG_SUM_H

#define WS_BUILD_DLL
#include <wireshark.h>
#include <ws_version.h>

/* 4.4 names the tvb accessors after C99 types; 4.0 only has the GLib ones. */
#if WIRESHARK_VERSION_MAJOR > 4 || (WIRESHARK_VERSION_MAJOR == 4 && WIRESHARK_VERSION_MINOR >= 4)
#define sum_tvb_get_u8 tvb_get_uint8
#else
#define sum_tvb_get_u8 tvb_get_guint8
#endif

#endif
