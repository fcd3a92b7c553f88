#!/usr/bin/env bash
# Analyzer speed and memory, measured side by side in one run: sumscope's
# packets per second against a bare libpcap loop and tshark over the same
# file, sumscope's peak RSS on 1M and 5M packets, and the instructions
# sumscope and the loop execute (cachegrind), which no other load moves.
#   usage: [BASE_SUMSCOPE=other/sumscope] analyzer/bench/bench-analyzer.sh [BUILD_DIR]
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

# Each command runs ROUNDS times, the commands taking turns so that a noisy
# moment hits them alike; a command's figure is its best wall-clock time,
# with the CPU time (user + system) of that run beside it (with
# SUMSCOPE_THREADS=2 sumscope reads on one thread and tracks flows on
# another, so CPU time is the honest cost there).
ROUNDS=${ROUNDS:-5}
f=$WORK/mixed-1m.pcap
cat "$f" >/dev/null   # page cache
declare -A WALL CPU
TIMEFORMAT='%3R %3U %3S'   # bash's time: wall, user, system in ms
names=(next_ex dispatch sumscope threads2 classic tshark_q)
argv() {
  case $1 in
    next_ex)  cmd=("$WORK/pcap-loop" next_ex "$f") ;;
    dispatch) cmd=("$WORK/pcap-loop" dispatch "$f") ;;
    sumscope) cmd=("$SUMSCOPE" -q --json=/dev/null "$f") ;;
    threads2) cmd=(env SUMSCOPE_THREADS=2 "$SUMSCOPE" -q --json=/dev/null "$f") ;;
    classic)  cmd=("$SUMSCOPE" -q --profile classic --json=/dev/null "$f") ;;
    tshark_q) cmd=(tshark -r "$f" -q) ;;
  esac
}
for _ in $(seq "$ROUNDS"); do
  for n in "${names[@]}"; do
    argv "$n"
    { time "${cmd[@]}" >/dev/null 2>&1 || true; } 2> "$WORK/time.out"
    read -r w u sy < "$WORK/time.out"
    if [ -z "${WALL[$n]:-}" ] || awk -v a="$w" -v b="${WALL[$n]}" 'BEGIN{exit !(a<b)}'; then
      WALL[$n]=$w; CPU[$n]=$(awk -v u="$u" -v s="$sy" 'BEGIN{printf "%.3f", u+s}')
    fi
  done
done
pk=$("$SUMSCOPE" --json=- "$f" 2>/dev/null | python3 -c \
  "import json,sys; print(json.load(sys.stdin)['capture']['packets'])" || echo 1000000)
t_tf=$( { /usr/bin/time -f %e tshark -r "$f" -T fields -e frame.number >/dev/null; } 2>&1 | tail -1)
line() { printf '%-46s %6s s wall %6s s cpu %10s pkt/s\n' "$1" "${WALL[$2]}" "${CPU[$2]}" \
  "$(awk -v n="$pk" -v t="${WALL[$2]}" 'BEGIN{printf "%.0f", n/t}')"; }
echo "$pk packets, best of $ROUNDS interleaved runs"
line "bare libpcap loop (pcap_next_ex)" next_ex
line "bare libpcap loop (pcap_dispatch, 1 MiB buf)" dispatch
line "sumscope -q --json=/dev/null (auto)" sumscope
line "SUMSCOPE_THREADS=2 sumscope (auto)" threads2
line "sumscope -q --profile classic" classic
line "tshark -r FILE -q (does not dissect)" tshark_q
printf '%-46s %6s s wall (one run)\n' "tshark -r FILE -T fields -e frame.number" "$t_tf"
r() { awk -v a="$1" -v b="$2" "BEGIN{printf \"$3\", a/b}"; }
echo "ratio sumscope / bare pcap_next_ex loop (speed, wall): $(r "${WALL[next_ex]}" "${WALL[sumscope]}" %.2f) (goal >= 0.8)"
echo "ratio sumscope / bare pcap_next_ex loop (speed, cpu):  $(r "${CPU[next_ex]}" "${CPU[sumscope]}" %.2f)"
echo "ratio SUMSCOPE_THREADS=2 sumscope / bare pcap_next_ex loop (wall): $(r "${WALL[next_ex]}" "${WALL[threads2]}" %.2f)"
echo "ratio sumscope --profile classic / bare pcap_next_ex loop (wall): $(r "${WALL[next_ex]}" "${WALL[classic]}" %.2f)"
echo "ratio sumscope / bare pcap_dispatch loop (speed, wall): $(r "${WALL[dispatch]}" "${WALL[sumscope]}" %.2f)"
echo "ratio sumscope / tshark -q (speed, wall): $(r "${WALL[tshark_q]}" "${WALL[sumscope]}" %.1f)"
echo "ratio sumscope / tshark -T fields (speed, wall): $(r "$t_tf" "${WALL[sumscope]}" %.1f)"
rss() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
echo "peak RSS sumscope 1M packets: $(rss "$SUMSCOPE" --json=/dev/null "$f") KiB"
echo "peak RSS sumscope 5M packets: $(rss "$SUMSCOPE" --json=/dev/null "$WORK/mixed-5m.pcap") KiB"
# Instructions executed (valgrind's cachegrind) on 100,000 of the same mixed
# packets: the figure other load on the machine cannot move. BASE_SUMSCOPE,
# another build of sumscope (e.g. the previous release), is counted beside.
if command -v valgrind >/dev/null; then
  gen 100000 mixed-100k.pcap ""
  small=$WORK/mixed-100k.pcap
  ins() {
    valgrind --tool=cachegrind --cache-sim=no --cachegrind-out-file=/dev/null "$@" 2>&1 \
      >/dev/null | sed -n 's/.*I *refs: *//p' | tr -d ,
  }
  i_loop=$(ins "$WORK/pcap-loop" next_ex "$small")
  i_sum=$(ins "$SUMSCOPE" -q --json=/dev/null "$small")
  echo "instructions on 100000 packets: bare pcap_next_ex loop $i_loop, sumscope $i_sum" \
    "(ratio $(r "$i_sum" "$i_loop" %.2f))"
  if [ -n "${BASE_SUMSCOPE:-}" ]; then
    i_base=$(ins "$BASE_SUMSCOPE" -q --json=/dev/null "$small")
    echo "instructions on 100000 packets: $BASE_SUMSCOPE $i_base," \
      "this sumscope $(r "$i_sum" "$i_base" %.3f) of it"
  fi
fi
