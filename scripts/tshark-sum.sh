#!/usr/bin/env bash
# Runs the real tshark with the freshly built SUM plugin, without installing
# it: a private HOME whose personal plugin folder holds a copy of sum.so.
# tshark 4.0 run as root ignores personal plugin folders (and
# WIRESHARK_PLUGIN_DIR), so as root it runs as 'nobody'.
#   usage: tshark-sum.sh PLUGIN_SO [tshark args...]
set -euo pipefail
plugin=${1:?usage: tshark-sum.sh PLUGIN_SO [tshark args...]}
shift
[ -r "$plugin" ] || { echo "tshark-sum.sh: $plugin: cannot read the plugin" >&2; exit 2; }
ver=$(tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
home=$(mktemp -d /tmp/sumscope-tshark.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/lib/wireshark/plugins/$ver/epan"
cp "$plugin" "$home/.local/lib/wireshark/plugins/$ver/epan/sum.so"
chmod -R a+rX "$home"
# A plugin built with SUMSCOPE_SANITIZE=ON needs the sanitizer runtimes
# loaded first into the (uninstrumented) tshark; tshark's own leaks are not
# ours, so leak checking is off, every other report aborts.
preload=()
if readelf -d "$plugin" 2>/dev/null | grep -q 'NEEDED.*libasan'; then
  preload=(LD_PRELOAD="$(gcc -print-file-name=libasan.so) $(gcc -print-file-name=libubsan.so)"
           ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:${ASAN_OPTIONS:-}"
           UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:${UBSAN_OPTIONS:-}")
fi
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$home"
  # Files named on the command line must be readable by nobody: the caller
  # passes world-readable paths (samples/ and /tmp copies are).
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env HOME="$home" XDG_CONFIG_HOME="$home/.config" "${preload[@]}" tshark "$@"
else
  env HOME="$home" XDG_CONFIG_HOME="$home/.config" "${preload[@]}" tshark "$@"
fi
