#!/usr/bin/env bash
# The plugin's cost: tshark -r on a large capture with and without the SUM
# plugin, measured side by side in one run (interleaved, best of ROUNDS=5),
# and the ratio.
# Goal: under 5% more time with the plugin.
#   usage: dissector/bench/bench-plugin.sh [BUILD_DIR] [PACKETS]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/bench}
N=${2:-300000}
WORK=${WORK:-/tmp/sumscope-bench}
mkdir -p "$WORK"
if [ ! -f "$BUILD/dissector/sum.so" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSUMSCOPE_SANITIZE=OFF \
    -DBUILD_TESTING=OFF -DSUMSCOPE_PLUGIN=ON >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" >/dev/null
fi
f=$WORK/plugin-$N.pcap
[ -s "$f" ] || python3 analyzer/bench/make_mixed.py "$N" "$f" >/dev/null
chmod a+r "$f"; chmod a+rx "$WORK"
# One run of "$@", in seconds.
run_once() {
  local s e
  s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
  awk -v s="$s" -v e="$e" 'BEGIN{print e-s}'
}
# Both sides start the same way: tshark run directly (as nobody when root,
# which 4.0 needs to read a personal plugin folder), each with a private
# HOME, one empty and one whose personal epan folder holds sum.so. (Going
# through scripts/tshark-sum.sh on one side only added its own start-up,
# about 0.2 s, to the plugin's figure.)
ver=$(tshark --version 2>/dev/null | sed -n '1s/.*(Wireshark) \([0-9]*\.[0-9]*\).*/\1/p')
homes=$(mktemp -d /tmp/sumscope-bench-homes.XXXXXX)
trap 'rm -rf "$homes"' EXIT
mkdir -p "$homes/stock" "$homes/plugin/.local/lib/wireshark/plugins/$ver/epan"
cp "$BUILD/dissector/sum.so" "$homes/plugin/.local/lib/wireshark/plugins/$ver/epan/"
chmod -R a+rX "$homes"
as_user=()
if [ "$(id -u)" -eq 0 ]; then
  chown -R nobody "$homes"
  as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
fi
ts() {
  run_once "${as_user[@]}" env HOME="$homes/$1" XDG_CONFIG_HOME="$homes/$1/.config" \
    tshark -r "$f" -T fields -e frame.number
}
# The plugin must really be loaded on its side.
"${as_user[@]}" env HOME="$homes/plugin" XDG_CONFIG_HOME="$homes/plugin/.config" \
  tshark -G protocols | grep -qw sum || { echo "the plugin did not load" >&2; exit 1; }
# Interleaved (stock, plugin, stock, plugin ...) and best of ROUNDS each, so
# that a busy machine slows both sides alike rather than one.
ROUNDS=${ROUNDS:-5}
t0=999999; t1=999999
for _ in $(seq "$ROUNDS"); do
  a=$(ts stock)
  b=$(ts plugin)
  t0=$(awk -v a="$a" -v t="$t0" 'BEGIN{print (a<t)?a:t}')
  t1=$(awk -v b="$b" -v t="$t1" 'BEGIN{print (b<t)?b:t}')
done
echo "capture: $f ($N packets, mostly non-SUM)"
printf 'tshark -T fields, stock:        %s s\n' "$t0"
printf 'tshark -T fields, with plugin:  %s s\n' "$t1"
awk -v a="$t0" -v b="$t1" 'BEGIN{printf "plugin cost: %+.1f%% (goal < 5%%)\n", (b/a-1)*100}'
