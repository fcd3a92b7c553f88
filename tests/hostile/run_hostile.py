#!/usr/bin/env python3
"""Runs sumscope over the hostile capture corpus (make_hostile.py) and checks
each file gets its expected behaviour: a clear one-line file error with exit 2
and no output file left behind, or an analysis that counts the bad frames.

usage: run_hostile.py SUMSCOPE WORKDIR
"""
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))


def find_counter(obj, name):
    """The value of a counter NAME anywhere under the capture object."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            if k == name and isinstance(v, int):
                return v
            r = find_counter(v, name)
            if r is not None:
                return r
    return None


def main():
    sumscope, work = sys.argv[1], sys.argv[2]
    subprocess.run([sys.executable, os.path.join(HERE, "make_hostile.py"), work], check=True,
                   stdout=subprocess.DEVNULL)
    with open(os.path.join(work, "expect.json")) as f:
        expect = json.load(f)
    passed = failed = 0
    for name, exp in sorted(expect.items()):
        path = os.path.join(work, name)
        out = os.path.join(work, name + ".json")
        if os.path.exists(out):
            os.unlink(out)
        try:
            p = subprocess.run([sumscope, "--json=" + out, "--color=never", path],
                               capture_output=True, text=True, timeout=60)
        except subprocess.TimeoutExpired:
            print("FAIL %s: hang (over 60 s)" % name)
            failed += 1
            continue
        errs = []
        if p.returncode < 0:
            errs.append("killed by signal %d" % -p.returncode)
        elif p.returncode not in exp["exit"]:
            errs.append("exit %d, expected one of %s" % (p.returncode, exp["exit"]))
        if "runtime error" in p.stderr or "AddressSanitizer" in p.stderr:
            errs.append("sanitizer report")
        if p.returncode == 2:
            lines = [l for l in p.stderr.splitlines() if l.strip()]
            if not lines or name not in lines[0]:
                errs.append("error does not name the file: %r" % p.stderr[:200])
            if os.path.exists(out):
                errs.append("partial output file left behind")
            leftovers = [f for f in os.listdir(work) if f.startswith(name + ".json")]
            if leftovers:
                errs.append("temporary files left: %s" % leftovers)
        elif p.returncode in (0, 1, 3):
            try:
                with open(out) as f:
                    doc = json.load(f)
            except (OSError, ValueError) as e:
                errs.append("no JSON output: %s" % e)
                doc = None
            if doc is not None:
                # a hostile file whose frames are a SUM SYN ("story") may tell it
                if not exp.get("story") and (doc.get("allocations") or doc.get("findings")):
                    errs.append("SUM allocations or findings in a hostile file")
                cap = doc.get("capture", {})
                if "packets" in exp and cap.get("packets") != exp["packets"]:
                    errs.append("%s packets read, expected %d" % (cap.get("packets"),
                                                                  exp["packets"]))
                if "link_types" in exp and len(cap.get("link_types", [])) != exp["link_types"]:
                    errs.append("link types %s, expected %d of them" % (cap.get("link_types"),
                                                                       exp["link_types"]))
                names = ([exp["counter"]] if "counter" in exp else []) + exp.get("counter_any", [])
                if names:
                    vals = [find_counter(doc.get("capture", {}), n) or 0 for n in names]
                    if "counter" in exp and vals[0] <= 0:
                        errs.append("counter %s not counted" % exp["counter"])
                    if "counter_any" in exp and not any(vals[-len(exp["counter_any"]):]):
                        errs.append("none of %s counted" % exp["counter_any"])
        if errs:
            failed += 1
            print("FAIL %s (%s): %s" % (name, exp["why"], "; ".join(errs)))
        else:
            passed += 1
            print("ok   %s (%s): exit %d" % (name, exp["why"], p.returncode))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
