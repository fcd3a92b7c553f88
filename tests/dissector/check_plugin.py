#!/usr/bin/env python3
"""The SUM plugin loaded into the real tshark, checked per sample against the
sample's ground truth: the fields of every allocation's flows (family, port,
base, offset, cause, overflow), TLS decoding on the TLS channels, the expert
items of every finding, and no confident label or SUM expert item on decoys.

usage: check_plugin.py PLUGIN_SO SAMPLES_DIR
"""
import glob
import json
import os
import sys

from tsharklib import Tshark

FIELDS = ["frame.number", "ip.src", "ipv6.src", "ip.dst", "ipv6.dst", "tcp.srcport",
          "tcp.dstport", "tcp.flags.syn", "tcp.flags.ack", "sum.family", "sum.holder",
          "sum.port", "sum.port.base", "sum.port.offset", "sum.overflow", "sum.cause",
          "sum.confidence", "sum.session", "sum.peer.port", "sum.peer.cause",
          "tls.handshake.type", "sum.blocked", "sum.refused", "sum.not_sum_service",
          "sum.overflow.expert", "sum.fallback", "sum.fallback.normal", "sum.outside_range"]
EXPERTS = ["sum.blocked", "sum.refused", "sum.not_sum_service", "sum.overflow.expert",
           "sum.fallback", "sum.fallback.normal", "sum.outside_range"]
DOC_END = {"message": 60007, "callback": 61007, "firmware": 63005, "control": 62286}


def src(r):
    return r["ip.src"] or r["ipv6.src"]


def dst(r):
    return r["ip.dst"] or r["ipv6.dst"]


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
                    and r["sum.holder"] == host]
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
    # TLS decodes on the TLS channels.
    tls_families = {"message", "callback"}
    if any(a["family"] in tls_families for a in truth["allocations"]):
        if not [r for r in labelled if r["tls.handshake.type"] and
                r["sum.family"] in tls_families]:
            errs.append("no tls.handshake.type on any SUM TLS channel")
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
    return errs


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
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
