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
ver=$(tshark --version | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
home=$(mktemp -d /tmp/sumscope-tshark.XXXXXX)
trap 'rm -rf "$home"' EXIT
mkdir -p "$home/.local/lib/wireshark/plugins/$ver/epan"
cp "$plugin" "$home/.local/lib/wireshark/plugins/$ver/epan/sum.so"
chmod -R a+rX "$home"
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$home"
  # Files named on the command line must be readable by nobody: the caller
  # passes world-readable paths (samples/ and /tmp copies are).
  setpriv --reuid=nobody --regid=nogroup --clear-groups \
    env HOME="$home" XDG_CONFIG_HOME="$home/.config" tshark "$@"
else
  HOME="$home" XDG_CONFIG_HOME="$home/.config" tshark "$@"
fi
