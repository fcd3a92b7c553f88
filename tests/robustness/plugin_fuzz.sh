#!/usr/bin/env bash
# The plugin fuzzed Wireshark's own way: tshark with our plugin over many
# `editcap -E` corrupted copies of every sample (and randpkt output), with
# WIRESHARK_ABORT_ON_DISSECTOR_BUG=1. A crash, a dissector bug report or a
# sanitizer report fails the run, unless stock tshark without our plugin fails
# the same way on the same file (4.0.17's own TLS dissector asserts on some
# corrupted captures): such files are counted as "stock failures".
#   usage: plugin_fuzz.sh PLUGIN_SO SAMPLES_DIR WORK_DIR [COPIES_PER_SAMPLE]
set -uo pipefail
plugin=$1 samples=$2 work=$3 copies=${4:-6}
here=$(cd "$(dirname "$0")/../.." && pwd)
rm -rf "$work"; mkdir -p "$work"; chmod 755 "$work"
export WIRESHARK_ABORT_ON_DISSECTOR_BUG=1

n=0
for s in "$samples"/*.pcap "$samples"/*.pcapng; do
  [ -e "$s" ] || continue
  b=$(basename "$s")
  for i in $(seq 1 "$copies"); do
    # Error rates from light to heavy; seeds fixed so a failure reproduces.
    rate=$(awk -v i="$i" 'BEGIN{print (i%3==1)?0.01:(i%3==2)?0.05:0.2}')
    editcap -E "$rate" --seed "$((i * 7919))" "$s" "$work/$i-$b" 2>/dev/null
    n=$((n+1))
  done
done
for t in tcp ip ipv6 udp eth nbns icmp; do
  randpkt -b 1500 -c 300 -t "$t" "$work/randpkt-$t.pcap" 2>/dev/null && n=$((n+1))
done
randpkt -b 1500 -c 300 -r "$work/randpkt-any.pcap" 2>/dev/null && n=$((n+1))
chmod a+r "$work"/*

ours=0 stock=0 ok=0
for f in "$work"/*.pcap*; do
  out=$(bash "$here/scripts/tshark-sum.sh" "$plugin" -r "$f" -2 -V -o tls.desegment_ssl_records:TRUE \
        -z sum,tree -z sum,alloc 2>&1 >/dev/null)
  rc=$?
  if [ $rc -ge 128 ] || echo "$out" | grep -qE 'AddressSanitizer|runtime error|Dissector bug|dissector bug|\[Malformed.*SUM'; then
    # Is it ours? The same file through stock tshark, without our plugin.
    tshark -r "$f" -2 -V >/dev/null 2>"$work/stock.err"
    src=$?
    if [ $src -ge 128 ] || grep -qiE 'dissector bug' "$work/stock.err"; then
      stock=$((stock+1))
      echo "stock failure (not ours): $(basename "$f") rc=$src"
    else
      ours=$((ours+1))
      echo "FAIL ours: $(basename "$f") rc=$rc"
      echo "$out" | grep -E 'AddressSanitizer|runtime error|ssector bug|ERROR|Malformed' | head -5
      cp "$f" "$work/../plugin-fuzz-failure-$(basename "$f")" 2>/dev/null || true
    fi
  else
    ok=$((ok+1))
  fi
done
echo "files: $n corrupted/random captures; clean: $ok; stock tshark failures: $stock"
echo "$((ok+stock)) passed, $ours failed"
[ "$ours" -eq 0 ]
