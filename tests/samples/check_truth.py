#!/usr/bin/python3
"""Check every samples/*.truth.json against its capture, with tshark.

    python3 tests/samples/check_truth.py <samples_dir>

For each truth file: the capture exists and `tshark -r` reads it without
error; every truth flow is in the capture with the expected outcome
(answered = SYN-ACK seen; reset = RST answering the SYN, no SYN-ACK;
unanswered = SYN(s), no answer; UDP: a datagram client -> server); every
allocation's port shows in some packet of that host (ipc: on loopback, where
the SUM host's IPC lives); the truth's fields follow docs/reconstruction.md.
Exit status 1 on any mismatch, 2 on usage errors. Last line:
`N passed, M failed`.
"""

import glob
import json
import os
import subprocess
import sys

FAMILIES = {"bootstrap", "control", "message", "callback", "ipc", "firmware"}
CAUSES = {"default", "concurrent", "ipc-reserved", "conflict", "overflow"}
CODES = {"PORT_CONFLICT", "RANGE_OVERFLOW", "PORT_BLOCKED", "PORT_REFUSED",
         "NOT_SUM_SERVICE"}
OUTCOMES = {"answered", "reset", "unanswered"}
LOOPBACK = {"127.0.0.1", "::1"}
FIELDS = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset"]


def read_capture(path):
    cmd = ["tshark", "-n", "-r", path, "-T", "fields", "-E", "separator=\t",
           "-E", "occurrence=f"]
    for f in FIELDS:
        cmd += ["-e", f]
    r = subprocess.run(cmd, capture_output=True, text=True)
    err = "\n".join(line for line in r.stderr.splitlines()
                    if "Running as user" not in line and line.strip())
    if r.returncode != 0 or err:
        raise ValueError("tshark -r failed (rc %d): %s" % (r.returncode, err))
    pkts = []
    for line in r.stdout.splitlines():
        v = (line.split("\t") + [""] * len(FIELDS))[:len(FIELDS)]
        d = dict(zip(FIELDS, v))
        src = d["ip.src"] or d["ipv6.src"]
        dst = d["ip.dst"] or d["ipv6.dst"]
        if d["tcp.srcport"]:
            proto, sp, dp = "tcp", int(d["tcp.srcport"]), int(d["tcp.dstport"])
        elif d["udp.srcport"]:
            proto, sp, dp = "udp", int(d["udp.srcport"]), int(d["udp.dstport"])
        else:
            continue

        def flag(name):
            return d[name] in ("1", "True", "true")
        pkts.append({"proto": proto, "src": src, "dst": dst, "sp": sp, "dp": dp,
                     "syn": flag("tcp.flags.syn"), "ack": flag("tcp.flags.ack"),
                     "rst": flag("tcp.flags.reset")})
    return pkts


def norm(addr):
    return addr.lower()


def flow_outcome(pkts, f):
    c, cp, s, sp = norm(f["client"]), f["client_port"], norm(f["server"]), f["server_port"]
    fwd = [p for p in pkts if p["proto"] == f["transport"] and norm(p["src"]) == c
           and p["sp"] == cp and norm(p["dst"]) == s and p["dp"] == sp]
    back = [p for p in pkts if p["proto"] == f["transport"] and norm(p["src"]) == s
            and p["sp"] == sp and norm(p["dst"]) == c and p["dp"] == cp]
    if f["transport"] == "udp":
        return "present" if fwd else "absent"
    if not any(p["syn"] and not p["ack"] for p in fwd):
        return "no SYN"
    if any(p["syn"] and p["ack"] for p in back):
        return "answered"
    if any(p["rst"] for p in back):
        return "reset"
    return "unanswered"


def port_seen(pkts, host, port, family):
    hosts = LOOPBACK if family == "ipc" else {norm(host)}
    return any((norm(p["src"]) in hosts and p["sp"] == port) or
               (norm(p["dst"]) in hosts and p["dp"] == port) for p in pkts)


def check_schema(t):
    errs = []
    for k in ("capture", "scenario", "sum_hosts", "targets", "allocations", "findings",
              "flows"):
        if k not in t:
            errs.append("missing key %s" % k)
    if errs:
        return errs
    for a in t["allocations"]:
        if a.get("family") not in FAMILIES or a.get("cause") not in CAUSES:
            errs.append("bad allocation %r" % a)
        if set(a) != {"host", "family", "port", "base", "cause", "conflicting_ports"}:
            errs.append("allocation keys %r" % sorted(a))
    for f in t["findings"]:
        if f.get("code") not in CODES or set(f) != {"code", "host", "port"}:
            errs.append("bad finding %r" % f)
    for f in t["flows"]:
        if (set(f) != {"client", "client_port", "server", "server_port", "transport",
                       "outcome", "sum"} or f["outcome"] not in OUTCOMES
                or f["transport"] not in ("tcp", "udp") or not isinstance(f["sum"], bool)):
            errs.append("bad flow %r" % f)
    if not t["sum_hosts"] and (t["allocations"] or t["findings"]):
        errs.append("allocations or findings without a SUM host")
    return errs


def check_one(sdir, truth_path):
    with open(truth_path) as fh:
        t = json.load(fh)
    errs = check_schema(t)
    if errs:
        return errs
    cap = os.path.join(sdir, t["capture"])
    if not os.path.isfile(cap):
        return ["capture %s missing" % t["capture"]]
    try:
        pkts = read_capture(cap)
    except ValueError as e:
        return [str(e)]
    for f in t["flows"]:
        got = flow_outcome(pkts, f)
        want = "present" if f["transport"] == "udp" else f["outcome"]
        if got != want:
            errs.append("flow %s %s:%d -> %s:%d expected %s, capture shows %s" % (
                f["transport"], f["client"], f["client_port"], f["server"],
                f["server_port"], want, got))
    for a in t["allocations"]:
        if not port_seen(pkts, a["host"], a["port"], a["family"]):
            errs.append("allocation %s %s:%d not in any packet of that host" % (
                a["family"], a["host"], a["port"]))
    return errs


def main():
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit("usage: check_truth.py <samples_dir>")
    sdir = sys.argv[1]
    truths = sorted(glob.glob(os.path.join(sdir, "*.truth.json")))
    if not truths:
        print("no *.truth.json in %s" % sdir)
        print("0 passed, 1 failed")
        return 1
    passed = failed = 0
    for tp in truths:
        name = os.path.basename(tp)
        try:
            errs = check_one(sdir, tp)
        except (OSError, ValueError, KeyError, TypeError) as e:
            errs = ["%s: %s" % (type(e).__name__, e)]
        if errs:
            failed += 1
            for e in errs:
                print("FAIL %s: %s" % (name, e))
        else:
            passed += 1
            print("ok   %s" % name)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
