#!/usr/bin/env bash
# Analyzer speed and memory, measured side by side in one run: sumscope's
# packets per second against a bare libpcap loop and tshark over the same
# file, and sumscope's peak RSS on 1M and 5M packets (and a SYN flood).
#   usage: analyzer/bench/bench-analyzer.sh [BUILD_DIR]   (prints figures)
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/bench}
WORK=${WORK:-/tmp/sumscope-bench}
mkdir -p "$WORK"
if [ ! -x "$BUILD/analyzer/sumscope" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSUMSCOPE_SANITIZE=OFF \
    -DBUILD_TESTING=OFF -DSUMSCOPE_PLUGIN=OFF >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" >/dev/null
fi
SUMSCOPE=$BUILD/analyzer/sumscope
cc -O2 -o "$WORK/pcap-loop" analyzer/bench/pcap-loop.c -lpcap

gen() { [ -s "$WORK/$2" ] || python3 analyzer/bench/make_mixed.py "$1" "$WORK/$2" $3 >/dev/null; }
gen 1000000 mixed-1m.pcap ""
gen 5000000 mixed-5m.pcap ""

# Best of 3 wall-clock seconds of a command, output discarded.
best() {
  local b=""
  for _ in 1 2 3; do
    local s e
    s=$(date +%s.%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s.%N)
    b=$(echo "$s $e ${b:-999999}" | awk '{d=$2-$1; print (d<$3)?d:$3}')
  done
  echo "$b"
}
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

f=$WORK/mixed-1m.pcap
cat "$f" >/dev/null   # page cache
pk=1000000
t_next=$(best "$WORK/pcap-loop" next_ex "$f")
t_disp=$(best "$WORK/pcap-loop" dispatch "$f")
t_sum=$(best "$SUMSCOPE" --json=/dev/null "$f")
t_tq=$(best tshark -r "$f" -q)
t_tf=$(best tshark -r "$f" -T fields -e frame.number)
printf '%-44s %8s s %12s pkt/s\n' "bare libpcap loop (pcap_next_ex)" "$t_next" \
  "$(awk -v n=$pk -v t=$t_next 'BEGIN{printf "%.0f", n/t}')"
printf '%-44s %8s s %12s pkt/s\n' "bare libpcap loop (pcap_dispatch, 1 MiB buf)" "$t_disp" \
  "$(awk -v n=$pk -v t=$t_disp 'BEGIN{printf "%.0f", n/t}')"
printf '%-44s %8s s %12s pkt/s\n' "sumscope --json=/dev/null" "$t_sum" \
  "$(awk -v n=$pk -v t=$t_sum 'BEGIN{printf "%.0f", n/t}')"
printf '%-44s %8s s\n' "tshark -r FILE -q (does not dissect)" "$t_tq"
printf '%-44s %8s s\n' "tshark -r FILE -T fields -e frame.number" "$t_tf"
awk -v a=$t_next -v b=$t_sum 'BEGIN{printf "ratio sumscope / bare pcap_next_ex loop (speed): %.2f (goal >= 0.8)\n", a/b}'
awk -v a=$t_disp -v b=$t_sum 'BEGIN{printf "ratio sumscope / bare pcap_dispatch loop (speed): %.2f\n", a/b}'
awk -v a=$t_tq -v b=$t_sum 'BEGIN{printf "ratio sumscope / tshark -q (speed): %.1f\n", a/b}'
awk -v a=$t_tf -v b=$t_sum 'BEGIN{printf "ratio sumscope / tshark -T fields (speed): %.1f\n", a/b}'
echo "peak RSS sumscope 1M packets: $(rss "$SUMSCOPE" --json=/dev/null "$f") KiB"
echo "peak RSS sumscope 5M packets: $(rss "$SUMSCOPE" --json=/dev/null "$WORK/mixed-5m.pcap") KiB"
