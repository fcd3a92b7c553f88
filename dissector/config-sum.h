/* config-sum.h: what every file of the plugin includes first. */
#ifndef CONFIG_SUM_H
#define CONFIG_SUM_H

#define WS_BUILD_DLL
#include <wireshark.h>
#include <ws_version.h>

#endif
