#!/usr/bin/env python3
"""One story from three readers: every capture of the given sample folders
through sumscope (--json), through tshark + the SUM plugin in one pass and in
two (-z sum,alloc), and, on the second pass, through the GUI's allocation
ledger (-z sum_ledger,tree). All must report the same allocations (host,
family, port, cause, confidence) and the same findings (code, host, port,
connection attempts, confidence), since core decides and both front ends
only present.

usage: check_agree.py PLUGIN_SO SUMSCOPE SAMPLES_DIR [SAMPLES_DIR ...]
"""
import glob
import json
import os
import re
import subprocess
import sys

from tsharklib import Tshark

FINDING = re.compile(r"^\s+\w+\s+([A-Z_]+)\s+(\S+):(\d+)\s+\((\d+) attempts?, (\w+) confidence[,)]")
TREE_HOST = re.compile(r"^ (\S+) \(([\w-]+), (\w+) confidence\)\s+\d+")
TREE_ALLOC = re.compile(r"^  ([\w-]+) (\d+) ([\w-]+)(?: \([^)]*\))?, (\w+) confidence, first frame")
TREE_FINDING = re.compile(r"^ \w+ ([A-Z_]+) (\S+):(\d+) \(\w+ evidence\): .*?\s{2,}(\d+)\s")


def from_sumscope(exe, cap):
    p = subprocess.run([exe, "--json=-", cap], capture_output=True, text=True, timeout=300)
    if not p.stdout.strip():
        raise RuntimeError("sumscope gave no JSON on %s (exit %d): %s" %
                           (cap, p.returncode, p.stderr.strip()[-300:]))
    doc = json.loads(p.stdout)
    allocs = {(a["host"], a["family"], a["port"], a["cause"], a["confidence"])
              for a in doc["allocations"]}
    findings = {(f["code"], f["host"], f["port"], f["count"], f["confidence"])
                for f in doc["findings"]}
    return allocs, findings


def from_alloc_report(out):
    """Allocations and findings of a -z sum,alloc report."""
    allocs, findings, part = set(), set(), None
    for line in out.splitlines():
        if line.startswith("Host ") and "Family" in line:
            part = "alloc"
            continue
        if line.startswith("Findings:"):
            part = "findings"
            continue
        w = line.split()
        if part == "alloc" and len(w) >= 11 and w[2].isdigit():
            allocs.add((w[0], w[1], int(w[2]), w[5], w[8]))
        elif part == "findings":
            m = FINDING.match(line)
            if m:
                findings.add((m.group(1), m.group(2), int(m.group(3)), int(m.group(4)),
                              m.group(5)))
            elif w and w[0] in ("error", "warning", "info"):
                raise RuntimeError("finding line not understood: %s" % line[:80])
    return allocs, findings


def from_tree(out):
    """Allocations and findings (without confidence: the tree names it per
    allocation only) of the GUI's ledger tree."""
    allocs, findings, host, part = set(), set(), None, None
    for line in out.splitlines():
        if line.startswith("SUM allocation ledger"):
            part = "ledger"
        elif line.startswith("SUM findings"):
            part = "findings"
        elif part == "ledger" and TREE_HOST.match(line):
            host = TREE_HOST.match(line).group(1)
        elif part == "ledger" and TREE_ALLOC.match(line):
            m = TREE_ALLOC.match(line)
            allocs.add((host, m.group(1), int(m.group(2)), m.group(3), m.group(4)))
        elif part == "findings" and TREE_FINDING.match(line):
            m = TREE_FINDING.match(line)
            findings.add((m.group(1), m.group(2), int(m.group(3)), int(m.group(4))))
    return allocs, findings


def diff(name, what, want, got):
    return ["%s: %s %s %s" % (name, what, "lacks" if x in want else "adds", x)
            for x in sorted(want ^ got)]


def check(ts, exe, cap):
    name = os.path.basename(cap)
    want_a, want_f = from_sumscope(exe, cap)
    errs = []
    for label, extra in (("one pass", []), ("two passes", ["-2"])):
        p = ts.run(*extra, "-r", ts.readable(cap), "-q", "-z", "sum,alloc",
                   "-z", "sum_ledger,tree")
        if p.returncode != 0:
            errs.append("%s: tshark %s failed (exit %d): %s" %
                        (name, label, p.returncode, p.stderr[-300:]))
            continue
        got_a, got_f = from_alloc_report(p.stdout)
        errs += diff(name, "-z sum,alloc (%s)" % label, want_a, got_a)
        errs += diff(name, "-z sum,alloc findings (%s)" % label, want_f, got_f)
        if extra:
            tree_a, tree_f = from_tree(p.stdout)
            errs += diff(name, "ledger tree", want_a, tree_a)
            errs += diff(name, "findings tree", {f[:4] for f in want_f}, tree_f)
    return errs, len(want_a), len(want_f)


def main():
    plugin, exe, dirs = sys.argv[1], sys.argv[2], sys.argv[3:]
    ts = Tshark(plugin)
    caps = []
    for d in dirs:
        for t in sorted(glob.glob(os.path.join(d, "*.truth.json"))):
            with open(t) as f:
                caps.append(os.path.join(d, json.load(f)["capture"]))
    failed = allocs = findings = 0
    for cap in caps:
        errs, na, nf = check(ts, exe, cap)
        allocs += na
        findings += nf
        if errs:
            failed += 1
            print("FAIL %s" % os.path.basename(cap))
            for e in errs[:20]:
                print("     " + e)
        else:
            print("ok   %s (%d allocations, %d findings)" % (os.path.basename(cap), na, nf))
    print("%d of %d captures agree (%d allocations, %d findings)" %
          (len(caps) - failed, len(caps), allocs, findings))
    # A run over nothing proves nothing.
    if not caps or allocs == 0 or findings == 0:
        print("FAIL nothing compared")
        return 1
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
