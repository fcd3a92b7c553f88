#!/usr/bin/env python3
"""The SUM plugin loaded into the real tshark, checked per sample against the
sample's ground truth: the fields of every allocation's flows (family, port,
base, offset, cause, overflow), TLS decoding on the TLS channels, the expert
items of every finding, no confident label or SUM expert item on decoys, and
where the truth has them the generations: every SUM host's flows labelled
with its port plan (sum.generation), -z sum,alloc naming the capture's and
each SUM host's.

usage: check_plugin.py PLUGIN_SO SAMPLES_DIR
"""
import glob
import json
import os
import re
import sys

from tsharklib import Tshark

FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "udp.srcport", "udp.dstport", "tcp.flags.syn", "tcp.flags.ack",
          "sum.family", "sum.holder", "sum.holder6", "sum.port", "sum.port.base",
          "sum.port.offset", "sum.overflow", "sum.cause",
          "sum.confidence", "sum.session", "sum.peer.port", "sum.peer.cause",
          "tls.handshake.type", "sum.blocked", "sum.refused", "sum.not_sum_service",
          "sum.overflow.expert", "sum.fallback", "sum.fallback.normal", "sum.outside_range",
          "sum.generation", "sum.configured"]
EXPERTS = ["sum.blocked", "sum.refused", "sum.not_sum_service", "sum.overflow.expert",
           "sum.fallback", "sum.fallback.normal", "sum.outside_range"]
# The documented end of each family's range: past it is an overflow (or a
# listener outside the range). The 7.x web server does not search: a web port
# past its base is configured (cause configured), never an overflow.
DOC_END = {"message": 60007, "callback": 61007, "firmware": 63005, "control": 62286,
           "web": 65535}


def src(r):
    return r["ip.src"] or r["ipv6.src"]


def dst(r):
    return r["ip.dst"] or r["ipv6.dst"]


def holder(r):
    return r["sum.holder"] or r["sum.holder6"]


def offset_of(family, port, base):
    if family == "firmware" and port != 80:
        return 1 + port - 63000
    return port - base


def check_sample(ts, truth, path):
    errs = []
    rows = ts.fields(path, FIELDS, "-2")
    labelled = [r for r in rows if r["sum.family"]]
    is_decoy = not truth["sum_hosts"]
    confident = [r for r in labelled if r["sum.confidence"] in ("medium", "high")]
    experts = [r for r in rows if any(r[e] for e in EXPERTS)]
    if is_decoy:
        # Also in one pass: labels must be sane before anything is refined.
        one = ts.fields(path, FIELDS)
        confident += [r for r in one if r["sum.confidence"] in ("medium", "high")]
        experts += [r for r in one if any(r[e] for e in EXPERTS)]
        if confident:
            errs.append("decoy: %d frames with a confident SUM label (first: frame %s)" %
                        (len(confident), confident[0]["frame.number"]))
        if experts:
            errs.append("decoy: SUM expert items on frames %s" %
                        [r["frame.number"] for r in experts[:5]])
        return errs
    for a in truth["allocations"]:
        fam, host, port, base, cause = a["family"], a["host"], a["port"], a["base"], a["cause"]
        if fam == "control":
            hits = [r for r in labelled if r["sum.family"] == "message" and dst(r) == host and
                    r["sum.peer.port"] == str(port)]
            ok = [r for r in hits if r["sum.peer.cause"] == cause]
        else:
            hits = [r for r in labelled if r["sum.family"] == fam and r["sum.port"] == str(port)
                    and holder(r) == host]
            ok = [r for r in hits if r["sum.cause"] == cause and
                  r["sum.port.base"] == str(base) and
                  r["sum.port.offset"] == str(offset_of(fam, port, base)) and
                  (r["sum.overflow"] in ("1", "True")) == (port > DOC_END.get(fam, 65535))]
        if not hits:
            errs.append("allocation %s %s:%d: no labelled frame" % (fam, host, port))
        elif not ok:
            r = hits[0]
            errs.append("allocation %s %s:%d: labelled cause=%s base=%s offset=%s overflow=%s "
                        "peer=%s/%s, truth cause=%s base=%d" % (
                            fam, host, port, r["sum.cause"], r["sum.port.base"],
                            r["sum.port.offset"], r["sum.overflow"], r["sum.peer.port"],
                            r["sum.peer.cause"], cause, base))
    errs += check_flows(truth, rows)
    errs += check_moved_listeners(truth, rows, "")
    errs += check_one_pass(ts, truth, path, rows)
    # TLS decodes on every answered TLS channel (message -> control,
    # callback): the handshake is there for tls.handshake.type.
    for f in truth["flows"]:
        if not f["sum"] or f["outcome"] != "answered" or f["transport"] != "tcp":
            continue
        fr = flow_rows(rows, f)
        if {r["sum.family"] for r in fr} & {"message", "callback"} and \
                not [r for r in fr if r["tls.handshake.type"]]:
            errs.append("flow %s:%s -> %s:%s: no tls.handshake.type on a SUM TLS channel" % (
                f["client"], f["client_port"], f["server"], f["server_port"]))
    # The expert item of every finding.
    for f in truth["findings"]:
        code, host, port = f["code"], f["host"], str(f["port"])
        if code == "PORT_BLOCKED":
            hit = [r for r in rows if r["sum.blocked"] and dst(r) == host and
                   r["tcp.dstport"] == port]
        elif code == "PORT_REFUSED":
            hit = [r for r in rows if r["sum.refused"] and src(r) == host and
                   r["tcp.srcport"] == port]
        elif code == "NOT_SUM_SERVICE":
            hit = [r for r in rows if r["sum.not_sum_service"] and src(r) == host and
                   r["tcp.srcport"] == port]
        elif code == "RANGE_OVERFLOW":
            hit = [r for r in rows if r["sum.overflow.expert"] and r["sum.port"] == port]
        else:  # PORT_CONFLICT: a fallback flagged on the host that moved on
            hit = [r for r in rows if (r["sum.fallback"] or r["sum.outside_range"])]
        if not hit:
            errs.append("finding %s %s:%s: no expert item" % (code, host, port))
    return errs + check_stats(ts, truth, path)


def flow_rows(rows, f):
    """The frames of one truth flow, both directions (the innermost ports)."""
    proto = f["transport"]
    a = (f["client"], str(f["client_port"]))
    b = (f["server"], str(f["server_port"]))
    out = []
    for r in rows:
        sp = r[proto + ".srcport"].split("|")[-1]
        dp = r[proto + ".dstport"].split("|")[-1]
        ends = ((src(r).split("|")[-1], sp), (dst(r).split("|")[-1], dp))
        if ends in ((a, b), (b, a)):
            out.append(r)
    return out


def check_flows(truth, rows):
    """Every SUM flow of the truth is labelled with medium or high confidence,
    no other flow is; all flows of one (SUM host, target) pair share one
    sum.session, and different pairs have different ones; where the truth
    has generations, a SUM host's flows are labelled with its port plan."""
    errs, sessions = [], {}
    hosts = set(truth["sum_hosts"])
    gens = truth.get("generations", {})
    for f in truth["flows"]:
        name = "%s %s:%s -> %s:%s" % (f["transport"], f["client"], f["client_port"],
                                      f["server"], f["server_port"])
        fr = flow_rows(rows, f)
        sure = [r for r in fr if r["sum.confidence"] in ("medium", "high")]
        if not f["sum"]:
            if sure:
                errs.append("flow %s is not SUM but frame %s is labelled %s" % (
                    name, sure[0]["frame.number"], sure[0]["sum.confidence"]))
            continue
        if not fr:
            errs.append("flow %s: not in the capture" % name)
            continue
        if not sure:
            errs.append("flow %s: no frame labelled with medium or high confidence" % name)
            continue
        if f["client"] == f["server"]:
            continue  # SUM's own IPC on loopback: no target
        sum_host = f["client"] if f["client"] in hosts else f["server"]
        target = f["server"] if sum_host == f["client"] else f["client"]
        plans = {r["sum.generation"] for r in sure}
        if sum_host in gens and plans != {gens[sum_host]}:
            errs.append("flow %s: port plan %s, SUM host %s's is %s" % (
                name, sorted(plans), sum_host, gens[sum_host]))
        ids = {r["sum.session"] for r in sure}
        sessions.setdefault((sum_host, target), set()).update(ids)
    for pair, ids in sorted(sessions.items()):
        if len(ids) != 1 or "" in ids:
            errs.append("pair %s -> %s: sessions %s, want one" % (pair[0], pair[1], sorted(ids)))
    owners = {}
    for pair, ids in sessions.items():
        for i in ids:
            owners.setdefault(i, set()).add(pair)
    for i, pairs in sorted(owners.items()):
        if len(pairs) > 1:
            errs.append("session %s shared by pairs %s" % (i, sorted(pairs)))
    return errs


def check_moved_listeners(truth, rows, when):
    """A control listener past its documented port is flagged "outside the
    documented range" on the SYN that reaches it."""
    errs = []
    for a in truth["allocations"]:
        if a["family"] != "control" or a["port"] <= DOC_END["control"]:
            continue
        if not [r for r in rows if r["sum.outside_range"] and dst(r) == a["host"] and
                r["tcp.dstport"] == str(a["port"])]:
            errs.append("%scontrol listener %s:%d: no sum.outside_range" % (
                when, a["host"], a["port"]))
    return errs


def check_one_pass(ts, truth, path, rows2):
    """One pass (plain tshark) knows less, but what it says confidently is
    what the second pass says: the same family and port, never on a flow the
    truth calls not SUM, and something confident on every SUM sample."""
    errs = []
    one = ts.fields(path, FIELDS)
    errs += check_moved_listeners(truth, one, "one pass: ")
    two = {r["frame.number"]: r for r in rows2}
    sure = [r for r in one if r["sum.confidence"] in ("medium", "high")]
    if truth["allocations"] and not sure:
        errs.append("one pass: no frame labelled with medium or high confidence")
    for r in sure:
        t = two.get(r["frame.number"], {})
        if (r["sum.family"], r["sum.port"]) != (t.get("sum.family"), t.get("sum.port")):
            errs.append("one pass: frame %s labelled %s %s, two passes %s %s" % (
                r["frame.number"], r["sum.family"], r["sum.port"], t.get("sum.family"),
                t.get("sum.port")))
            break
    for f in truth["flows"]:
        if not f["sum"] and [r for r in flow_rows(one, f)
                             if r["sum.confidence"] in ("medium", "high")]:
            errs.append("one pass: flow %s:%s -> %s:%s is not SUM but labelled" % (
                f["client"], f["client_port"], f["server"], f["server_port"]))
    return errs


plans_seen = {}  # -z sum,alloc: None -> the capture's plan, address -> a SUM host's


def parse_alloc(out):
    """Allocations, findings and root causes of a -z sum,alloc report."""
    allocs, findings, roots, part = set(), set(), set(), None
    for line in out.splitlines():
        if line.startswith("Host ") and "Family" in line:
            break
        if line.startswith("sum-host ") and " port plan " in line:
            plans_seen[line.split()[1]] = line.split(" port plan ")[1].split()[0]
        m = re.match(r"SUM allocation ledger \(port plan: (\S+)\)", line)
        if m:
            plans_seen[None] = m.group(1)
    for line in out.splitlines():
        if line.startswith("Host ") and "Family" in line:
            part = "alloc"
            continue
        if line.startswith("What it comes down to:"):
            part = "roots"
            continue
        if line.startswith("View:"):
            part = None
            continue
        if line.startswith("Findings:"):
            part = "findings"
            continue
        w = line.split()
        if part == "alloc" and len(w) >= 7 and w[2].isdigit():
            conflicting = () if w[6] == "-" else tuple(int(x) for x in w[6].split(","))
            allocs.add((w[0], w[1], int(w[2]), int(w[3]), w[5], conflicting))
        elif part == "findings" and len(w) >= 3 and w[1].isupper():
            host, port = w[2].rsplit(":", 1)
            findings.add((w[1], host, int(port)))
        elif part == "roots" and len(w) >= 2 and w[0].isupper() and "_" in w[0]:
            roots.add((w[0], w[1]))
    return allocs, findings, roots


def check_root_experts(ts, truth, path, want):
    """Every root cause of the truth, and no other, is a sum.root_cause
    expert item naming its code and host (core's words)."""
    p = ts.run("-r", ts.readable(path), "-2", "-Y", "sum.root_cause", "-T", "fields",
               "-e", "_ws.expert.message")
    seen = set()
    for msg in re.findall(r"([A-Z_]{6,}): ([^,;]*)", p.stdout):
        for code, host in [(c, h) for (c, h) in want if c == msg[0]]:
            if host in msg[1]:
                seen.add((code, host))
        if msg[0] in ("AGENT_NOT_RUNNING", "SUM_HOST_DROPS_CALLBACKS") and \
                not any(c == msg[0] for (c, _) in want):
            seen.add((msg[0], "?"))
    return ["root cause %s: %s expert item" % (c, "no" if c in want else "an unexpected")
            for c in sorted(want ^ seen)]


def check_stats(ts, truth, path):
    """-z sum,alloc tells the truth's story (core's reconstruction over the
    conversations the plugin saw); -z sum,tree counts the SUM frames. The
    stats trees of the Statistics menu are check_views.py's."""
    errs = []
    p = ts.run("-r", ts.readable(path), "-q", "-z", "sum,alloc", "-z", "sum,tree")
    if p.returncode != 0 or "SUM allocation ledger" not in p.stdout:
        return ["-z sum,alloc failed (exit %d): %s" % (p.returncode, p.stderr[-300:])]
    plans_seen.clear()
    allocs, findings, roots = parse_alloc(p.stdout)
    if "generation" in truth and plans_seen.get(None) != truth["generation"]:
        errs.append("-z sum,alloc: port plan %s, truth generation %s" % (
            plans_seen.get(None), truth["generation"]))
    for host, gen in sorted(truth.get("generations", {}).items()):
        if plans_seen.get(host) != gen:
            errs.append("-z sum,alloc: SUM host %s port plan %s, truth %s" % (
                host, plans_seen.get(host), gen))
    want = {(a["host"], a["family"], a["port"], a["base"], a["cause"],
             tuple(a.get("conflicting_ports", []))) for a in truth["allocations"]}
    for a in sorted(want - allocs):
        errs.append("-z sum,alloc misses allocation %s" % (a,))
    for a in sorted(allocs - want):
        errs.append("-z sum,alloc has an allocation the truth has not: %s" % (a,))
    fwant = {(f["code"], f["host"], f["port"]) for f in truth["findings"]}
    for f in sorted(fwant - findings):
        errs.append("-z sum,alloc misses finding %s" % (f,))
    for f in sorted(findings - fwant):
        errs.append("-z sum,alloc has a finding the truth has not: %s" % (f,))
    if "root_causes" in truth:
        rwant = {(c["code"], c["host"]) for c in truth["root_causes"]}
        for c in sorted(rwant ^ roots):
            errs.append("-z sum,alloc %s root cause %s" % (
                "misses" if c in rwant else "has a", c))
        errs += check_root_experts(ts, truth, path, rwant)
    m = re.search(r"^SUM frames by family and port\s+(\d+)", p.stdout, re.M)
    if truth["allocations"] and not m:
        errs.append("-z sum,tree counts no SUM frame")
    return errs


def check_prefs(ts, sdir):
    """The range preferences move the documented range: with message ports
    60000-60015 the overflow sample's 60008 is no longer an overflow."""
    path = os.path.join(sdir, "msg-overflow.pcap")
    if not os.path.exists(path):
        return []
    fields = ["sum.port", "sum.overflow", "sum.port.range_end", "sum.overflow.expert"]
    rows = ts.fields(path, fields, "-2", "-o", "sum.message_ports:60000-60015",
                     "-Y", "sum.family == \"message\" && sum.port == 60008")
    if not rows:
        return ["-o sum.message_ports: no frame labelled message 60008"]
    bad = [r for r in rows if r["sum.overflow"] not in ("0", "False") or
           r["sum.port.range_end"] != "60015" or r["sum.overflow.expert"]]
    return ["-o sum.message_ports:60000-60015: 60008 still overflows (%s)" % bad[0]] if bad else []


def main():
    plugin, sdir = sys.argv[1], sys.argv[2]
    ts = Tshark(plugin)
    p = ts.run("-G", "protocols")
    if p.returncode != 0 or not any(l.split("\t")[2:3] == ["sum"] for l in p.stdout.splitlines()):
        print("FAIL the SUM plugin did not load into tshark: %s" % p.stderr[-300:])
        print("0 passed, 1 failed")
        return 1
    print("ok   plugin loaded (tshark %s)" % ts.version)
    passed, failed = 1, 0
    for t in sorted(glob.glob(os.path.join(sdir, "*.truth.json"))):
        truth = json.load(open(t))
        path = os.path.join(sdir, truth["capture"])
        errs = check_sample(ts, truth, path)
        if errs:
            failed += 1
            print("FAIL %s" % truth["capture"])
            for e in errs:
                print("     " + e)
        else:
            passed += 1
            print("ok   %s" % truth["capture"])
    errs = check_prefs(ts, sdir)
    if errs:
        failed += 1
        print("FAIL preferences")
        for e in errs:
            print("     " + e)
    else:
        passed += 1
        print("ok   preferences (sum.message_ports)")
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
