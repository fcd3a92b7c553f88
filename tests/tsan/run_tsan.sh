#!/usr/bin/env bash
# Builds the pipeline test and sumscope with ThreadSanitizer in a build tree
# of its own and runs them: the test against its one-thread reference, and
# sumscope on every sample. Any race report fails the run.
#   usage: run_tsan.sh SRC_DIR WORK_DIR
set -euo pipefail
src=$1 work=$2
mkdir -p "$work"
cmake -S "$src" -B "$work/build" -DSUMSCOPE_TSAN=ON -DSUMSCOPE_SANITIZE=OFF \
  -DSUMSCOPE_PLUGIN=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$work/build" -j"$(nproc)" --target test_pipeline sumscope >/dev/null
export TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
export SUMSCOPE_THREADS=2   # the flow thread, which is what this checks
"$work/build/tests/test_pipeline"
n=0
shopt -s nullglob
for f in "$src"/samples/*.pcap "$src"/samples/*.pcapng; do
  rc=0
  "$work/build/analyzer/sumscope" -q --color=never --json=/dev/null "$f" >/dev/null || rc=$?
  # 0, 1 (findings) or 3 (no SUM) are answers; 66 is a race, anything else
  # a failure
  if [ "$rc" -gt 1 ] && [ "$rc" -ne 3 ]; then echo "run_tsan.sh: sumscope exit $rc on $f" >&2; exit 1; fi
  n=$((n+1))
done
echo "pipeline under ThreadSanitizer: test_pipeline clean, sumscope clean on $n samples"
