#!/bin/sh
# screenshot.sh: docs/img/report-demo.png, the HTML report of
# samples/demo.pcapng as headless Chromium renders it (1400x2000 window).
#
# usage: tests/html/screenshot.sh SUMSCOPE [OUT.png]
#   SUMSCOPE  the built sumscope, e.g. build/analyzer/sumscope
#   OUT.png   default: docs/img/report-demo.png beside this script's repository
set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
sumscope=${1:?usage: screenshot.sh SUMSCOPE [OUT.png]}
out=${2:-$root/docs/img/report-demo.png}
chromium=$(command -v chromium || command -v chromium-browser || true)
[ -n "$chromium" ] || { echo "screenshot.sh: chromium not installed" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# sumscope exits 1 when the capture has findings: that is not a failure here.
# Relative, so the report's heading names samples/demo.pcapng, not this machine's path.
sumscope=$(cd "$(dirname "$sumscope")" && pwd)/$(basename "$sumscope")
(cd "$root" && "$sumscope" -q --html "$work/demo.html" samples/demo.pcapng >/dev/null) ||
    [ $? -eq 1 ]
# Root in a container: Chromium needs --no-sandbox; no network, no profile.
"$chromium" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --hide-scrollbars --user-data-dir="$work/profile" \
    --screenshot="$work/demo.png" --window-size=1400,2000 \
    "file://$work/demo.html" >/dev/null 2>&1
[ -s "$work/demo.png" ] || { echo "screenshot.sh: no screenshot" >&2; exit 1; }
cp "$work/demo.png" "$out"
echo "wrote $out"
