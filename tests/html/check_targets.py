#!/usr/bin/env python3
"""The HTML report of a deployment to 1,000 targets (make_deployment.py):
what failed and the findings come before the timeline, each group names all
its targets, the targets table gives every target the generator's status,
bootstrap lanes and the thousand control lanes are folded (<details>), and
the file stays small and fast: its size, and the time headless Chromium
takes to load it (the onload of a frame holding it, in a harness page that
may run script; the report itself has none), printed and bounded.

usage: check_targets.py SUMSCOPE MAKE_DEPLOYMENT WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

exe, gen, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
MAX_BYTES = 6 << 20      # 1,000 targets: about 3 MB
MAX_LOAD_MS = 8000       # about 2 s on a 2-core VM
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:300]))


pcap, truth_path = os.path.join(work, "d1000.pcap"), os.path.join(work, "d1000.truth.json")
html = os.path.join(work, "d1000.html")
subprocess.run([sys.executable, gen, "1000", pcap, "--truth", truth_path], check=True,
               capture_output=True)
truth = json.load(open(truth_path))["targets"]
p = subprocess.run([exe, "-q", "--html", html, pcap], capture_output=True, text=True,
                   timeout=300)
check("rendered", p.returncode == 1 and os.path.getsize(html) > 0, p.stderr)
page = open(html).read()
size = len(page.encode())
print("note: 1000 targets: %d bytes of HTML" % size)
check("under %d MB" % (MAX_BYTES >> 20), size < MAX_BYTES, size)

pos = lambda s: page.find(s)
check("what failed, then the findings, then the timeline",
      0 < pos('id="failed"') < pos('id="findings"') < pos("<h2>Timeline</h2>"))
groups = re.findall(r'<li class="group status-(\w[\w-]*)"[^>]*data-port="(\d+)" '
                    r'data-targets="(\d+)">.*?<span class="targets">([^<]*)</span>', page)
blocked = sorted(a for a, s in truth.items() if s == "blocked")
g = [x for x in groups if x[0] == "blocked" and x[1] == "61001"]
check("the dropped callbacks: one group naming every blocked target",
      len(g) == 1 and int(g[0][2]) == len(blocked) and
      sorted(g[0][3].split(", ")) == blocked, groups[:2])
rows = {a: s for s, a in re.findall(r'<tr class="target status-([\w-]+)" data-target="([^"]+)"',
                                    page)}
check("the targets table: every target, its status the generator's", rows == truth,
      sorted((a, rows.get(a), s) for a, s in truth.items() if rows.get(a) != s)[:3])
check("the targets table starts folded", '<details id="targets">' in page)
folded = re.findall(r'<details class="lanes" data-family="(\w+)"', page)
check("bootstrap and control lanes folded", "bootstrap" in folded and "control" in folded,
      folded)
main = page[pos("<h2>Timeline</h2>"):pos('<details class="lanes"')]
check("the open chart keeps message, callback and firmware only",
      set(re.findall(r'<g class="lane \w+" data-family="(\w+)"', main)) ==
      {"message", "callback", "firmware"})

chromium = shutil.which("chromium") or shutil.which("chromium-browser")
if chromium:
    harness = os.path.join(work, "harness.html")
    open(harness, "w").write(
        "<html><body><iframe style='width:1400px;height:2000px' src='d1000.html' "
        "onload=\"document.body.setAttribute('data-ms', Math.round(performance.now()))\">"
        "</iframe></body></html>")
    times = []
    for _ in range(3):
        prof = tempfile.mkdtemp(prefix="sumscope-chromium.")
        r = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu",
                            "--no-first-run", "--disable-background-networking",
                            "--disable-component-update", "--disable-sync",
                            "--user-data-dir=" + prof, "--window-size=1400,2000",
                            "--dump-dom", "file://" + harness],
                           capture_output=True, text=True, timeout=120)
        shutil.rmtree(prof, ignore_errors=True)
        m = re.search(r'data-ms="(\d+)"', r.stdout)
        if m:
            times.append(int(m.group(1)))
    print("note: 1000 targets: loaded in %s ms (headless Chromium, 3 runs)" % times)
    check("loads in headless Chromium within %d ms" % MAX_LOAD_MS,
          times and min(times) < MAX_LOAD_MS, times)
else:
    print("note: chromium not installed: the load time is not measured")

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
