#!/usr/bin/env python3
"""Severity that scripts can use (issue 12, rule 8): a fallback that worked
is a warning, a port that blocked or refused SUM an error, in every sample's
JSON; --fail-on=error|warning|never chooses what gives exit 1, on a capture
with warnings only (msg-conflict), one with errors (blocked), one with
neither (msg-base) and one with no SUM (no-sum, exit 3 whatever --fail-on).

usage: check_fail_on.py SUMSCOPE SAMPLES_DIR
"""
import glob
import json
import os
import subprocess
import sys

exe, samples = sys.argv[1], sys.argv[2]
results = []
RULE = {"PORT_CONFLICT": "warning", "RANGE_OVERFLOW": "warning",
        "PORT_BLOCKED": "error", "PORT_REFUSED": "error"}


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:300]))


def run(*args):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=120)


def S(name):
    return os.path.join(samples, name)


# The rule, on what every sample's findings say.
wrong = []
for cap in sorted(glob.glob(S("*.pcap")) + glob.glob(S("*.pcapng"))):
    p = run("--json=-", "--fail-on=never", cap)
    if p.returncode not in (0, 3):
        wrong.append((os.path.basename(cap), "exit %d" % p.returncode))
        continue
    for f in json.loads(p.stdout)["findings"]:
        if f["code"] in RULE and f["severity"] != RULE[f["code"]]:
            wrong.append((os.path.basename(cap), f["code"], f["severity"]))
check("every sample: conflicts and overflows are warnings, blocked and refused errors, "
      "and --fail-on=never exits 0 or 3", not wrong, wrong)

# What each capture holds, so that the statuses below mean something.
sev = {}
for name in ("msg-conflict.pcap", "blocked.pcap", "msg-base.pcap"):
    d = json.loads(run("--json=-", S(name)).stdout)
    sev[name] = {f["severity"] for f in d["findings"]}
check("msg-conflict has warnings and no error",
      sev["msg-conflict.pcap"] == {"warning"}, sev["msg-conflict.pcap"])
check("blocked has an error", "error" in sev["blocked.pcap"], sev["blocked.pcap"])
check("msg-base has no finding", not sev["msg-base.pcap"], sev["msg-base.pcap"])

WANT = {  # capture -> {--fail-on value (None: not given): exit}
    "msg-conflict.pcap": {None: 1, "warning": 1, "error": 0, "never": 0},
    "blocked.pcap": {None: 1, "warning": 1, "error": 1, "never": 0},
    "msg-base.pcap": {None: 0, "warning": 0, "error": 0, "never": 0},
    "no-sum.pcap": {None: 3, "warning": 3, "error": 3, "never": 3},
}
for name, by in WANT.items():
    for value, want in by.items():
        args = ([] if value is None else ["--fail-on=" + value]) + [S(name)]
        p = run(*args)
        check("%s %s: exit %d" % (name, "--fail-on=%s" % value if value else "(default)", want),
              p.returncode == want, "exit %d %s" % (p.returncode, p.stderr))
p = run("--fail-on", "ERROR", S("msg-conflict.pcap"))
check("--fail-on takes its word in any case", p.returncode == 0, p.returncode)
p = run("--fail-on=sometimes", S("blocked.pcap"))
check("--fail-on with a bad value: exit 2, one line naming the option and the value",
      p.returncode == 2 and "--fail-on" in p.stderr and "sometimes" in p.stderr and
      len(p.stderr.strip().splitlines()) == 1, p.stderr)
p = run("--each", S("no-sum.pcap"), S("msg-base.pcap"))
check("--each: no SUM in one file and a clean one: exit 3", p.returncode == 3, p.returncode)
p = run("--each", S("no-sum.pcap"), S("blocked.pcap"))
check("--each: findings outrank no SUM: exit 1", p.returncode == 1, p.returncode)
p = run("--each", "--fail-on=never", S("no-sum.pcap"), S("blocked.pcap"))
check("--each --fail-on=never: exit 3", p.returncode == 3, p.returncode)
p = run("--help")
check("--help documents --fail-on and exit 3",
      "--fail-on" in p.stdout and "3 no SUM traffic" in p.stdout, p.stdout[-400:])

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
