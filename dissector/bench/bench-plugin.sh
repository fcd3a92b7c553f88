#!/usr/bin/env bash
# The plugin's cost: tshark -r on a large capture with and without the SUM
# plugin, measured side by side in one run (best of 3), and the ratio.
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
best() {
  local b=999999
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1; e=$(date +%s.%N)
    b=$(awk -v s="$s" -v e="$e" -v b="$b" 'BEGIN{d=e-s; print (d<b)?d:b}')
  done
  echo "$b"
}
# The same user for both runs (tshark as root ignores personal plugins, so
# scripts/tshark-sum.sh runs it as nobody); the baseline has an empty HOME.
as_user=()
[ "$(id -u)" -eq 0 ] && as_user=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
t0=$(best "${as_user[@]}" env HOME=/nonexistent tshark -r "$f" -T fields -e frame.number)
t1=$(best bash scripts/tshark-sum.sh "$BUILD/dissector/sum.so" -r "$f" -T fields -e frame.number)
echo "capture: $f ($N packets, mostly non-SUM)"
printf 'tshark -T fields, stock:        %s s\n' "$t0"
printf 'tshark -T fields, with plugin:  %s s\n' "$t1"
awk -v a="$t0" -v b="$t1" 'BEGIN{printf "plugin cost: %+.1f%% (goal < 5%%)\n", (b/a-1)*100}'
