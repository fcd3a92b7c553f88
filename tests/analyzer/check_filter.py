#!/usr/bin/env python3
"""docs/capturing.md's capture filter keeps every SUM port: compiled by
libpcap (sumscope -f), in its VLAN-aware form, it leaves the story of every
sample (hosts, allocations, findings, channels) as it is without a filter,
and on frames made here on each port it names it keeps exactly those. With
-f a file's frames keep their numbers (Wireshark's, of the unfiltered file).

usage: check_filter.py SUMSCOPE SAMPLES_DIR CAPTURING_MD
"""
import glob
import json
import os
import re
import shutil
import subprocess
import sys

exe, samples, doc = sys.argv[1:4]
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:300]))


text = open(doc).read()
m = re.search(r"<!-- sumscope-filter[^>]*-->\s*```text\n(.+?)\n```", text, re.S)
check("capturing.md has the filter block", m)
flt = m.group(1).strip() if m else "tcp"
full = "(%s) or (vlan and (%s))" % (flt, flt)


def story(args):
    p = subprocess.run([exe, "--json=-", *args], capture_output=True, text=True, timeout=120)
    if p.returncode not in (0, 1, 3):
        return None, p.stderr
    d = json.loads(p.stdout)
    key = (sorted((h["address"], h["role"]) for h in d["hosts"]),
           sorted((a["host"], a["family"], a["port"], a["cause"]) for a in d["allocations"]),
           sorted((f["code"], f["host"], f["port"]) for f in d["findings"]),
           sorted((c["client"], c["client_port"], c["server"], c["server_port"], c["state"])
                  for c in d["channels"]))
    return key, d


caps = sorted(glob.glob(os.path.join(samples, "*.pcap")) +
              glob.glob(os.path.join(samples, "*.pcapng")))
for path in caps:
    a, d = story([path])
    # The VLAN form on Ethernet captures; `vlan` means nothing on a cooked
    # (-i any) capture, where the kernel has taken the tags off already.
    eth = d is not None and set(d["capture"]["link_types"]) == {"Ethernet"}
    b, e = story(["-f", full if eth else flt, path])
    check("%s: the same story through the %s filter" % (os.path.basename(path),
                                                         "VLAN-aware" if eth else "plain"),
          a is not None and a == b, e if b is None else "")

# Every port the filter names, and others: a SYN and its answer on each, a
# NetBIOS datagram each way, an ICMP unreachable; sumscope counts the frames
# the filter let through.
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "analyzer", "bench"))
from make_mixed import ip_tcp, ip_udp  # noqa: E402
import struct  # noqa: E402

A, B = bytes([10, 0, 0, 1]), bytes([10, 0, 0, 2])
sum_tcp = [22, 80, 135, 139, 443, 445, 5989, 60000, 60099, 61000, 61099, 62286, 62299,
           63000, 63001, 63002, 63010, 63011, 63099]  # 7.x web ports moved up to 63099
other_tcp = [8080, 3306, 60100, 61100, 62285, 62300, 62999, 63100, 50000]
frames = []
for p_ in sum_tcp + other_tcp:
    frames.append(ip_tcp(A, B, 40000, p_, 0x02, 1, 0))
    frames.append(ip_tcp(B, A, p_, 40000, 0x12, 7, 2))
for p_ in (137, 138):
    frames.append(ip_udp(A, B, p_, p_, b"\0" * 40))
frames.append(ip_udp(A, B, 5000, 5353, b"\0" * 20))          # not kept
icmp = struct.pack("!BBHI", 3, 3, 0, 0) + frames[0][14:14 + 28]
hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(icmp), 0, 0, 64, 1, 0, B, A)
frames.append(frames[0][:14] + hdr + icmp)                   # kept
path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "sumscope-filter-%d.pcap" % os.getpid())
with open(path, "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
    for i, fr in enumerate(frames):
        f.write(struct.pack("<IIII", 1700000000, i, len(fr), len(fr)) + fr)
try:
    p = subprocess.run([exe, "--json=-", "-f", full, path], capture_output=True, text=True)
    got = json.loads(p.stdout)["capture"]["packets"] if p.returncode in (0, 1, 3) else None
    want = 2 * len(sum_tcp) + 2 + 1
    check("every SUM port kept, nothing else: %d of %d frames" % (want, len(frames)),
          got == want, "%s frames kept; %s" % (got, p.stderr))
finally:
    os.unlink(path)

# -f on a file skips frames but never renumbers them: every frame sumscope
# names is the one Wireshark shows under that number in the unfiltered file
# (tshark reads it here, without the filter).
def tshark_frames(cap):
    t = subprocess.run(["tshark", "-n", "-r", cap, "-T", "fields", "-e", "frame.number",
                        "-e", "tcp.srcport", "-e", "tcp.dstport", "-e", "tcp.flags.syn"],
                       capture_output=True, text=True, timeout=120)
    out = {}
    for line in t.stdout.splitlines():
        f = line.split("\t")
        if len(f) == 4 and f[1]:
            out[int(f[0])] = (int(f[1]), int(f[2]))
    return out


if shutil.which("tshark") is None:
    print("skipped: the frame numbers against tshark (no tshark)")
else:
    for name, flt in (("bootstrap-windows.pcap", "tcp"), ("demo.pcapng", "tcp and not port 80")):
        cap = os.path.join(samples, name)
        if not os.path.exists(cap):
            continue
        whole, d0 = story([cap])
        cut, d1 = story(["-f", flt, cap])
        if d0 is None or d1 is None:
            check("%s -f '%s': analysed" % (name, flt), False, d1)
            continue
        ws = tshark_frames(cap)
        bad = [(c["first_frame"], c["client_port"], c["server_port"]) for c in d1["channels"]
               if c["transport"] == "tcp" and
               ws.get(c["first_frame"]) != (c["client_port"], c["server_port"])]
        firsts = {(c["client_port"], c["server_port"], c["first_frame"]) for c in d0["channels"]}
        moved = [(c["client_port"], c["server_port"], c["first_frame"]) for c in d1["channels"]
                 if (c["client_port"], c["server_port"], c["first_frame"]) not in firsts]
        check("%s -f '%s': %d of %d frames kept, every channel's first frame the one "
              "Wireshark numbers so in the file" % (name, flt, d1["capture"]["packets"],
                                                     d0["capture"]["packets"]),
              d1["capture"]["packets"] < d0["capture"]["packets"] and d1["channels"] and
              not bad and not moved, "not Wireshark's: %s; not as unfiltered: %s" % (bad, moved))

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
