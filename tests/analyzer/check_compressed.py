#!/usr/bin/env python3
"""Compressed captures, as Wireshark reads them: every sample compressed by
the gzip, zstd and lz4 tools gives the JSON of the uncompressed file, read by
name and from standard input; several members or frames read as one; a
filter still applies; a cut-off or corrupt compressed file gets a clear
error or a "cut off" note, never a crash or a hang.

usage: check_compressed.py SUMSCOPE SAMPLES_DIR WORK_DIR
"""
import glob
import json
import os
import shutil
import struct
import subprocess
import sys

exe, samples, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []
TOOLS = {"gz": ["gzip", "-c"], "zst": ["zstd", "-q", "-c"], "lz4": ["lz4", "-q", "-c"]}


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def run(args, stdin=None):
    return subprocess.run([exe, *args], capture_output=True, input=stdin, timeout=60)


def report(args, stdin=None):
    """(exit status, the JSON with the file names taken out, stderr)."""
    p = run(["--json=-", *args], stdin)
    try:
        doc = json.loads(p.stdout)
        doc["capture"]["files"] = []
    except (ValueError, KeyError):
        doc = None
    return p.returncode, doc, p.stderr.decode(errors="replace")


def compress(path, ext, out=None):
    out = out or os.path.join(work, os.path.basename(path) + "." + ext)
    with open(path, "rb") as f, open(out, "wb") as o:
        subprocess.run(TOOLS[ext], stdin=f, stdout=o, check=True)
    return out


def one_line(text):
    return len(text.strip().splitlines()) == 1


missing = [t[0] for t in TOOLS.values() if shutil.which(t[0]) is None]
if missing:
    print("FAIL the compressors are not installed: %s (scripts/deps.sh)" % missing)
    sys.exit(1)

# Every sample, every compressor, by name and on standard input.
for path in sorted(glob.glob(os.path.join(samples, "*.pcap*"))):
    name = os.path.basename(path)
    want = report([path])
    for ext in TOOLS:
        z = compress(path, ext)
        got = report([z])
        check("%s.%s: the same JSON as %s" % (name, ext, name),
              want[1] is not None and got[:2] == want[:2], got[2][:200])
        with open(z, "rb") as f:
            got = report(["-"], f.read())
        check("%s.%s on standard input: the same JSON" % (name, ext),
              got[:2] == want[:2], got[2][:200])

# The pcapng reader of its own (interfaces of different link types) through
# the same stream, with a filter.
mixed = os.path.join(samples, "two-links.pcapng")
want = report(["-f", "tcp", mixed])
for ext in TOOLS:
    got = report(["-f", "tcp", os.path.join(work, "two-links.pcapng." + ext)])
    check("two-links.pcapng.%s with -f tcp: the same JSON" % ext, got[:2] == want[:2], got[2])


def late_interface_pcapng():
    """Ethernet, a SYN, then a raw IP interface and a SYN on it: libpcap
    starts, capture-pcapng.c reads on from where it stopped."""
    def block(btype, body):
        body += b"\0" * (-len(body) % 4)
        n = 12 + len(body)
        return struct.pack("<II", btype, n) + body + struct.pack("<I", n)
    ip = bytes([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
                0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff,
                0, 0, 0, 0])
    eth = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]) + ip

    def epb(iface, data, us):
        return block(6, struct.pack("<IIIII", iface, us >> 32, us & 0xffffffff, len(data),
                                    len(data)) + data)
    shb = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
    t = 1700000000 * 1000000
    return (shb + block(1, struct.pack("<HHI", 1, 0, 65535)) + epb(0, eth, t) +
            block(1, struct.pack("<HHI", 101, 0, 65535)) + epb(1, ip, t + 1) +
            epb(0, eth, t + 2))


late = os.path.join(work, "late-interface.pcapng")
with open(late, "wb") as f:
    f.write(late_interface_pcapng())
want = report([late])
for ext in TOOLS:
    got = report([compress(late, ext)])
    check("an interface declared after packets, .%s: read on, the same JSON" % ext,
          want[1] is not None and want[1]["capture"]["packets"] == 3 and
          got[:2] == want[:2], got[2])

# Several gzip members, zstd frames, lz4 frames: one capture.
demo = os.path.join(samples, "demo.pcapng")
with open(demo, "rb") as f:
    data = f.read()
want = report([demo])
half = os.path.join(work, "half")
for ext in TOOLS:
    parts = b""
    for piece in (data[:len(data) // 2], data[len(data) // 2:]):
        with open(half, "wb") as f:
            f.write(piece)
        with open(compress(half, ext, half + "." + ext), "rb") as f:
            parts += f.read()
    path = os.path.join(work, "two-parts.pcapng." + ext)
    with open(path, "wb") as f:
        f.write(parts)
    got = report([path])
    check("demo.pcapng in two %s members/frames: the same JSON" % ext, got[:2] == want[:2],
          got[2])

# Cut off, and corrupt: a clear error naming the file, or a report with a
# note on standard error; never a crash, never a hang.
for ext in TOOLS:
    z = os.path.join(work, "demo.pcapng." + ext)
    with open(z, "rb") as f:
        blob = f.read()
    for frac in (0.02, 0.5, 0.9, 0.999):
        cut = os.path.join(work, "cut-%s.pcapng.%s" % (frac, ext))
        with open(cut, "wb") as f:
            f.write(blob[:max(8, int(len(blob) * frac))])
        try:
            p = run(["--json=-", cut])
        except subprocess.TimeoutExpired:
            check("%s cut at %.1f%%: no hang" % (ext, frac * 100), False, "timeout")
            continue
        err = p.stderr.decode(errors="replace")
        good = (p.returncode == 2 and one_line(err) and "cut off" in err and cut in err) or \
               (p.returncode in (0, 1, 3) and "cut off" in err and cut in err and
                json.loads(p.stdout)["capture"]["packets"] > 0)
        check("%s cut at %.1f%%: 'cut off' named, exit %d" % (ext, frac * 100, p.returncode),
              good, err)
    bad = bytearray(blob)
    for i in range(len(bad) // 3, len(bad) // 3 + 200):
        bad[i] ^= 0xA5
    path = os.path.join(work, "corrupt.pcapng." + ext)
    with open(path, "wb") as f:
        f.write(bad)
    p = run(["--json=-", path])
    err = p.stderr.decode(errors="replace")
    check("%s corrupt in the middle: named as corrupt, exit %d" % (ext, p.returncode),
          p.returncode in (0, 1, 2) and path in err and "corrupt" in err, err)

failed = [n for n, ok in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
