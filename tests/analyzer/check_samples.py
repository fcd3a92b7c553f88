#!/usr/bin/env python3
"""Per sample: sumscope's JSON against the sample's ground truth. Every
allocation (host, family, port, base, cause, conflicting ports) and finding
(code, host, port) of the truth must be there, and nothing else; so must its
root causes (code, host) where the truth has them. Where the truth has a
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


def finding_key(f):
    return (f["code"], f["host"], f["port"])


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
        if p.returncode not in (0, 1):
            errs.append("exit %d: %s" % (p.returncode, p.stderr.strip()))
        else:
            doc = json.loads(p.stdout)
            want_exit = 1 if any(f["code"] for f in truth["findings"]) else 0
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
