#!/usr/bin/env python3
"""sumscope never loses data: it never writes over an input or an existing
capture, an option never takes a capture's name for its output file, and no
partial output file is ever left. Every case hashes the files that must not
change before and after the run.

usage: check_output_safety.py SUMSCOPE SAMPLES_DIR WORK_DIR
"""
import gzip
import hashlib
import os
import resource
import shutil
import signal
import stat
import struct
import subprocess
import sys

exe, samples, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []


def run(*args, preexec=None):
    return subprocess.run([exe, *args], capture_output=True, text=True, timeout=60,
                          cwd=work, preexec_fn=preexec)


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def digest(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def copy(sample, name):
    dst = os.path.join(work, name)
    shutil.copyfile(os.path.join(samples, sample), dst)
    return dst


def leftovers(prefix):
    return [x for x in os.listdir(work) if x.startswith(prefix) and x != prefix]


def one_line(p):
    return len(p.stderr.strip().splitlines()) == 1


def refused(name, p, path, words, before, named=None):
    """Exit 2, one line naming NAMED (PATH's name) with WORDS, PATH's bytes
    unchanged."""
    named = named or os.path.basename(path)
    check(name, p.returncode == 2 and one_line(p) and named in p.stderr
          and words in p.stderr and digest(path) == before and not leftovers(
              os.path.basename(path)),
          "exit %d, stderr %r" % (p.returncode, p.stderr))


# The three ways the issue names, and their variants.
a = copy("demo.pcapng", "a.pcapng")
b = copy("msg-base.pcap", "b.pcap")
ha, hb = digest(a), digest(b)
p = run("--json", "a.pcapng", "b.pcap")
refused("--json a.pcapng b.pcap: the capture is not taken for the JSON file", p, a,
        "pcapng capture", ha)
check("... and b.pcap is untouched too", digest(b) == hb)
c = copy("demo.pcapng", "c.pcapng")
hc = digest(c)
p = run("--html", "c.pcapng", "b.pcap")
refused("--html c.pcapng b.pcap: the capture is not taken for the HTML file", p, c,
        "pcapng capture", hc)
d = copy("two-links.pcapng", "d.pcapng")
hd = digest(d)
p = run("--json=d.pcapng", "d.pcapng")
refused("--json=d.pcapng d.pcapng: its own input is not written over", p, d,
        "one of the captures being read", hd)
p = run("--html=b.pcap", "b.pcap")
refused("--html=b.pcap b.pcap: its own input (pcap) is not written over", p, b,
        "one of the captures being read", hb)
p = run("--json=b.pcap", "-r", "b.pcap")
refused("-r b.pcap --json=b.pcap: a -r file is an input too", p, b,
        "one of the captures being read", hb)
os.makedirs(os.path.join(work, "sub"), exist_ok=True)
p = run("--json=sub/../d.pcapng", "d.pcapng")
refused("the input under another spelling of its path", p, d, "being read", hd)
os.link(d, os.path.join(work, "hardlink.json"))
p = run("--json=hardlink.json", "d.pcapng")
refused("the input under another name (a hard link)", p, d, "being read", hd,
        "hardlink.json")
os.symlink("d.pcapng", os.path.join(work, "symlink.json"))
p = run("--json=symlink.json", "d.pcapng")
refused("the input through a symbolic link", p, d, "being read", hd, "symlink.json")
with open(b, "rb") as f:
    p = subprocess.run([exe, "--json=b.pcap", "-"], stdin=f, capture_output=True, text=True,
                       timeout=60, cwd=work)
refused("standard input redirected from the output's file", p, b, "being read", hb)

# An existing capture that is not an input, in every magic: never written over.
pcap_le = struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)
variants = {
    "pcap-le-us.json": pcap_le,
    "pcap-be-us.json": struct.pack(">IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1),
    "pcap-le-ns.json": struct.pack("<IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1),
    "pcap-be-ns.json": struct.pack(">IHHiIII", 0xA1B23C4D, 2, 4, 0, 0, 65535, 1),
    "pcapng.json": open(os.path.join(samples, "ipv6.pcapng"), "rb").read(),
    "gzip.json": gzip.compress(pcap_le),
    "zstd.json": b"\x28\xb5\x2f\xfd" + b"\0" * 20,
    "lz4.json": b"\x04\x22\x4d\x18" + b"\0" * 20,
    "netmon.json": b"GMBU" + b"\0" * 60,
}
for name, data in variants.items():
    path = os.path.join(work, name)
    with open(path, "wb") as f:
        f.write(data)
    h = digest(path)
    p = run("--json=" + name, "b.pcap")
    refused("an existing %s is never written over" % name[:-5], p, path, "refusing", h)
for tool in ("zstd", "lz4"):
    if shutil.which(tool):
        made = os.path.join(work, "made." + tool)
        args = [b, "-o", made] if tool == "zstd" else [b, made]
        subprocess.run([tool, "-q", "-f", *args], check=True)
        h = digest(made)
        p = run("--html", "made." + tool, "b.pcap")
        refused("a real %s-compressed capture is never written over" % tool, p, made,
                "compressed", h)

# A value that is an option, not a file name.
p = run("--json", "-q", "b.pcap")
check("--json -q: refused as an option, nothing written", p.returncode == 2 and one_line(p)
      and "-q" in p.stderr and not os.path.exists(os.path.join(work, "-q")), p.stderr)
p = run("--json")
check("--json without a value: exit 2", p.returncode == 2 and "--json" in p.stderr, p.stderr)
p = run("--json", "-", "b.pcap")
check("--json - still means standard output", p.returncode == 0 and
      p.stdout.lstrip().startswith("{"), p.stdout[:100] + p.stderr)
p = run("--json=same.out", "--html=./same.out", "b.pcap")
check("--json and --html naming one file: exit 2, nothing written", p.returncode == 2 and
      "same.out" in p.stderr and not leftovers("same.out") and
      not os.path.exists(os.path.join(work, "same.out")), p.stderr)

# What may be written over is: an old report, keeping its mode.
old = os.path.join(work, "old.json")
with open(old, "w") as f:
    f.write('{"old": true}\n')
os.chmod(old, 0o600)
p = run("--json=old.json", "b.pcap")
with open(old) as f:
    text = f.read()
check("an old report is replaced whole, its mode kept", p.returncode == 0 and
      '"allocations"' in text and stat.S_IMODE(os.stat(old).st_mode) == 0o600 and
      not leftovers("old.json"), p.stderr)

# A run that fails leaves the old report as it was and no temporary.
junk = os.path.join(work, "junk.pcap")
with open(junk, "w") as f:
    f.write("not a capture\n" * 10)
h = digest(old)
p = run("--json=old.json", "--html=new.html", "junk.pcap")
check("a failed run: old report unchanged, no new or temporary file", p.returncode == 2 and
      digest(old) == h and not os.path.exists(os.path.join(work, "new.html")) and
      not leftovers("old.json") and not leftovers("new.html"), p.stderr)


def small_files():
    """Writes past 4 KiB fail (EFBIG), as on a full disk."""
    signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))


p = run("--json=old.json", "--html=big.html", "b.pcap", preexec=small_files)
check("a write error: exit 2, one line naming the file, nothing half written, the old "
      "report kept", p.returncode == 2 and one_line(p) and "big.html" in p.stderr and
      digest(old) == h and not os.path.exists(os.path.join(work, "big.html")) and
      not leftovers("big.html") and not leftovers("old.json"), p.stderr)
p = run("--json=/dev/full", "b.pcap")
check("a device that fails writes: exit 2, and the device is still a device",
      p.returncode == 2 and "/dev/full" in p.stderr and
      stat.S_ISCHR(os.stat("/dev/full").st_mode), p.stderr)
fifo = os.path.join(work, "report.fifo")
os.mkfifo(fifo)
reader = subprocess.Popen(["cat", fifo], stdout=subprocess.PIPE)
p = run("--json=report.fifo", "b.pcap")
out = reader.communicate(timeout=60)[0]
check("a FIFO is written in place, not replaced by a file", p.returncode == 0 and
      out.lstrip().startswith(b"{") and stat.S_ISFIFO(os.stat(fifo).st_mode), p.stderr)
check("every input still has its bytes", digest(a) == ha and digest(b) == hb and
      digest(c) == hc and digest(d) == hd)

failed = [n for n, ok in results if not ok]
print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
sys.exit(1 if failed else 0)
