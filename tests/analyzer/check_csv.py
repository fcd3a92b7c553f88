#!/usr/bin/env python3
"""sumscope --csv DIR / --tsv DIR: the tables read back with Python's csv
module equal the JSON report of the same run, row for row and column for
column; a capture in DIR is never written over (nor anything else then);
bad input leaves no file.

usage: check_csv.py SUMSCOPE SAMPLES_DIR WORK_DIR
"""
import csv
import json
import os
import shutil
import subprocess
import sys

exe, samples, work = sys.argv[1:4]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:400]))


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


S = lambda n: os.path.join(samples, n)


def cell(v):
    """A JSON value as the tables write it."""
    if v is None:
        return ""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return " ".join(cell(x) for x in v)
    return str(v)


def frame(at, several):
    if at is None:
        return ""
    return "%d#%d" % (at["file"] + 1, at["frame"]) if several else str(at["frame"])


def expected(doc):
    several = len(doc["capture"]["files"]) > 1
    fr = lambda at: frame(at, several)
    frs = lambda ats: " ".join(fr(a) for a in ats)
    alloc = [{"host": a["host"], "family": a["family"], "port": cell(a["port"]),
              "base": cell(a["base"]), "offset": cell(a["offset"]),
              "range_end": cell(a["range_end"]), "cause": a["cause"],
              "conflicting_ports": cell(a["conflicting_ports"]),
              "evidence": a["evidence"]["kind"], "confidence": a["confidence"],
              "session": cell(a["session"]), "first_peer": cell(a["first_peer"]),
              "connections": cell(a["evidence"]["connections"]),
              "first": cell(a["evidence"]["first"]), "last": cell(a["evidence"]["last"]),
              "first_frame": fr(a["evidence"]["first_frame_at"]),
              "frames": frs(a["evidence"]["frames_at"])} for a in doc["allocations"]]
    find = [{"code": f["code"], "severity": f["severity"], "host": cell(f["host"]),
             "port": cell(f["port"]), "family": f["family"], "peer": cell(f["peer"]),
             "message": f["message"], "advice": cell(f["advice"]), "evidence": f["evidence"],
             "count": cell(f["count"]), "first": cell(f["first"]),
             "frames": frs(f["frames_at"])} for f in doc["findings"]]
    keys = ["family", "transport", "client", "client_port", "server", "server_port",
            "sum_host", "target", "port", "state", "client_payload", "server_payload",
            "syn_count", "session", "confidence"]
    chan = []
    for c in doc["channels"]:
        row = {k: cell(c[k]) for k in keys}
        row.update({"first_frame": fr(c["first_frame_at"]), "last_frame": fr(c["last_frame_at"]),
                    "first": cell(c["first"]), "last": cell(c["last"]),
                    "packets": cell(c["packets"]), "bytes": cell(c["bytes"]),
                    "allocation": cell(c["allocation"]),
                    "peer_allocation": cell(c["peer_allocation"]),
                    "search_step": cell(c["search_step"])})
        chan.append(row)
    targ = []
    for t in doc["targets"]:
        i = t["issues"][0] if t["issues"] else None
        targ.append({"target": t["address"], "status": t["status"],
                     "sum_host": cell(t["sum_host"]), "connections": cell(t["connections"]),
                     "first_frame": fr(t["first_frame_at"]), "issues": cell(len(t["issues"])),
                     "issue_family": i["family"] if i else "", "issue_host": i["host"] if i else "",
                     "issue_port": cell(i["port"]) if i else "",
                     "issue_used": cell(i["used"]) if i else ""})
    return {"allocations": alloc, "findings": find, "channels": chan, "targets": targ}


def read(path, tsv):
    with open(path, newline="") as f:
        raw = f.read()
    rows = list(csv.DictReader(raw.splitlines(keepends=True),
                               dialect="excel-tab" if tsv else "excel"))
    return raw, rows


cases = [("demo", [S("demo.pcapng")]), ("overflow", [S("msg-overflow.pcap")]),
         ("moved", [S("control-moved.pcap")]), ("v6", [S("ipv6.pcapng")]),
         ("two files", [S("msg-base.pcap"), S("blocked.pcap")])]
for name, files in cases:
    for tsv in (False, True):
        d = os.path.join(work, "%s-%s" % (name.replace(" ", "-"), "tsv" if tsv else "csv"))
        js = os.path.join(work, name.replace(" ", "-") + ".json")
        p = run("--json=" + js, "--tsv" if tsv else "--csv", d, *files)
        if p.returncode not in (0, 1, 3):
            check("%s: analysed" % name, False, p.stderr)
            continue
        want = expected(json.load(open(js)))
        ext = ".tsv" if tsv else ".csv"
        for table, rows in want.items():
            raw, got = read(os.path.join(d, table + ext), tsv)
            check("%s%s %s: %d rows equal the JSON" % (name, ext, table, len(rows)),
                  got == rows, [(g, w) for g, w in zip(got, rows) if g != w][:1] or
                  (len(got), len(rows)))
            if not tsv and table == "allocations":
                check("%s.csv: CRLF line ends (RFC 4180)" % name,
                      raw.endswith("\r\n") and "\n" not in raw.replace("\r\n", ""))
doc = json.load(open(os.path.join(work, "demo.json")))
check("demo: messages with commas and quotes are in the findings",
      any("," in f["message"] for f in doc["findings"]) and
      any("'" in (f["advice"] or "") for f in doc["findings"]))
check("demo: the targets table has a blocked one", any(t["status"] == "blocked"
                                                        for t in doc["targets"]))

# A capture in the folder: refused, unchanged, and nothing else written.
d = os.path.join(work, "guarded")
os.makedirs(d)
shutil.copy(S("blocked.pcap"), os.path.join(d, "findings.csv"))
before = open(os.path.join(d, "findings.csv"), "rb").read()
p = run("--csv", d, S("demo.pcapng"))
check("a capture named findings.csv: exit 2, one line naming it",
      p.returncode == 2 and "findings.csv" in p.stderr and
      len(p.stderr.strip().splitlines()) == 1, p.stderr)
check("the capture is untouched and no other table written",
      open(os.path.join(d, "findings.csv"), "rb").read() == before and
      sorted(os.listdir(d)) == ["findings.csv"], os.listdir(d))
pcapng = os.path.join(work, "copy.pcapng")
shutil.copy(S("demo.pcapng"), pcapng)
p = run("--html", pcapng, S("msg-base.pcap"))
check("--html onto a pcapng: exit 2, the capture untouched",
      p.returncode == 2 and "copy.pcapng" in p.stderr and
      open(pcapng, "rb").read() == open(S("demo.pcapng"), "rb").read(), p.stderr)
p = run("--json=" + pcapng, S("msg-base.pcap"))
check("--json onto a pcapng: exit 2", p.returncode == 2, p.stderr)
# A table that is not a capture is replaced.
d = os.path.join(work, "replace")
os.makedirs(d)
open(os.path.join(d, "targets.csv"), "w").write("old\n")
p = run("--csv", d, S("blocked.pcap"))
check("an old table is replaced", p.returncode == 1 and
      open(os.path.join(d, "targets.csv")).read().startswith("target,status"))
# Bad input: no table left behind.
junk = os.path.join(work, "junk.pcap")
open(junk, "w").write("not a capture\n" * 10)
d = os.path.join(work, "junk-out")
p = run("--csv", d, junk)
check("not a capture: exit 2, no table", p.returncode == 2 and
      (not os.path.exists(d) or not os.listdir(d)), p.stderr)
p = run("--csv", S("demo.pcapng"), S("msg-base.pcap"))
check("--csv onto a file: exit 2 naming it", p.returncode == 2 and "demo.pcapng" in p.stderr,
      p.stderr)

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
