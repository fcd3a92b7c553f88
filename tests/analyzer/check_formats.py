#!/usr/bin/env python3
"""Files sumscope cannot read get one line naming the file, what it is and
the command that converts it, exit 2: Network Monitor, ETL (pktmon, netsh
trace), zip, xz, bzip2, a capture compressed twice, and files that are no
capture at all. Each file is built here byte by byte; lookalikes that only
start like a format must not be taken for it. And link types: the newer
ones decode end to end, the unsupported ones are counted by name.

usage: check_formats.py SUMSCOPE WORK_DIR
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys

exe, work = sys.argv[1], sys.argv[2]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def put(name, data):
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data)
    return path


def run(*args, stdin=None):
    p = subprocess.run([exe, *args], capture_output=True, input=stdin, timeout=60, cwd=work)
    p.stderr = p.stderr.decode(errors="replace")
    return p


def etl(buffer_size=0x10000, header_type=2, flags=0xC0, hook=0):
    """The first buffer of an ETW trace: WMI_BUFFER_HEADER (0x48 bytes:
    BufferSize at 0, the bytes in use at 0x30), then the logfile header's
    SYSTEM_TRACE_HEADER (version, header type, flags, size, hook id)."""
    hdr = bytearray(0x48)
    struct.pack_into("<I", hdr, 0, buffer_size)
    struct.pack_into("<I", hdr, 0x30, 0x200)
    system = struct.pack("<HBBHH", 2, header_type, flags, 0x130, hook) + b"\0" * 24
    body = bytes(hdr) + system
    return body + b"\xff" * (0x200 - len(body))


def netmon():
    """Network Monitor 2.x: "GMBU", version 2.3, the MAC type, a time."""
    return b"GMBU" + bytes([3, 2]) + struct.pack("<H", 1) + b"\0" * 120


def refused(what, name, data, words, command, stdin=False):
    path = put(name, data)
    p = run("-", stdin=data) if stdin else run("--json=out.json", name)
    lines = p.stderr.strip().splitlines()
    shown = "-" if stdin else name
    check("%s: exit 2, one line naming the file, %r and %r" % (what, words, command),
          p.returncode == 2 and len(lines) == 1 and shown in lines[0] and words in lines[0]
          and command in lines[0] and not os.path.exists(os.path.join(work, "out.json")),
          "exit %d: %r" % (p.returncode, p.stderr))
    return path


refused("Network Monitor .cap", "trace.cap", netmon(), "Network Monitor",
        "editcap -F pcapng trace.cap trace.pcapng")
refused("Network Monitor 1.x (RTSS)", "old.cap", b"RTSS" + b"\0" * 60, "Network Monitor",
        "editcap -F pcapng old.cap old.pcapng")
refused("pktmon .etl", "PktMon.etl", etl(), "Windows event trace",
        "etl2pcapng PktMon.etl PktMon.pcapng")
refused("netsh trace .etl, 32-bit header", "NetTrace.etl", etl(header_type=1, buffer_size=0x2000),
        "ETL", "etl2pcapng NetTrace.etl NetTrace.pcapng")
refused("an ETL file whatever its name", "capture.pcapng", etl(), "Windows event trace",
        "etl2pcapng capture.pcapng")
refused("zip", "capture.zip", b"PK\x03\x04" + b"\x14\0" + b"\0" * 40, "zip archive",
        "unzip capture.zip")
refused("a zip with a space in its name", "my capture.zip", b"PK\x03\x04" + b"\0" * 40,
        "zip archive", "unzip 'my capture.zip'")
refused("xz", "capture.pcap.xz", b"\xfd7zXZ\0" + b"\0" * 30, "xz-compressed", "xz -dk")
refused("bzip2", "capture.pcap.bz2", b"BZh91AY&SY" + b"\0" * 30, "bzip2-compressed",
        "bzip2 -dk")
refused("Network Monitor inside gzip", "trace.cap.gz", gzip.compress(netmon()),
        "Network Monitor capture inside the gzip-compressed file", "editcap -F pcapng")
refused("a capture compressed twice", "twice.pcap.gz",
        gzip.compress(gzip.compress(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))),
        "compressed twice", "decompress it once")
refused("Network Monitor on standard input", "stdin.cap", netmon(), "Network Monitor",
        "editcap -F pcapng in.cap out.pcapng", stdin=True)
refused("ETL on standard input", "stdin.etl", etl(), "ETL", "etl2pcapng in.etl out.pcapng",
        stdin=True)
refused("text: not a capture, and what it starts with", "download.pcap",
        b"<!DOCTYPE html><html><body>Not Found</body></html>\n", "not a capture",
        '"<!DOCTYPE html><"')
refused("binary junk: not a capture, its first bytes", "junk.pcap",
        bytes([0x13, 0x37, 0xbe, 0xef]) + b"\x00\x01" * 40, "not a capture",
        "13 37 be ef")

# Lookalikes: the first bytes of ETL with a wrong field are not ETL.
for what, data in (("flags without the marker bits", etl(flags=0x00)),
                   ("a hook id that is not the logfile header", etl(hook=0x0102)),
                   ("a buffer size that is no multiple of 1 KiB", etl(buffer_size=0x10010))):
    put("lookalike.etl", data)
    p = run("lookalike.etl")
    check("ETL lookalike (%s): 'not a capture', no conversion advice" % what,
          p.returncode == 2 and "not a capture" in p.stderr and "etl2pcapng" not in p.stderr,
          p.stderr)

# Link types: the new ones decode end to end; the ones still unsupported
# are counted per link type under libpcap's name.
IP = bytes([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0])


def pcap(linktype, frames):
    out = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, linktype)
    for i, f in enumerate(frames):
        out += struct.pack("<IIII", 1700000000 + i, 0, len(f), len(f)) + f
    return out


def report(name):
    p = subprocess.run([exe, "--json=-", name], capture_output=True, timeout=60, cwd=work)
    return json.loads(p.stdout)["capture"] if p.returncode in (0, 1, 3) else None


for lt, head, label in ((9, b"\xff\x03\x00\x21", "PPP"), (104, b"\x0f\x00\x08\x00", "Cisco HDLC"),
                        (50, b"\xff\x03\x00\x21", "PPP in HDLC framing")):
    put("link%d.pcap" % lt, pcap(lt, [head + IP] * 2))
    cap = report("link%d.pcap" % lt)
    check("%s capture: decoded, nothing skipped" % label, cap is not None and
          cap["link_types"] == [label] and cap["counters"]["unsupported"] == 0 and
          cap["counters"]["not_ip"] == 0 and cap["counters"]["invalid"] == 0, str(cap))
put("docsis.pcap", pcap(143, [b"\x01\x02\x03"] * 3))
cap = report("docsis.pcap")
check("an unsupported link type: counted under libpcap's name", cap is not None and
      cap["counters"]["unsupported"] == 3 and
      cap["unsupported_link_types"] == [{"linktype": 143, "name": "DOCSIS", "frames": 3}],
      str(cap))
p = subprocess.run([exe, "--color=never", "docsis.pcap"], capture_output=True, text=True,
                   cwd=work, timeout=60)
check("... and named in the text report", "unsupported link type DOCSIS (LINKTYPE 143): 3 "
      "frames" in p.stdout, p.stdout[-300:])
put("user0.pcap", pcap(147, [b"\x01"]))
p = subprocess.run([exe, "--json=-", "docsis.pcap", "user0.pcap", "docsis.pcap"],
                   capture_output=True, cwd=work, timeout=60)
cap = json.loads(p.stdout)["capture"]
check("several files: one counter per link type, LINKTYPE_n where libpcap has no name",
      cap["unsupported_link_types"] == [{"linktype": 143, "name": "DOCSIS", "frames": 6},
                                        {"linktype": 147, "name": "LINKTYPE_147", "frames": 1}],
      str(cap))

failed = [n for n, ok in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
