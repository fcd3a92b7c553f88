#!/usr/bin/env bash
# The flood: ten million distinct TCP connections towards SUM ports (a SYN
# scan) around two real SUM deployments. Prints sumscope's peak RSS (bound:
# 256 MiB, docs/robustness.md), what it evicted, and whether the SUM story
# (the two deployments' allocations) is still right.
#   usage: analyzer/bench/bench-flood.sh [BUILD_DIR] [PACKETS]
set -euo pipefail
cd "$(dirname "$0")/../.."
BUILD=${1:-build/bench}
N=${2:-10000000}
WORK=${WORK:-/tmp/sumscope-bench}
mkdir -p "$WORK"
if [ ! -x "$BUILD/analyzer/sumscope" ]; then
  cmake -S . -B "$BUILD" -DCMAKE_BUILD_TYPE=Release -DSUMSCOPE_SANITIZE=OFF \
    -DBUILD_TESTING=OFF -DSUMSCOPE_PLUGIN=OFF >/dev/null
  cmake --build "$BUILD" -j"$(nproc)" >/dev/null
fi
f=$WORK/flood-$N.pcap
[ -s "$f" ] || python3 analyzer/bench/make_mixed.py "$N" "$f" --flood
s=$(date +%s.%N)
/usr/bin/time -f '%M' -o "$WORK/flood.rss" "$BUILD/analyzer/sumscope" --json="$WORK/flood.json" \
  "$f" >/dev/null || true
e=$(date +%s.%N)
echo "packets asked: $N   wall: $(awk -v s=$s -v e=$e 'BEGIN{printf "%.1f", e-s}') s"
echo "peak RSS: $(cat "$WORK/flood.rss") KiB (bound 262144 KiB)"
python3 - "$WORK/flood.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
cap = d["capture"]
print("packets read: %d" % cap["packets"])
print("evicted/dropped counters:", {k: v for k, v in cap.get("counters", cap).items()
                                    if isinstance(v, int) and ("evict" in k or "drop" in k)})
msg = sorted((a["host"], a["port"]) for a in d["allocations"] if a["family"] == "message")
want = sorted([("10.5.0.1", 60000 + i) for i in range(3)] + [("10.5.0.2", 60000 + i) for i in range(3)])
print("SUM story intact:", msg == want, "(message allocations: %d)" % len(msg))
PY
