#!/bin/sh
# Regenerate the sample captures and their ground truth in network namespaces.
#   sudo samples/generate.sh [scenario...]     (all scenarios when none given)
#   OUT=/tmp/x sudo -E samples/generate.sh ...  (write somewhere else)
# Needs root (ip netns, veth, nftables, tcpdump, sshd). Everything it creates
# (ssg-* namespaces, worker processes, the temp dir with keys) is removed on
# exit, also on failure or Ctrl-C.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out=${OUT:-$here}
if [ "$(id -u)" != 0 ]; then
  echo "generate.sh: needs root (network namespaces); try: sudo $0 $*" >&2
  exit 2
fi
for tool in ip nft tcpdump editcap openssl ssh-keygen /usr/sbin/sshd; do
  command -v "$tool" >/dev/null 2>&1 || { echo "generate.sh: missing $tool" >&2; exit 2; }
done
cleanup() { /usr/bin/python3 "$here/sumemu.py" cleanup || true; }
# The emulator runs in the background so that a signal reaches this trap at
# once; the trap passes it on (the emulator tears its lab down on SIGTERM),
# then removes any ssg-* namespace left.
child=
stop() {
  [ -n "$child" ] && kill -TERM "$child" 2>/dev/null && wait "$child" 2>/dev/null
  cleanup
  exit 130
}
trap cleanup EXIT
trap stop INT TERM
/usr/bin/python3 "$here/sumemu.py" generate "$out" "$@" &
child=$!
wait "$child"
