#!/usr/bin/env bash
# The plugin's cost: tshark -r on a large capture with and without the SUM
# plugin, measured side by side in one run (interleaved, best of ROUNDS=5,
# wall and CPU time), the instructions executed on a tenth of it (valgrind),
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
# One run of "$@": wall seconds and CPU (user + system) seconds. CPU time
# suffers less than wall time from other work on a busy machine.
run_once() {
  local t
  t=$(mktemp)
  /usr/bin/time -f "%e %U %S" -o "$t" "$@" >/dev/null 2>&1
  awk '{print $1, $2 + $3}' "$t"
  rm -f "$t"
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
    tshark -r "${2:-$f}" -T fields -e frame.number
}
# Instructions executed (valgrind's cachegrind), the figure no other load
# on the machine changes.
instructions() {
  "${as_user[@]}" env HOME="$homes/$1" XDG_CONFIG_HOME="$homes/$1/.config" \
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null \
    tshark -r "$2" -T fields -e frame.number 2>&1 >/dev/null |
    sed -n 's/.*I *refs: *//p' | tr -d ,
}
# The plugin must really be loaded on its side.
"${as_user[@]}" env HOME="$homes/plugin" XDG_CONFIG_HOME="$homes/plugin/.config" \
  tshark -G protocols | grep -qw sum || { echo "the plugin did not load" >&2; exit 1; }
# Interleaved (stock, plugin, stock, plugin ...) and best of ROUNDS each, so
# that a busy machine slows both sides alike rather than one.
ROUNDS=${ROUNDS:-5}
w0=999999; w1=999999; c0=999999; c1=999999
min() { awk -v a="$1" -v b="$2" 'BEGIN{print (a<b)?a:b}'; }
for _ in $(seq "$ROUNDS"); do
  read -r wa ca < <(ts stock)
  read -r wb cb < <(ts plugin)
  w0=$(min "$wa" "$w0"); c0=$(min "$ca" "$c0")
  w1=$(min "$wb" "$w1"); c1=$(min "$cb" "$c1")
done
pct() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%+.1f%%", (b/a-1)*100}'; }
echo "capture: $f ($N packets, mostly non-SUM), best of $ROUNDS, interleaved"
printf 'tshark -T fields, stock:        %s s wall, %s s CPU\n' "$w0" "$c0"
printf 'tshark -T fields, with plugin:  %s s wall, %s s CPU\n' "$w1" "$c1"
echo "plugin cost: $(pct "$w0" "$w1") wall, $(pct "$c0" "$c1") CPU (goal < 5%)"
if command -v valgrind >/dev/null; then
  small=$WORK/plugin-$((N / 10)).pcap
  [ -s "$small" ] || python3 analyzer/bench/make_mixed.py $((N / 10)) "$small" >/dev/null
  chmod a+r "$small"
  i0=$(instructions stock "$small"); i1=$(instructions plugin "$small")
  echo "instructions on $((N / 10)) packets: stock $i0, with plugin $i1:" \
    "$(pct "$i0" "$i1") (goal < 5%)"
fi
