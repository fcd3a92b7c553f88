#!/usr/bin/env python3
"""Over every sample: sumscope never tells one generation's story in another's
words (docs/generations.md). A SUM host of a 7.x or 8.x capture gets no
classic family (message, control, callback, ipc, firmware) in its channels,
allocations or findings, and a classic SUM host no web; each SUM host of the
truth is read with its truth's generation (truth files without generation
are of the classic SUM); and the port plan sumscope names for the capture is
the truth's. Samples whose SUM hosts sumscope does not identify yet
(samples/next) are checked for what it does say.

usage: check_generations.py SUMSCOPE SAMPLES_DIR [SAMPLES_DIR ...]
"""
import glob
import json
import os
import subprocess
import sys

FAMILIES = {
    "classic": {"bootstrap", "message", "control", "callback", "ipc", "firmware"},
    "7": {"bootstrap", "web"},
    "8": {"bootstrap", "web"},
}


def truth_generations(truth):
    """Each SUM host's generation: the truth's, else classic (the first
    samples' truth files predate the member and are all classic)."""
    if "generations" in truth:
        return dict(truth["generations"])
    return {h: "classic" for h in truth["sum_hosts"]}


def check(truth, doc):
    errs = []
    gens = truth_generations(truth)
    targets_of = {}
    for ch in doc["channels"]:
        targets_of.setdefault(ch["target"], set()).add(ch["sum_host"])
    # Channels: the SUM host's plan's families only.
    for ch in doc["channels"]:
        g = gens.get(ch["sum_host"])
        if g is not None and ch["family"] not in FAMILIES[g]:
            errs.append("SUM host %s (%s): a %s channel %s:%s -> %s:%s" % (
                ch["sum_host"], g, ch["family"], ch["client"], ch["client_port"],
                ch["server"], ch["server_port"]))
    # Allocations and findings: on the SUM host, or on a target of it.
    def owners(host):
        return {host} if host in gens else targets_of.get(host, set())
    for kind in ("allocations", "findings"):
        for x in doc[kind]:
            for h in owners(x["host"]):
                g = gens.get(h)
                if g is not None and x["family"] not in FAMILIES[g]:
                    errs.append("SUM host %s (%s): a %s %s on %s:%s" % (
                        h, g, x["family"], kind[:-1], x["host"], x["port"]))
    # The plan each SUM host is read with, and the capture's.
    for h in doc["hosts"]:
        if h["role"] == "sum-host" and h["address"] in gens and \
                h["generation"] != gens[h["address"]]:
            errs.append("SUM host %s read with plan %s, truth %s" % (
                h["address"], h["generation"], gens[h["address"]]))
    found = {h["address"] for h in doc["hosts"] if h["role"] == "sum-host"}
    want = set(gens.values()) if gens else set()
    if found >= set(gens) and gens:
        capture = want.pop() if len(want) == 1 else "mixed"
        if doc["generation"] != truth.get("generation", capture):
            errs.append("capture generation %s, truth %s" % (
                doc["generation"], truth.get("generation", capture)))
    if not truth["sum_hosts"] and doc["generation"] is not None:
        errs.append("a capture with no SUM has generation %s" % doc["generation"])
    return errs


def main():
    exe, dirs = sys.argv[1], sys.argv[2:]
    passed = failed = 0
    for sdir in dirs:
        for t in sorted(glob.glob(os.path.join(sdir, "*.truth.json"))):
            with open(t) as f:
                truth = json.load(f)
            cap = os.path.join(sdir, truth["capture"])
            p = subprocess.run([exe, "--json=-", cap], capture_output=True, text=True,
                               timeout=120)
            name = os.path.relpath(cap, os.path.dirname(os.path.abspath(sdir)))
            if p.returncode not in (0, 1, 3):
                errs = ["exit %d: %s" % (p.returncode, p.stderr.strip())]
            else:
                errs = check(truth, json.loads(p.stdout))
            if errs:
                failed += 1
                print("FAIL %s" % name)
                for e in errs:
                    print("     " + e)
            else:
                passed += 1
                print("ok   %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
