#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (ASan + UBSan + libFuzzer) in a
# build tree of their own and runs each for SECONDS, seeded from samples/ and
# the regression inputs in tests/fuzz/regressions/. A crash fails the run and
# leaves its input in WORK/crashes/ (copy it into tests/fuzz/regressions/).
#   usage: run_fuzz.sh SRC_DIR WORK_DIR [SECONDS]
set -euo pipefail
src=$1 work=$2 secs=${3:-20}
command -v clang >/dev/null || { echo "run_fuzz.sh: clang not installed" >&2; exit 1; }
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DCMAKE_C_COMPILER=clang -DSUMSCOPE_FUZZ=ON \
  -DSUMSCOPE_PLUGIN=OFF -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
shopt -s nullglob
targets=$(sed -n "s/^ *sumscope_fuzzer(\([a-z_]*\).*/\1/p" "$src"/tests/fuzz/CMakeLists.txt \
          "$src"/tests/fuzz/*.cmake | sort -u)
cmake --build "$work/build" -j"$(nproc)" --target $targets >/dev/null
fail=0 ran=0
for t in $targets; do
  corpus=$work/corpus-$t
  mkdir -p "$corpus" "$work/crashes"
  seeds=()
  [ -d "$src/tests/fuzz/seeds/$t" ] && seeds+=("$src/tests/fuzz/seeds/$t")
  [ -d "$src/tests/fuzz/regressions" ] && seeds+=("$src/tests/fuzz/regressions")
  if [ "$t" = fuzz_capture ] || [ "$t" = fuzz_frames ]; then
    seeds+=("$src/samples")
  fi
  exe=$(find "$work/build" -type f -name "$t" -perm -u+x | head -1)
  echo "== $t for ${secs}s"
  if ! "$exe" -max_total_time="$secs" -max_len=65536 -timeout=10 -rss_limit_mb=2048 \
       -artifact_prefix="$work/crashes/$t-" -print_final_stats=1 "$corpus" "${seeds[@]}" \
       >"$work/$t.log" 2>&1; then
    echo "FAIL $t: see $work/$t.log"; tail -30 "$work/$t.log"; fail=$((fail+1))
  else
    grep -E 'stat::number_of_executed_units|Done [0-9]+ runs' "$work/$t.log" | tail -2
  fi
  ran=$((ran+1))
done
echo "$((ran-fail)) passed, $fail failed"
[ "$fail" -eq 0 ]
