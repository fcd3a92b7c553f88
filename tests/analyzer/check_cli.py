#!/usr/bin/env python3
"""sumscope's command line: options, exit codes, error lines, output files.

usage: check_cli.py SUMSCOPE SAMPLES_DIR WORK_DIR
"""
import json
import os
import subprocess
import sys

exe, samples, work = sys.argv[1], sys.argv[2], sys.argv[3]
os.makedirs(work, exist_ok=True)
results = []


def run(*args, stdin=None, env=None):
    e = dict(os.environ)
    e.pop("NO_COLOR", None)
    if env:
        e.update(env)
    return subprocess.run([exe, *args], capture_output=True, text=True, input=stdin,
                          env=e, timeout=60)


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


S = lambda n: os.path.join(samples, n)

p = run("--help")
check("--help exits 0 and shows the options", p.returncode == 0 and "--json" in p.stdout
      and "--profile" in p.stdout, p.stdout[:200])
p = run("--version")
check("--version prints a version", p.returncode == 0 and p.stdout.startswith("sumscope "))
p = run("--no-such-option", S("msg-base.pcap"))
check("unknown option: exit 2, one line", p.returncode == 2 and
      len(p.stderr.strip().splitlines()) == 1, p.stderr)
p = run()
check("no capture: exit 2", p.returncode == 2 and "no capture" in p.stderr, p.stderr)
missing = os.path.join(work, "missing.pcap")
p = run(missing)
check("missing file: exit 2 naming the file", p.returncode == 2 and "missing.pcap" in p.stderr
      and len(p.stderr.strip().splitlines()) == 1, p.stderr)
junk = os.path.join(work, "junk.pcap")
with open(junk, "w") as f:
    f.write("not a capture\n" * 10)
out = os.path.join(work, "junk.json")
p = run("--json=" + out, junk)
check("not a capture: exit 2, no partial JSON left", p.returncode == 2 and "junk.pcap" in
      p.stderr and not os.path.exists(out) and
      not [x for x in os.listdir(work) if x.startswith("junk.json")], p.stderr)
p = run("-f", "tcp port nonsense", S("msg-base.pcap"))
check("bad BPF filter: exit 2 naming the filter", p.returncode == 2 and "nonsense" in p.stderr,
      p.stderr)
p = run("--json=-", "-f", "port 443", S("demo.pcapng"))
d = json.loads(p.stdout) if p.returncode in (0, 1, 3) else {"allocations": [1]}
check("a filter that keeps no SUM frame: no allocation", not d["allocations"])
p = run("--json=-", S("msg-overflow.pcap"))
over = [a for a in json.loads(p.stdout)["allocations"] if a["cause"] == "overflow"]
check("msg-overflow: overflow allocations found", p.returncode == 1 and len(over) >= 1)
p = run("--json=-", "--range", "message=60000-60015", S("msg-overflow.pcap"))
d = json.loads(p.stdout)
check("--range message=60000-60015: no overflow any more",
      not [a for a in d["allocations"] if a["cause"] == "overflow"] and
      not [f for f in d["findings"] if f["code"] == "RANGE_OVERFLOW"])
p = run("--range", "bogus=1-2", S("msg-base.pcap"))
check("--range with an unknown family: exit 2", p.returncode == 2 and "bogus" in p.stderr)
p = run("--profile", "9", S("msg-base.pcap"))
check("--profile 9: exit 2", p.returncode == 2)
p = run("--json=-", "--profile", "auto", S("msg-base.pcap"))
d = json.loads(p.stdout)
check("--profile auto says which plan and why", d["profile"]["name"] == "classic" and
      d["profile"]["reason"])
p = run(S("decoy-ephemeral.pcap"))
check("decoy: no SUM is its own verdict, exit 3", p.returncode == 3 and
      "no SUM traffic found" in p.stdout and "Looked for:" in p.stdout and
      "Check:" in p.stdout and "port plan: classic" not in p.stdout, p.stdout[-300:])
p = run(S("blocked.pcap"))
check("findings: exit 1", p.returncode == 1)
p = run("--color=always", S("blocked.pcap"))
check("--color=always colours", "\033[" in p.stdout)
p = run("--color=auto", S("blocked.pcap"), env={"NO_COLOR": "1"})
check("NO_COLOR honoured (and no colour when piped)", "\033[" not in p.stdout)
p = run("--color=sometimes", S("blocked.pcap"))
check("--color with a bad value: exit 2", p.returncode == 2)
with open(S("msg-base.pcap"), "rb") as f:
    data = f.read()
p = subprocess.run([exe, "--json=-", "-"], input=data, capture_output=True, timeout=60)
d = json.loads(p.stdout)
check("- reads standard input", p.returncode == 0 and len(d["allocations"]) == 2 and
      d["capture"]["files"] == ["-"])
p = run("--each", S("msg-base.pcap"), S("blocked.pcap"))
check("--each: one report per file, worst exit", p.returncode == 1 and
      p.stdout.count("== ") == 2)
p = run("--json=-", S("msg-base.pcap"), S("blocked.pcap"))
d = json.loads(p.stdout)
check("several files: one report, frames numbered across them",
      len(d["capture"]["files"]) == 2 and p.returncode == 1)
# Frames per file, as Wireshark shows them: the run-wide numbers map back to
# the numbers each file has when analysed alone.
alone = json.loads(run("--json=-", S("blocked.pcap")).stdout)
first = d["capture"]["file_frames"]
check("file_frames: each file's first run-wide frame and frame count",
      first[0]["first_frame"] == 1 and first[1]["first_frame"] == 1 + first[0]["frames"] and
      first[0]["frames"] + first[1]["frames"] == d["capture"]["packets"], str(first))
check("findings of the second file: frames_at are its own frame numbers",
      [f["frames_at"] for f in d["findings"]] ==
      [[{"file": 1, "frame": n} for n in f["frames"]] for f in alone["findings"]],
      "%s vs %s" % ([f["frames_at"] for f in d["findings"]], [f["frames"] for f in alone["findings"]]))
mine = [(c["first_frame_at"], c["last_frame_at"]) for c in d["channels"] if c["first_frame_at"]["file"] == 1]
check("channels of the second file: first/last_frame_at as alone",
      mine == [({"file": 1, "frame": c["first_frame"]}, {"file": 1, "frame": c["last_frame"]})
               for c in alone["channels"]], str(mine[:2]))
check("one file: frames_at are the frames", all(
      [x["frame"] for x in f["frames_at"]] == f["frames"] and
      all(x["file"] == 0 for x in f["frames_at"]) for f in alone["findings"]))
p = run(S("msg-base.pcap"), S("blocked.pcap"))
want = "%d#%d" % (2, alone["findings"][0]["frames"][0])
html = os.path.join(work, "two.html")
run("--html", html, S("msg-base.pcap"), S("blocked.pcap"))
page = open(html).read() if os.path.exists(html) else ""
check("HTML report: bars of the second file carry data-frame=\"2#N\"",
      ('data-frame="%s"' % want) in page and 'data-frame="1#1"' in page)
check("text report: frames of the second file written 2#N", ("frames " + want) in p.stdout and
      "file 2: " in p.stdout, p.stdout[-600:])
out = os.path.join(work, "ok.json")
p = run("--json=" + out, "-q", S("demo.pcapng"))
check("--json=FILE writes the file and text goes to stdout",
      os.path.exists(out) and "SUM port story" in p.stdout)
p = run("--sum-host", "not-an-address", S("msg-base.pcap"))
check("--sum-host with a bad address: exit 2", p.returncode == 2)

p = run("--each", "--json=-", S("msg-base.pcap"))
try:
    d = json.loads(p.stdout)
except ValueError:
    d = None
check("--each --json=- on one file: stdout is only the JSON", d is not None and
      p.returncode == 0, p.stdout[:200])
out = os.path.join(work, "junk.html")
p = run("--html", out, junk)
check("not a capture with --html: exit 2, no partial HTML left", p.returncode == 2 and
      not [x for x in os.listdir(work) if x.startswith("junk.html")], p.stderr)
p = run("--json=" + os.path.join(work, "no-such-dir", "x.json"), S("msg-base.pcap"))
check("unwritable JSON path: exit 2, one line naming it", p.returncode == 2 and
      "x.json" in p.stderr and len(p.stderr.strip().splitlines()) == 1, p.stderr)
p = run("--json=-", S("demo.pcapng"))
d = json.loads(p.stdout)
c = d["capture"]
check("capture times as ISO 8601 and epoch seconds", c["first"].endswith("Z") and
      abs(c["last_epoch"] - c["first_epoch"] - c["duration"]) < 1e-5)
rules = [m for m in d["remediation"] if m["finding"] == "PORT_BLOCKED"]
check("PORT_BLOCKED: an inbound rule on the listener host from the peer",
      rules and all(m["direction"] == "in" and m["peer"] and
                    "dir=in" in m["windows"] and "localport=%d" % m["port"] in m["windows"] and
                    "remoteip=" + m["peer"] in m["windows"] and
                    "ip saddr %s tcp dport %d" % (m["peer"], m["port"]) in m["nft"]
                    for m in rules), json.dumps(rules)[:300])
advice = [m for m in d["remediation"] if m["finding"] == "PORT_CONFLICT"]
check("PORT_CONFLICT: advice only, no rule", advice and
      all(m["windows"] is None and m["nft"] is None and m["why"] for m in advice))
keys = [(m["host"], m["port"], m["direction"], m["peer"], m["transport"])
        for m in d["remediation"] if m["windows"]]
check("remediation rules are deduplicated", len(keys) == len(set(keys)))
p = run("--json=-", S("msg-overflow.pcap"))
rules = [m for m in json.loads(p.stdout)["remediation"] if m["finding"] == "RANGE_OVERFLOW"]
check("message overflow: outbound from the SUM host's source port",
      rules and all(m["direction"] == "out" and "dir=out" in m["windows"] and
                    "tcp sport %d" % m["port"] in m["nft"] for m in rules),
      json.dumps(rules)[:300])

# One direction only (a one-way SPAN port, asymmetric routing): the SUM host's
# sent packets, or only those it received. A missing reply direction must not
# invent a blocked port: every PORT_BLOCKED of the cut capture is one of the
# whole capture's, or, where the whole capture shows the port refused, a
# warning that says it cannot tell (evidence "inferred"); and the message and
# control ports are still found.
import glob
for path in sorted(glob.glob(S("*.pcap")) + glob.glob(S("*.pcapng"))):
    with open(os.path.splitext(path)[0] + ".truth.json") as f:
        truth = json.load(f)
    sum_hosts = sorted({a["host"] for a in truth["allocations"]
                        if a["family"] in ("message", "callback", "firmware", "ipc")})
    if not sum_hosts:
        continue
    full = json.loads(run("--json=-", path).stdout)
    blocked = {(x["host"], x["port"]) for x in full["findings"] if x["code"] == "PORT_BLOCKED"}
    refused = {(x["host"], x["port"]) for x in full["findings"] if x["code"] == "PORT_REFUSED"}
    for way in ("src", "dst"):
        flt = " or ".join("%s host %s" % (way, h) for h in sum_hosts)
        if "vlan" in os.path.basename(path):   # BPF sees past 802.1Q tags only after "vlan"
            flt = "vlan and (%s)" % flt
        p = run("--json=-", "-f", flt, path)
        if p.returncode not in (0, 1, 3):
            check("%s, %s only: analysed" % (os.path.basename(path), way), False, p.stderr)
            continue
        cut = json.loads(p.stdout)
        extra = [(x["host"], x["port"]) for x in cut["findings"]
                 if x["code"] == "PORT_BLOCKED" and (x["host"], x["port"]) not in blocked and
                 not ((x["host"], x["port"]) in refused and x["evidence"] == "inferred" and
                      x.get("confidence") != "high")]
        check("%s, only what the SUM host %s: no blocked port the whole capture lacks"
              % (os.path.basename(path), "sent" if way == "src" else "received"),
              not extra, str(extra))
        fams = ("message", "control")
        mine = {(a["host"], a["family"], a["port"]) for a in cut["allocations"]
                if a["family"] in fams}
        want = {(a["host"], a["family"], a["port"]) for a in truth["allocations"]
                if a["family"] in fams}
        check("%s, only what the SUM host %s: message and control ports still found"
              % (os.path.basename(path), "sent" if way == "src" else "received"),
              want <= mine, "missing %s" % sorted(want - mine))

# Every packet twice (a SPAN port mirroring both ways; mergecap of a file with
# itself): the same story, with the same SYN counts in the messages.
import shutil
if shutil.which("mergecap"):
    def story(d):
        return (sorted((x["code"], x["host"], x["port"], x["message"]) for x in d["findings"]),
                sorted((a["host"], a["family"], a["port"], a["cause"]) for a in d["allocations"]))
    for path in sorted(glob.glob(S("*.pcap")) + glob.glob(S("*.pcapng"))):
        dup = os.path.join(work, "dup-" + os.path.basename(path) + ".pcapng")
        subprocess.run(["mergecap", "-w", dup, path, path], check=True)
        a = json.loads(run("--json=-", path).stdout)
        b = json.loads(run("--json=-", dup).stdout)
        check("%s, every packet twice: the same story" % os.path.basename(path),
              story(a) == story(b) and b["capture"]["packets"] == 2 * a["capture"]["packets"],
              "%s vs %s" % (story(a)[0][:2], story(b)[0][:2]))
else:
    print("note: mergecap not installed, the duplicate-packet checks are skipped")

# -r FILE, as tcpdump takes it: the same report as the positional file;
# repeatable, and read before the positional files.
plain = json.loads(run("--json=-", S("demo.pcapng")).stdout)
p = run("--json=-", "-r", S("demo.pcapng"))
check("-r FILE: the same report as FILE", json.loads(p.stdout) == plain, p.stderr)
p = run("--json=-", S("blocked.pcap"), "-r", S("msg-base.pcap"), "--read", S("demo.pcapng"))
d = json.loads(p.stdout) if p.stdout else {"capture": {"files": []}}
check("-r twice and a positional file: -r's first, in order",
      d["capture"]["files"] == [S("msg-base.pcap"), S("demo.pcapng"), S("blocked.pcap")],
      str(d["capture"]["files"]))
p = run("-r")
check("-r without a file: exit 2", p.returncode == 2 and "-r" in p.stderr, p.stderr)
with open(S("msg-base.pcap"), "rb") as f:
    p = subprocess.run([exe, "--json=-", "-r", "-"], input=f.read(), capture_output=True,
                       timeout=60)
check("-r - reads standard input", p.returncode == 0 and
      json.loads(p.stdout)["capture"]["files"] == ["-"])


def with_if_filter(src, dst, flt):
    """SRC (pcapng) with FLT recorded as each interface's if_filter."""
    import struct
    d, out, off = open(src, "rb").read(), b"", 0
    while off < len(d):
        t, n = struct.unpack_from("<II", d, off)
        blk = d[off:off + n]
        if t == 1:
            body, opts, o, keep = blk[8:n - 4], blk[16:n - 4], 0, b""
            while o + 4 <= len(opts):
                c, ol = struct.unpack_from("<HH", opts, o)
                if c == 0:
                    break
                step = 4 + ol + (-ol % 4)
                keep, o = keep + opts[o:o + step], o + step
            v = b"\x00" + flt.encode()
            body = body[:8] + keep + struct.pack("<HH", 11, len(v)) + v + b"\x00" * (-len(v) % 4)
            body += struct.pack("<HH", 0, 0)
            blk = struct.pack("<II", 1, len(body) + 12) + body + struct.pack("<I", len(body) + 12)
        out, off = out + blk, off + n
    open(dst, "wb").write(out)


# A pcapng that records its capture filter: named, and a host filter makes
# the skipped message ports not-visible rather than conflicts.
iff = os.path.join(work, "if-filter.pcapng")
with_if_filter(S("demo.pcapng"), iff, "host 10.77.0.14")
d = json.loads(run("--json=-", iff).stdout)
msg = [a["cause"] for a in d["allocations"] if a["family"] == "message" and a["port"] > 60000]
check("pcapng if_filter: named in capture.filter, the view partial",
      d["capture"]["filter"] == "host 10.77.0.14" and d["capture"]["view"]["partial"],
      str(d["capture"].get("filter")))
check("pcapng if_filter: skipped message ports not-visible, no conflict on them",
      msg and set(msg) == {"not-visible"} and
      not [f for f in d["findings"] if f["code"] == "PORT_CONFLICT" and f["host"] == "10.77.0.1"
           and 60000 <= f["port"] <= 60007], str(msg))
p = run("-q", iff)
check("pcapng if_filter: the text report names it", "host 10.77.0.14" in p.stdout, p.stdout[:300])
# A filter that keeps every SUM port hides nothing: named, the story whole.
d = json.loads(run("--json=-", "-f", "tcp or udp", S("demo.pcapng")).stdout)
check("-f that keeps SUM: named, view whole, conflicts stay",
      d["capture"]["filter"] == "tcp or udp" and not d["capture"]["view"]["partial"] and
      [f for f in d["findings"] if f["code"] == "PORT_CONFLICT"], str(d["capture"]["view"]))

failed = sum(1 for _, ok in results if not ok)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
