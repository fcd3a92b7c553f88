#!/usr/bin/env python3
"""The HTML report (analyzer/report-html.c), checked in headless Chromium.

samples: sumscope --html on every samples/*.truth.json capture; against the truth:
the DOM (--dump-dom) has a lane for every allocation's port on its host, an
overflow marker for every overflow allocation, a conflict marker for every
conflict, a blocked bar for every PORT_BLOCKED finding and a refused bar for
every PORT_REFUSED one; the screenshot is not blank; the file is well-formed
(XML parser), has no HTML error but libxml2's unknown SVG tags, no script and
no external URL.
stress: the report html_stress writes (20 targets, hundreds of connections, an
IPv6 SUM host): at least 40 lanes and 300 bars, and in each timeline the
gutter labels (lane and family labels) are at distinct heights, a line of
text apart.
libxml2's HTML parser (xmllint --html) knows no SVG element: its "Tag svg
invalid" and the like are the only messages accepted; the file must also be
well-formed XML. Exit 77 (skipped) when chromium is missing, after the
static checks.

usage: check_html.py samples SUMSCOPE SAMPLES_DIR WORK_DIR
       check_html.py stress HTML_STRESS WORK_DIR
"""
import glob
import json
import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from concurrent.futures import ThreadPoolExecutor
from html.parser import HTMLParser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--hide-scrollbars"]


GUTTER_CHARS = 32  # lane label characters that fit report-html.c's 230 px gutter


def chromium(*args):
    prof = tempfile.mkdtemp(prefix="sumscope-chromium.")
    try:
        return subprocess.run([CHROMIUM, *FLAGS, "--user-data-dir=" + prof, *args],
                              capture_output=True, text=True, errors="replace", timeout=120)
    finally:
        shutil.rmtree(prof, ignore_errors=True)


class Dom(HTMLParser):
    """Collects the elements with a class, with their attributes."""

    def __init__(self):
        super().__init__()
        self.els = []
        self.svg = 0
        self.open = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        a["_tag"] = tag
        if tag == "svg":
            self.svg += 1
        a["_svg"] = self.svg
        a["_text"] = ""
        if tag in ("text", "tspan"):
            self.open.append(a)
        a["_classes"] = set((a.get("class") or "").split())
        self.els.append(a)

    def handle_endtag(self, tag):
        if tag in ("text", "tspan") and self.open:
            self.open.pop()

    def handle_data(self, data):
        for a in self.open:
            a["_text"] += data

    def find(self, cls, **attrs):
        return [e for e in self.els if cls in e["_classes"] and
                all(e.get(k.replace("_", "-")) == v for k, v in attrs.items())]


def png_colours(path):
    """Distinct colours in a PNG (8-bit RGB/RGBA, non-interlaced), sampled."""
    data = open(path, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    pos, idat, w = 8, b"", 0
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + n]
        if kind == b"IHDR":
            w, h, depth, ctype = struct.unpack(">IIBB", body[:10])
        elif kind == b"IDAT":
            idat += body
        pos += 12 + n
    bpp = {2: 3, 6: 4}[ctype]
    raw = zlib.decompress(idat)
    stride = w * bpp + 1
    colours, prev = set(), bytearray(w * bpp)
    for y in range(h):
        f, line = raw[y * stride], bytearray(raw[y * stride + 1:(y + 1) * stride])
        for i in range(len(line)):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if f == 1:
                line[i] = (line[i] + a) & 255
            elif f == 2:
                line[i] = (line[i] + b) & 255
            elif f == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif f == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 255
        if y % 7 == 0:
            for x in range(0, w, 5):
                colours.add(bytes(line[x * bpp:x * bpp + 3]))
        prev = line
    return len(colours)


def static_checks(path):
    errs = []
    text = open(path, encoding="utf-8").read()
    if re.search(r"<script", text, re.I):
        errs.append("contains a script")
    for m in re.finditer(r"""(?:src|href)\s*=\s*["']([^"']*)""", text, re.I):
        errs.append("external reference: %s" % m.group(1))
    if re.search(r"url\(", text):
        errs.append("CSS url() reference")
    if re.search(r"https?://", text):
        errs.append("a URL in the document")
    p = subprocess.run(["xmllint", "--noout", path], capture_output=True, text=True)
    if p.returncode != 0:
        errs.append("not well-formed: %s" % p.stderr[:300])
    p = subprocess.run(["xmllint", "--html", "--noout", path], capture_output=True, text=True)
    if p.returncode != 0:
        errs.append("xmllint --html exit %d" % p.returncode)
    other = [l for l in p.stderr.splitlines() if "error" in l and
             not re.search(r"Tag (svg|g|rect|line|text|tspan|path|title|details|summary) invalid", l)]
    if other:
        errs.append("HTML errors: %s" % other[:3])
    return errs


def render(html, png):
    url = "file://" + os.path.abspath(html)
    p = chromium("--dump-dom", url)
    dom = Dom()
    dom.feed(p.stdout)
    chromium("--screenshot=" + png, "--window-size=1400,2000", url)
    return dom


def check_sample(exe, truth, sdir, work):
    name = truth["capture"]
    html = os.path.join(work, name + ".html")
    png = os.path.join(work, name + ".png")
    p = subprocess.run([exe, "-q", "--html", html, os.path.join(sdir, name)],
                       capture_output=True, text=True)
    if p.returncode not in (0, 1, 3):
        return ["sumscope exit %d: %s" % (p.returncode, p.stderr)]
    errs = static_checks(html)
    # No SUM is a verdict of its own: what was looked for and what to check.
    no_sum = not (truth["sum_hosts"] or truth["targets"] or truth["allocations"] or
                  truth["findings"])
    text = open(html, encoding="utf-8").read()
    if no_sum != ('id="no-sum"' in text and "Looked for" in text):
        errs.append("no-SUM section %s" % ("missing" if no_sum else "in a report with SUM"))
    if no_sum and "port plan <b>" in text:
        errs.append("a port plan named as if the capture had shown one")
    if CHROMIUM is None:
        return errs
    dom = render(html, png)
    if not dom.els:
        return errs + ["chromium rendered nothing"]
    for a in truth["allocations"]:
        if not dom.find("lane", data_host=a["host"], data_port=str(a["port"]),
                        data_family=a["family"]):
            errs.append("no lane for %s %s:%d" % (a["family"], a["host"], a["port"]))
        if a["cause"] in ("overflow", "conflict"):
            if not dom.find("marker-" + a["cause"], data_port=str(a["port"])):
                errs.append("no %s marker on %d" % (a["cause"], a["port"]))
    for f in truth["findings"]:
        want = {"PORT_BLOCKED": "outcome-blocked", "PORT_REFUSED": "outcome-refused"}.get(
            f["code"])
        if want and not dom.find(want, data_host=f["host"], data_port=str(f["port"])):
            errs.append("no %s bar for %s %s:%d" % (want, f["code"], f["host"], f["port"]))
    if not truth["sum_hosts"] and dom.find("bar"):
        errs.append("bars in a report of a capture with no SUM")
    if not os.path.exists(png):
        errs.append("no screenshot")
    elif png_colours(png) < 8:
        errs.append("blank screenshot")
    return errs


def check_stress(stress, work):
    html = os.path.join(work, "stress.html")
    p = subprocess.run([stress, html], capture_output=True, text=True)
    if p.returncode != 0:
        return ["html_stress failed: %s" % p.stderr]
    errs = static_checks(html)
    if CHROMIUM is None:
        return errs
    png = os.path.join(work, "stress.png")
    dom = render(html, png)
    lanes = dom.find("lane")
    bars = dom.find("bar")
    if len(lanes) < 40 or len(bars) < 300:
        errs.append("stress: %d lanes, %d bars" % (len(lanes), len(bars)))
    if not dom.find("marker-overflow") or not dom.find("outcome-blocked"):
        errs.append("stress: no overflow marker or no blocked bar")
    svgs = {e["_svg"] for e in dom.find("timeline")}
    if len(svgs) < 2:
        errs.append("stress: %d timelines, expected one per SUM host (2)" % len(svgs))
    for svg in svgs:
        labels = [e for e in dom.els if e["_svg"] == svg and
                  e["_classes"] & {"lane-label", "family-label"}]
        ys = sorted(float(e["y"]) for e in labels)
        if len(set(ys)) != len(ys):
            errs.append("stress: gutter labels collide in timeline %d" % svg)
        if any(b - a < 11 for a, b in zip(ys, ys[1:])):
            errs.append("stress: gutter labels closer than a line of text")
        # The gutter is 230 px; 11 px text is at most ~7 px a character.
        long = [e["_text"] for e in labels if "lane-label" in e["_classes"] and
                len(e["_text"]) > GUTTER_CHARS]
        if long:
            errs.append("stress: lane labels wider than the gutter: %s" % long[:2])
    if png_colours(png) < 8:
        errs.append("stress: blank screenshot")
    return errs


def report(name, errs):
    print(("FAIL " if errs else "ok   ") + name)
    for e in errs:
        print("     " + e)
    return not errs


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("samples", "stress"):
        print(__doc__)
        return 2
    mode, work = sys.argv[1], sys.argv[-1]
    os.makedirs(work, exist_ok=True)
    if mode == "stress":
        ok = report("stress: 20 targets, hundreds of connections",
                    check_stress(sys.argv[2], work))
    else:
        exe, sdir = sys.argv[2:4]
        truths = [json.load(open(t))
                  for t in sorted(glob.glob(os.path.join(sdir, "*.truth.json")))]
        if not truths:
            print("no sample in %s" % sdir)
            return 1
        with ThreadPoolExecutor(max_workers=4) as pool:
            results = list(pool.map(lambda t: check_sample(exe, t, sdir, work), truths))
        ok = all([report(t["capture"], e) for t, e in zip(truths, results)])
        print("%d samples, %d failed" % (len(truths), sum(bool(e) for e in results)))
    if not ok:
        return 1
    if CHROMIUM is None:
        print("SKIP chromium not installed: only the static checks ran")
        return 77
    return 0


if __name__ == "__main__":
    sys.exit(main())
