#!/usr/bin/env bash
# valgrind shows no leak and no invalid access for sumscope on every sample.
# valgrind cannot run an ASan build, so this builds a plain sumscope in a tree
# of its own first.
#   usage: valgrind_samples.sh SRC_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
command -v valgrind >/dev/null || { echo "valgrind_samples.sh: valgrind not installed" >&2; exit 1; }
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DSUMSCOPE_SANITIZE=OFF -DSUMSCOPE_PLUGIN=OFF \
  -DBUILD_TESTING=OFF -DCMAKE_BUILD_TYPE=Debug >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target sumscope >/dev/null
exe=$work/build/analyzer/sumscope
export G_SLICE=always-malloc G_DEBUG=gc-friendly
pass=0 fail=0
for f in "$src"/samples/*.pcap "$src"/samples/*.pcapng; do
  b=$(basename "$f")
  rc=0
  valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite,indirect \
    --show-leak-kinds=definite,indirect --track-origins=yes \
    "$exe" --json="$work/$b.json" --html "$work/$b.html" "$f" >/dev/null 2>"$work/$b.vg" || rc=$?
  if [ $rc -eq 99 ] || [ $rc -ge 128 ]; then
    fail=$((fail+1)); echo "FAIL $b (exit $rc)"; head -40 "$work/$b.vg"
  else
    pass=$((pass+1)); echo "ok   $b (exit $rc)"
  fi
done
echo "$pass passed, $fail failed"
[ $fail -eq 0 ]
