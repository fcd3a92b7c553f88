#!/usr/bin/env python3
"""A capture with one bad record in the middle is analysed up to it, as
tshark does, and the report says where (file, frame, byte offset) and why;
so is a file cut off mid-record. Files are built here byte by byte, so each
expected frame number and offset is known exactly.

usage: check_stopped.py SUMSCOPE SCHEMA WORK_DIR
"""
import gzip
import json
import os
import shutil
import struct
import subprocess
import sys

exe, schema_path, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []
try:
    import jsonschema
    with open(schema_path) as f:
        SCHEMA = json.load(f)
except ImportError:
    jsonschema = SCHEMA = None


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


IP = bytes([0x45, 0, 0, 40, 0, 1, 0x40, 0, 64, 6, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2,
            0xea, 0x60, 0xf3, 0x4e, 0, 0, 0, 1, 0, 0, 0, 0, 0x50, 0x02, 0xff, 0xff, 0, 0, 0, 0])
ETH = bytes([2, 0, 0, 0, 0, 2, 2, 0, 0, 0, 0, 1, 8, 0]) + IP  # a SYN to 62286
PCAP_HDR = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)


def rec(data, caplen=None, ts=1700000000):
    return struct.pack("<IIII", ts, 0, len(data) if caplen is None else caplen,
                       len(data)) + data


def block(btype, body):
    body += b"\0" * (-len(body) % 4)
    n = 12 + len(body)
    return struct.pack("<II", btype, n) + body + struct.pack("<I", n)


SHB = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))


def idb(linktype):
    return block(1, struct.pack("<HHI", linktype, 0, 65535))


def epb(data, iface=0, caplen=None):
    cap = len(data) if caplen is None else caplen
    return block(6, struct.pack("<IIIII", iface, 0x60000, 0, cap, len(data)) + data)


def put(name, data):
    with open(os.path.join(work, name), "wb") as f:
        f.write(data)
    return name


def run(*args, stdin=None):
    p = subprocess.run([exe, "--json=-", *args], capture_output=True, input=stdin,
                       timeout=60, cwd=work)
    try:
        doc = json.loads(p.stdout)
    except ValueError:
        doc = None
    return p.returncode, doc, p.stderr.decode(errors="replace")


def stopped(what, args, file, kind, frame, offset, words, packets, stdin=None):
    rc, doc, err = run(*args, stdin=stdin)
    cap = doc["capture"] if doc else {}
    st = cap.get("stopped", [])
    want = {"file": file, "kind": kind, "frame": frame, "offset": offset}
    got = {k: st[0].get(k) for k in want} if len(st) == 1 else st
    at = "frame %d" % frame + (", byte %d" % offset if offset is not None else "")
    check("%s: analysed up to frame %d, stopped noted (%s)" % (what, frame, kind),
          rc in (0, 1, 3) and got == want and words in st[0]["reason"] and
          cap["packets"] == packets, "exit %d, %s, %s" % (rc, st, err))
    lines = err.strip().splitlines()
    check("%s: one warning line naming the file, %s" % (what, at),
          len(lines) == 1 and file in lines[0] and at in lines[0], err)
    if jsonschema and doc:
        try:
            jsonschema.validate(doc, SCHEMA)
            ok, why = True, ""
        except jsonschema.ValidationError as e:
            ok, why = False, e.message
        check("%s: the JSON is valid by the schema" % what, ok, why)
    return doc


three = rec(ETH) * 3
tail = rec(ETH) * 2
bad_caplen = struct.pack("<IIII", 0, 0, 300000, 60) + ETH
stopped("pcap, a caplen of 300000 (over 256 KiB) in record 4",
        [put("big-caplen.pcap", PCAP_HDR + three + bad_caplen + tail)],
        "big-caplen.pcap", "bad_record", 4, 24 + 3 * 70, "300000", 3)
ng3 = SHB + idb(1) + epb(ETH) * 3
off4 = len(ng3)
lie = bytearray(epb(ETH))
lie[-4:] = struct.pack("<I", 12)
stopped("pcapng, a block whose trailing length lies",
        [put("trailer.pcapng", ng3 + bytes(lie) + epb(ETH))],
        "trailer.pcapng", "bad_record", 4, off4, "trailer", 3)
huge = bytearray(epb(ETH))
huge[4:8] = struct.pack("<I", 1 << 30)
stopped("pcapng, a block of 1 GiB",
        [put("huge.pcapng", ng3 + bytes(huge) + epb(ETH))],
        "huge.pcapng", "bad_record", 4, off4, "1073741824", 3)
stopped("pcapng, a captured length past its block",
        [put("caplen.pcapng", ng3 + epb(ETH, caplen=4000) + epb(ETH))],
        "caplen.pcapng", "bad_record", 4, off4, "short", 3)
mixed = SHB + idb(1) + idb(101) + epb(ETH) + epb(IP, iface=1)
stopped("pcapng of two link types (read without libpcap), a lying block",
        [put("mixed.pcapng", mixed + bytes(lie) + epb(ETH))],
        "mixed.pcapng", "bad_record", 3, len(mixed), "trailing length", 2)
stopped("pcap cut in the middle of record 4",
        [put("cut.pcap", PCAP_HDR + three + rec(ETH)[:30])],
        "cut.pcap", "cut_off", 4, 234, "ends in the middle", 3)
stopped("pcap cut inside the header of record 4",
        [put("cut-header.pcap", PCAP_HDR + three + rec(ETH)[:9])],
        "cut-header.pcap", "cut_off", 4, 234, "ends in the middle", 3)
with open(os.path.join(work, "big-caplen.pcap"), "rb") as f:
    data = f.read()
stopped("standard input: the frame, but no offset (it cannot be read again)", ["-"], "-",
        "bad_record", 4, None, "300000", 3, stdin=data)
stopped("gzip-compressed, the same bad record: offset in the decompressed file",
        [put("big-caplen.pcap.gz", gzip.compress(data))], "big-caplen.pcap.gz",
        "bad_record", 4, 234, "300000", 3)
z = gzip.compress(PCAP_HDR + three + tail)
stopped("gzip-compressed, cut in its trailer: every record whole, then cut off",
        [put("cut.pcap.gz", z[:len(z) - 6])], "cut.pcap.gz", "cut_off", 6, 24 + 5 * 70,
        "gzip data is cut off", 5)
stopped("a filter that keeps none of the records before it: still frame 4",
        ["-f", "udp", "big-caplen.pcap"], "big-caplen.pcap", "bad_record", 4, 234, "300000",
        0)

rc, doc, err = run(put("first-bad.pcap", PCAP_HDR + bad_caplen + tail))
check("the very first record bad: nothing to analyse, exit 2, one line naming the file",
      rc == 2 and len(err.strip().splitlines()) == 1 and "first-bad.pcap" in err, err)
put("good.pcap", PCAP_HDR + three)
rc, doc, err = run("big-caplen.pcap", "good.pcap")
st = doc["capture"]["stopped"] if doc else None
check("two files, the first stopping early: both read, only the first noted",
      rc in (0, 1, 3) and doc["capture"]["packets"] == 6 and len(st) == 1 and
      st[0]["file"] == "big-caplen.pcap", "%s %s" % (st, err))
rc, doc, err = run("good.pcap")
check("a whole file: 'stopped' is empty", doc is not None and doc["capture"]["stopped"] == [])

p = subprocess.run([exe, "--color=never", "trailer.pcapng"], capture_output=True, text=True,
                   cwd=work, timeout=60)
check("text report: the stop in the capture section",
      "trailer.pcapng: stopped at frame 4, byte %d" % off4 in p.stdout, p.stdout[-400:])
p = subprocess.run([exe, "-q", "--html=r.html", "cut.pcap"], capture_output=True,
                   text=True, cwd=work, timeout=60)
with open(os.path.join(work, "r.html")) as f:
    html = f.read()
check("HTML report: the stop under the title", "cut.pcap: cut off at frame 4, byte 234" in html)

failed = [n for n, ok in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
