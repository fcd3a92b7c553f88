#!/bin/sh
# screenshot-targets.sh: docs/img/report-100-targets.png, the HTML report of
# a deployment to 100 targets (analyzer/bench/make_deployment.py: 23 dropped
# callbacks, 3 refused agents, 2 moved control listeners, firmware past a
# taken port 80) as headless Chromium shows its first screen (1400x2000).
#
# usage: tests/html/screenshot-targets.sh SUMSCOPE [OUT.png]
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sumscope=${1:?usage: screenshot-targets.sh SUMSCOPE [OUT.png]}
out=${2:-$root/docs/img/report-100-targets.png}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "screenshot-targets.sh: chromium not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sumscope=$(cd "$(dirname "$sumscope")" && pwd)/$(basename "$sumscope")
python3 "$root/analyzer/bench/make_deployment.py" 100 "$work/deployment-100.pcap" >/dev/null
# Exit 1 (findings) is expected; the heading names the capture, not this machine's path.
(cd "$work" && "$sumscope" -q --html "$work/report.html" deployment-100.pcap >/dev/null) ||
    [ $? -eq 1 ]
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$work/shot.png" --window-size=1400,2000 \
    "file://$work/report.html" >/dev/null 2>&1
[ -s "$work/shot.png" ] || { echo "screenshot-targets.sh: no screenshot" >&2; exit 1; }
cp "$work/shot.png" "$out"
echo "wrote $out"
