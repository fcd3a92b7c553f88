#!/usr/bin/env python3
"""Per sample: sumscope's JSON against the sample's ground truth. Every
allocation (host, family, port, base, cause, conflicting ports) and finding
(code, host, port) of the truth must be there, and nothing else; so must its
root causes (code, host) where the truth has them; the verdict (truth's
`verdict` where it has one) and the exit status must match; where the truth
has them, the capture's generation (classic, 7, 8, mixed) and each SUM
host's (generations) must be sumscope's too. Where the truth has a
capture_filter, the report must say the view is partial (a "host X" filter:
the view of X), and read again through that filter (-f) it must name the
filter and tell the same story. With --schema, every output is also
validated against docs/sumscope.schema.json.

usage: check_samples.py SUMSCOPE SAMPLES_DIR [--schema SCHEMA]
"""
import glob
import json
import os
import subprocess
import sys


def alloc_key(a):
    return (a["host"], a["family"], a["port"], a["base"], a["cause"],
            tuple(sorted(a["conflicting_ports"])))


# A truth's verdict and the words of sumscope's that meet it: "no SUM at
# all" is also met by "only low-confidence candidates, nothing established".
VERDICTS_OF = {"sum": ("sum",), "no-sum": ("no-sum", "candidates-only")}


def finding_key(f):
    return (f["code"], f["host"], f["port"])


def check_generations(truth, doc):
    """The truth's generation and generations (docs/generations.md), where it
    has them: the capture's, each SUM host's in "generations" and on its
    host record."""
    errs = []
    if "generation" in truth and doc.get("generation") != truth["generation"]:
        errs.append("generation %s, truth %s" % (doc.get("generation"), truth["generation"]))
    want = truth.get("generations")
    if want is None:
        return errs
    got = doc.get("generations", {})
    for host, gen in sorted(want.items()):
        if got.get(host) != gen:
            errs.append("SUM host %s: generation %s, truth %s" % (host, got.get(host), gen))
    for host in sorted(set(got) - set(want)):
        errs.append("SUM host %s has generation %s, the truth names no such SUM host" %
                    (host, got[host]))
    records = {h["address"]: h for h in doc["hosts"] if h["role"] == "sum-host"}
    for host, gen in sorted(want.items()):
        h = records.get(host)
        if h is not None and (h.get("generation") != gen or not h.get("generation_reason")):
            errs.append("SUM host %s: hosts[].generation %s (reason %r), truth %s" % (
                host, h.get("generation"), h.get("generation_reason"), gen))
    return errs


def root_key(c):
    return (c["code"], c["host"])


def story(doc):
    return (sorted(map(alloc_key, doc["allocations"])), sorted(map(finding_key, doc["findings"])),
            sorted(map(root_key, doc["root_causes"])))


def check_filter(exe, cap, truth, doc):
    """The capture_filter of the truth: the view without -f, and with it."""
    flt = truth["capture_filter"]
    errs = []
    view = doc["capture"]["view"]
    words = flt.split()
    if not view["partial"]:
        errs.append("capture through '%s': view not reported partial" % flt)
    if len(words) == 2 and words[0] == "host" and view["host"] not in (None, words[1]):
        errs.append("capture through '%s': view of %s" % (flt, view["host"]))
    p = subprocess.run([exe, "--json=-", "-f", flt, cap], capture_output=True, text=True,
                       timeout=120)
    if p.returncode not in (0, 1):
        return errs + ["-f '%s': exit %d: %s" % (flt, p.returncode, p.stderr.strip())]
    again = json.loads(p.stdout)
    if again["capture"]["filter"] != flt:
        errs.append("-f '%s': capture.filter is %r" % (flt, again["capture"]["filter"]))
    if not again["capture"]["view"]["partial"]:
        errs.append("-f '%s': view not reported partial" % flt)
    if story(again) != story(doc):
        errs.append("-f '%s': another story than without it" % flt)
    return errs


def main():
    exe, sdir = sys.argv[1], sys.argv[2]
    validator = None
    if "--schema" in sys.argv:
        import jsonschema
        with open(sys.argv[sys.argv.index("--schema") + 1]) as f:
            schema = json.load(f)
        jsonschema.Draft202012Validator.check_schema(schema)
        validator = jsonschema.Draft202012Validator(schema)
    passed = failed = 0
    for t in sorted(glob.glob(os.path.join(sdir, "*.truth.json"))):
        with open(t) as f:
            truth = json.load(f)
        cap = os.path.join(sdir, truth["capture"])
        p = subprocess.run([exe, "--json=-", cap], capture_output=True, text=True, timeout=120)
        errs = []
        if p.returncode not in (0, 1, 3):
            errs.append("exit %d: %s" % (p.returncode, p.stderr.strip()))
        else:
            doc = json.loads(p.stdout)
            # The truth's verdict, or the one its contents imply: a capture
            # with no SUM host, target, allocation or finding holds no SUM.
            verdict = truth.get("verdict")
            if verdict is None:
                empty = not (truth["sum_hosts"] or truth["targets"] or
                             truth["allocations"] or truth["findings"])
                verdict = "no-sum" if empty else "sum"
            elif doc.get("verdict") not in VERDICTS_OF[verdict]:
                errs.append("verdict %s, expected %s" % (doc.get("verdict"), verdict))
            # Exit 1 with findings, 3 with no SUM (docs/sumscope.1), else 0.
            want_exit = 1 if any(f["code"] for f in truth["findings"]) else \
                3 if verdict == "no-sum" else 0
            if p.returncode != want_exit:
                errs.append("exit %d, expected %d" % (p.returncode, want_exit))
            ta = set(map(alloc_key, truth["allocations"]))
            ga = set(map(alloc_key, doc["allocations"]))
            tf = set(map(finding_key, truth["findings"]))
            gf = set(map(finding_key, doc["findings"]))
            errs += ["missing allocation %s" % (x,) for x in sorted(ta - ga)]
            errs += ["extra allocation %s" % (x,) for x in sorted(ga - ta)]
            errs += ["missing finding %s" % (x,) for x in sorted(tf - gf)]
            errs += ["extra finding %s" % (x,) for x in sorted(gf - tf)]
            if "root_causes" in truth:
                tr = set(map(root_key, truth["root_causes"]))
                gr = set(map(root_key, doc["root_causes"]))
                errs += ["missing root cause %s" % (x,) for x in sorted(tr - gr)]
                errs += ["extra root cause %s" % (x,) for x in sorted(gr - tr)]
            if "capture_filter" in truth:
                errs += check_filter(exe, cap, truth, doc)
            hosts = {h["address"]: h["role"] for h in doc["hosts"]}
            for h in truth["sum_hosts"]:
                if hosts.get(h) != "sum-host":
                    errs.append("SUM host %s not identified" % h)
            for h in truth["targets"]:
                if hosts.get(h) != "target":
                    errs.append("target %s not identified" % h)
            if not truth["sum_hosts"] and doc["hosts"]:
                errs.append("hosts reported in a capture with no SUM")
            errs += check_generations(truth, doc)
            if validator is not None:
                for e in validator.iter_errors(doc):
                    errs.append("schema: %s at %s" % (e.message, list(e.absolute_path)))
                # The schema must be able to fail: a word outside the
                # vocabulary and an unknown member are both rejected.
                bad = json.loads(p.stdout)
                bad["profile"]["name"] = "classic-ish"
                bad["surprise"] = 1
                if len(list(validator.iter_errors(bad))) < 2:
                    errs.append("schema accepts a corrupted document")
        if errs:
            failed += 1
            print("FAIL %s" % truth["capture"])
            for e in errs:
                print("     " + e)
        else:
            passed += 1
            print("ok   %s" % truth["capture"])
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed or passed == 0 else 0


if __name__ == "__main__":
    sys.exit(main())
