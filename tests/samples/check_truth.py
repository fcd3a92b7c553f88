#!/usr/bin/python3
"""Check every samples/*.truth.json against its capture, with tshark.

    python3 tests/samples/check_truth.py <samples_dir>

For each truth file: the capture exists and `tshark -r` reads it without
error; every truth flow is in the capture with the expected outcome
(answered = SYN-ACK seen; reset = RST answering the SYN, no SYN-ACK;
unanswered = SYN(s), no answer; UDP: a datagram client -> server); every
allocation's port shows in some packet of that host (ipc: on loopback, where
the SUM host's IPC lives); the truth's fields follow docs/reconstruction.md.

The truth is also complete: every TCP SYN and every UDP datagram in the
capture belongs to a truth flow. Findings agree with the flows
(PORT_BLOCKED: an unanswered SUM flow to that host and port; PORT_REFUSED: a
reset one). The members added later, where a truth file has them, are checked
too: `capture_filter` ("host ADDR": every packet has ADDR at one end),
`root_causes` (AGENT_NOT_RUNNING: every SYN to the host's control ports
answered by a reset; SUM_HOST_DROPS_CALLBACKS: SYNs of two or more targets to
the host's callback or web ports, none answered), `generation` and
`generations` (one per SUM host, agreeing with its allocations), `verdict`
("no-sum": nothing of SUM in the truth), and web allocations (docs/
generations.md: TLS on the HTTPS port, HTTP requests on the HTTP port).
Exit status 1 on any mismatch, 2 on usage errors. Last line:
`N passed, M failed`.
"""

import glob
import json
import os
import subprocess
import sys

FAMILIES = {"bootstrap", "control", "message", "callback", "ipc", "firmware", "web"}
CAUSES = {"default", "concurrent", "ipc-reserved", "conflict", "overflow", "configured",
          "not-visible"}
CODES = {"PORT_CONFLICT", "RANGE_OVERFLOW", "PORT_BLOCKED", "PORT_REFUSED",
         "NOT_SUM_SERVICE"}
ROOT_CODES = {"AGENT_NOT_RUNNING", "SUM_HOST_DROPS_CALLBACKS"}
GENERATIONS = {"classic", "7", "8"}
VERDICTS = {"sum", "no-sum"}
WEB_BASES = {63001: "http", 63002: "https"}     # docs/generations.md
CONTROL_PORTS = range(62286, 62296)
CLASSIC_FAMILIES = {"message", "callback", "ipc", "firmware"}
REQUIRED = ("capture", "scenario", "sum_hosts", "targets", "allocations", "findings", "flows")
OPTIONAL = ("generation", "generations", "release", "capture_filter", "root_causes",
            "verdict")
OUTCOMES = {"answered", "reset", "unanswered"}
LOOPBACK = {"127.0.0.1", "::1"}
FIELDS = ["ip.src", "ip.dst", "ipv6.src", "ipv6.dst", "tcp.srcport", "tcp.dstport",
          "udp.srcport", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack", "tcp.flags.reset",
          "tls.handshake.type", "http.request.method"]


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
        elif src:
            proto, sp, dp = "ip", 0, 0        # kept for the capture_filter check
        else:
            continue

        def flag(name):
            return d[name] in ("1", "True", "true")
        pkts.append({"proto": proto, "src": src, "dst": dst, "sp": sp, "dp": dp,
                     "syn": flag("tcp.flags.syn"), "ack": flag("tcp.flags.ack"),
                     "rst": flag("tcp.flags.reset"),
                     "client_hello": d["tls.handshake.type"] == "1",
                     "http_request": bool(d["http.request.method"])})
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
    if family == "web":                 # 8.x: also SUM's own processes, on loopback
        hosts = hosts | LOOPBACK
    return any((norm(p["src"]) in hosts and p["sp"] == port) or
               (norm(p["dst"]) in hosts and p["dp"] == port) for p in pkts)


def check_schema(t):
    errs = []
    for k in REQUIRED:
        if k not in t:
            errs.append("missing key %s" % k)
    for k in t:
        if k not in REQUIRED + OPTIONAL:
            errs.append("unknown key %s" % k)
    if errs:
        return errs
    for a in t["allocations"]:
        if a.get("family") not in FAMILIES or a.get("cause") not in CAUSES:
            errs.append("bad allocation %r" % a)
        if set(a) != {"host", "family", "port", "base", "cause", "conflicting_ports"}:
            errs.append("allocation keys %r" % sorted(a))
        errs += check_allocation_words(t, a)
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
    return errs + check_added_members(t)


def check_allocation_words(t, a):
    """The words added with the later generations and filtered captures."""
    errs = []
    if a.get("family") == "web":
        if a.get("base") not in WEB_BASES or a.get("cause") not in ("default", "configured"):
            errs.append("web allocation needs base 63001/63002 and cause default or "
                        "configured: %r" % a)
        elif (a["cause"] == "default") != (a["port"] == a["base"]):
            errs.append("web allocation: default exactly when port == base: %r" % a)
    elif a.get("cause") == "configured":
        errs.append("cause configured is for web allocations only: %r" % a)
    if a.get("cause") == "not-visible":
        if "capture_filter" not in t:
            errs.append("cause not-visible without a capture_filter: %r" % a)
        if a.get("conflicting_ports") or a.get("port") == a.get("base"):
            errs.append("not-visible names no conflicting port and is never the base: %r"
                        % a)
    return errs


def check_added_members(t):
    errs = []
    if "release" in t and not isinstance(t["release"], str):
        errs.append("release must be a string")
    if "capture_filter" in t and parse_filter(t["capture_filter"]) is None:
        errs.append("capture_filter %r: only 'host ADDR' is understood" % t["capture_filter"])
    for rc in t.get("root_causes", []):
        if set(rc) != {"code", "host"} or rc["code"] not in ROOT_CODES:
            errs.append("bad root cause %r" % rc)
        elif rc["host"] not in t["sum_hosts"] + t["targets"]:
            errs.append("root cause on a host that is neither SUM host nor target: %r" % rc)
    if "generations" in t:
        g = t["generations"]
        if not isinstance(g, dict) or set(g) != set(t["sum_hosts"]) or not set(
                g.values()) <= GENERATIONS:
            errs.append("generations must give each SUM host one of %s" % sorted(GENERATIONS))
        else:
            vals = set(g.values())
            want = vals.pop() if len(vals) == 1 else "mixed"
            if t.get("generation") != want:
                errs.append("generation %r, generations say %r" % (t.get("generation"), want))
            for a in t["allocations"]:
                gen = g.get(a["host"])
                if gen == "classic" and a["family"] == "web":
                    errs.append("a classic SUM host with a web allocation: %r" % a)
                if gen in ("7", "8") and a["family"] in CLASSIC_FAMILIES:
                    errs.append("a %s.x SUM host with a classic allocation: %r" % (gen, a))
    elif "generation" in t:
        errs.append("generation without generations")
    if "verdict" in t:
        if t["verdict"] not in VERDICTS:
            errs.append("verdict %r not in %s" % (t["verdict"], sorted(VERDICTS)))
        nothing = not (t["sum_hosts"] or t["targets"] or t["allocations"] or t["findings"]
                       or t.get("root_causes") or any(f["sum"] for f in t["flows"]))
        if (t["verdict"] == "no-sum") != nothing:
            errs.append("verdict %s, but the truth %s SUM" % (
                t["verdict"], "holds no" if nothing else "holds"))
    return errs


def parse_filter(expr):
    """The capture filters a truth may name: 'host ADDR'."""
    words = expr.split() if isinstance(expr, str) else []
    return norm(words[1]) if len(words) == 2 and words[0] == "host" else None


def check_wire(t, pkts):
    """What the truth says beyond single flows, against the capture."""
    errs = []
    flows = t["flows"]

    def in_flow(p):
        for f in flows:
            if f["transport"] != p["proto"]:
                continue
            ends = ((norm(f["client"]), f["client_port"]), (norm(f["server"]), f["server_port"]))
            here = ((norm(p["src"]), p["sp"]), (norm(p["dst"]), p["dp"]))
            if here == ends or here == ends[::-1]:
                return True
        return False
    for p in pkts:
        if ((p["proto"] == "tcp" and p["syn"] and not p["ack"]) or p["proto"] == "udp") \
                and not in_flow(p):
            errs.append("%s %s:%d -> %s:%d on the wire is in no truth flow" % (
                p["proto"], p["src"], p["sp"], p["dst"], p["dp"]))
            break
    for f in t["findings"]:
        want = {"PORT_BLOCKED": "unanswered", "PORT_REFUSED": "reset"}.get(f["code"])
        if want and not any(g["sum"] and g["outcome"] == want and g["server"] == f["host"]
                            and g["server_port"] == f["port"] for g in flows):
            errs.append("%s %s:%d without a SUM flow %s there" % (
                f["code"], f["host"], f["port"], want))
    if "capture_filter" in t:
        addr = parse_filter(t["capture_filter"])
        stray = [p for p in pkts if addr not in (norm(p["src"]), norm(p["dst"]))]
        if stray:
            errs.append("capture_filter %s, but %s -> %s is in the capture" % (
                t["capture_filter"], stray[0]["src"], stray[0]["dst"]))
    for rc in t.get("root_causes", []):
        errs += check_root_cause(t, pkts, rc)
    for a in t["allocations"]:
        if a["family"] != "web":
            continue
        hosts = {norm(a["host"])} | LOOPBACK
        to = [p for p in pkts if p["proto"] == "tcp" and norm(p["dst"]) in hosts
              and p["dp"] == a["port"]]
        kind = WEB_BASES[a["base"]]
        if kind == "https" and not any(p["client_hello"] for p in to):
            errs.append("web %s:%d (HTTPS) carries no TLS ClientHello" % (a["host"], a["port"]))
        if kind == "http" and not any(p["http_request"] for p in to):
            errs.append("web %s:%d (HTTP) carries no HTTP request" % (a["host"], a["port"]))
    return errs


def check_root_cause(t, pkts, rc):
    host = norm(rc["host"])
    if rc["code"] == "AGENT_NOT_RUNNING":
        syns = [p for p in pkts if p["proto"] == "tcp" and norm(p["dst"]) == host
                and p["dp"] in CONTROL_PORTS and p["syn"] and not p["ack"]]
        back = [p for p in pkts if p["proto"] == "tcp" and norm(p["src"]) == host
                and p["sp"] in CONTROL_PORTS]
        if not syns or any(p["syn"] for p in back) or not all(
                any(b["rst"] and b["sp"] == s["dp"] and b["dp"] == s["sp"] for b in back)
                for s in syns):
            return ["AGENT_NOT_RUNNING %s: not every control SYN answered by a reset" % host]
        return []
    ports = {a["port"] for a in t["allocations"] if norm(a["host"]) == host
             and a["family"] in ("callback", "web")}
    syns = [p for p in pkts if p["proto"] == "tcp" and norm(p["dst"]) == host
            and p["dp"] in ports and p["syn"] and not p["ack"]
            and norm(p["src"]) not in LOOPBACK]
    answered = [p for p in pkts if p["proto"] == "tcp" and norm(p["src"]) == host
                and p["sp"] in ports and (p["syn"] or p["rst"])]
    if len({norm(p["src"]) for p in syns}) < 2 or answered:
        return ["SUM_HOST_DROPS_CALLBACKS %s: needs SYNs of two or more targets to its "
                "callback/web ports and no answer" % host]
    return []


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
    return errs + check_wire(t, pkts)


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
