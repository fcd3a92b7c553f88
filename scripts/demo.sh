#!/usr/bin/env bash
# The main job: installs what is missing, builds, runs sumscope on the demo
# capture, then shows the Wireshark plugin labelling the same capture.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/deps.sh
BUILD_DIR=${BUILD_DIR:-build/release}
cmake -S . -B "$BUILD_DIR" -DSUMSCOPE_SANITIZE=OFF -DSUMSCOPE_PLUGIN=ON -DBUILD_TESTING=OFF \
  >/dev/null
cmake --build "$BUILD_DIR" -j"$(nproc)" >/dev/null
demo=samples/demo.pcapng

echo "== sumscope $demo"
status=0
"$BUILD_DIR/analyzer/sumscope" --html "$BUILD_DIR/demo-report.html" "$demo" || status=$?
echo
echo "(exit status $status: 1 means findings of warning severity or worse;"
echo " HTML timeline written to $BUILD_DIR/demo-report.html)"

echo
echo "== tshark with the SUM plugin (two passes): the first frame of every SUM connection"
tmp=$(mktemp -d /tmp/sumscope-demo.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cp "$demo" "$tmp/demo.pcapng"
chmod -R a+rX "$tmp"
bash scripts/tshark-sum.sh "$BUILD_DIR/dissector/sum.so" -r "$tmp/demo.pcapng" -2 \
  -Y 'sum && ((tcp.flags.syn == 1 && tcp.flags.ack == 0) || udp)' \
  -T fields -E header=y -e frame.number -e ip.src -e ip.dst -e tcp.dstport -e udp.dstport \
  -e sum.family -e sum.port -e sum.cause -e sum.confidence -e sum.session \
  -e sum.peer.port -e sum.peer.cause
echo
echo "== tshark -z sum,alloc"
bash scripts/tshark-sum.sh "$BUILD_DIR/dissector/sum.so" -r "$tmp/demo.pcapng" -q -z sum,alloc
