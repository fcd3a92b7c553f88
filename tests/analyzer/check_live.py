#!/usr/bin/env python3
"""sumscope -i: a live capture, then the full report. Two network namespaces
made here, joined by a veth pair (10.199.0.1 and 10.199.0.2, inside them
only); a small real TLS exchange by Python sockets (a self-signed certificate
made here by openssl) from port 60000 to the control port 62286, as SUM's
message and control ports talk. Stopped by
--duration and by SIGINT; -f is the capture filter; -w keeps the capture,
never over an existing capture, and a SIGTERM leaves no partial file; a
port the target's firewall (nftables) drops is told on standard error while
the capture runs, once, before the full report.

usage: check_live.py SUMSCOPE SAMPLES_DIR WORK_DIR  (as root; exit 77 skips)
"""
import json
import os
import shutil
import signal
import subprocess
import sys
import threading
import time

exe, samples, work = sys.argv[1], sys.argv[2], sys.argv[3]
shutil.rmtree(work, ignore_errors=True)
os.makedirs(work)
results = []
NS_A, NS_B = "sumscope-live-%d-a" % os.getpid(), "sumscope-live-%d-b" % os.getpid()
ADDR_A, ADDR_B = "10.199.0.1", "10.199.0.2"

SERVER = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER); ctx.load_cert_chain(%r, %r)
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((%r, 62286)); s.listen(1); s.settimeout(20)
print("listening", flush=True)
c, _ = s.accept(); t = ctx.wrap_socket(c, server_side=True)
t.recv(100); t.sendall(b"control says hello"); t.close(); s.close()
""" % (os.path.join(work, "cert.pem"), os.path.join(work, "key.pem"), ADDR_B)
CLIENT = """
import socket, ssl
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
ctx.check_hostname = False; ctx.verify_mode = ssl.CERT_NONE
c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
c.bind((%r, 60000)); c.settimeout(10); c.connect((%r, 62286))
t = ctx.wrap_socket(c); t.sendall(b"message port calling"); t.recv(100); t.close()
""" % (ADDR_A, ADDR_B)


BLOCKED_CLIENT = """
import socket
c = socket.socket(); c.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
c.bind((%r, 60001)); c.settimeout(8)
try:
    c.connect((%r, 62286))
except OSError:
    pass
""" % (ADDR_A, ADDR_B)


def check(name, cond, detail=""):
    results.append((name, bool(cond)))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def sh(*args, check_rc=True):
    return subprocess.run(list(args), capture_output=True, text=True, check=check_rc,
                          timeout=30)


def in_ns(ns, *args):
    return ["ip", "netns", "exec", ns, *args]


def setup():
    sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj",
       "/CN=sumscope-live-test", "-keyout", os.path.join(work, "key.pem"), "-out",
       os.path.join(work, "cert.pem"))
    sh("ip", "netns", "add", NS_A)
    sh("ip", "netns", "add", NS_B)
    sh("ip", "link", "add", "vA", "netns", NS_A, "type", "veth", "peer", "name", "vB",
       "netns", NS_B)
    for ns, dev, addr in ((NS_A, "vA", ADDR_A), (NS_B, "vB", ADDR_B)):
        sh(*in_ns(ns, "ip", "addr", "add", addr + "/24", "dev", dev))
        sh(*in_ns(ns, "ip", "link", "set", dev, "up"))
        sh(*in_ns(ns, "ip", "link", "set", "lo", "up"))


def teardown():
    for ns in (NS_A, NS_B):
        sh("ip", "netns", "del", ns, check_rc=False)


def exchange():
    """One TCP connection 10.199.0.1:60000 -> 10.199.0.2:62286, data both ways."""
    server = subprocess.Popen(in_ns(NS_B, sys.executable, "-c", SERVER),
                              stdout=subprocess.PIPE, text=True)
    server.stdout.readline()  # listening
    client = subprocess.run(in_ns(NS_A, sys.executable, "-c", CLIENT), timeout=30)
    server.wait(timeout=30)
    return client.returncode == 0 and server.returncode == 0


def start(*args):
    p = subprocess.Popen(in_ns(NS_A, exe, "-i", "vA", *args), stdout=subprocess.PIPE,
                         stderr=subprocess.PIPE, text=True, cwd=work)
    time.sleep(1.5)  # the capture is up
    return p


def story(doc):
    chans = [(c["client_port"], c["server_port"]) for c in doc["channels"]]
    allocs = sorted((a["family"], a["port"]) for a in doc["allocations"])
    return chans, allocs


def main():
    if os.geteuid() != 0 or shutil.which("ip") is None or shutil.which("openssl") is None:
        print("skipped: needs root, iproute2 (network namespaces) and openssl")
        return 77
    try:
        setup()
    except (subprocess.CalledProcessError, OSError) as e:
        teardown()
        print("skipped: cannot make network namespaces here: %s" % e)
        return 77
    try:
        run_checks()
    finally:
        teardown()
    failed = [n for n, ok in results if not ok]
    print("%d passed, %d failed" % (len(results) - len(failed), len(failed)))
    return 1 if failed else 0


def live_blocked():
    """Findings as they become certain: after a SUM exchange, the target's
    firewall drops SYNs to 62286 and the SUM host tries again from 60001;
    PORT_BLOCKED must be told on standard error once, while the capture runs."""
    p = subprocess.Popen(in_ns(NS_A, exe, "-i", "vA", "--duration", "14", "--json=-"),
                         stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=work)
    lines = []
    reader = threading.Thread(target=lambda: [lines.append((time.monotonic(), l))
                                              for l in p.stderr])
    reader.start()
    time.sleep(1.5)
    exchange()
    sh(*in_ns(NS_B, "nft", "add", "table", "inet", "sumscope_live"))
    sh(*in_ns(NS_B, "nft", "add", "chain", "inet", "sumscope_live", "in",
              "{ type filter hook input priority 0 ; }"))
    sh(*in_ns(NS_B, "nft", "add", "rule", "inet", "sumscope_live", "in", "tcp", "dport",
              "62286", "drop"))
    subprocess.run(in_ns(NS_A, sys.executable, "-c", BLOCKED_CLIENT), timeout=30)
    sh(*in_ns(NS_B, "nft", "delete", "table", "inet", "sumscope_live"))
    out = p.stdout.read()
    p.wait(timeout=30)
    ended = time.monotonic()
    reader.join(timeout=10)
    told = [(t, l.strip()) for t, l in lines if "PORT_BLOCKED %s:62286" % ADDR_B in l]
    check("-i: PORT_BLOCKED told on standard error once, while the capture ran "
          "(seconds before its end)",
          len(told) == 1 and ended - told[0][0] > 2 and told[0][1].startswith("sumscope: ") and
          ADDR_A in told[0][1], "%s (ended at %.1f)" % ([(round(t, 1), l) for t, l in lines],
                                                     ended))
    doc = json.loads(out) if p.returncode in (0, 1, 3) else None
    check("and the full report at the end has it too",
          doc is not None and ("PORT_BLOCKED", ADDR_B, 62286) in
          [(f["code"], f["host"], f["port"]) for f in doc["findings"]], out[-300:])
    early = [l for _, l in lines if "sumscope: " in l and "PORT_" in l and "62286" not in l]
    if told:
        print("     " + told[0][1])
    check("nothing else told early (the exchange that went through is no finding)", not early,
          str(early))


def run_checks():
    live_blocked()
    kept = os.path.join(work, "kept.pcap")
    p = start("--duration", "4", "--json=live.json", "-w", "kept.pcap")
    ok = exchange()
    out, err = p.communicate(timeout=30)
    check("the exchange ran", ok)
    doc = json.load(open(os.path.join(work, "live.json"))) if p.returncode in (0, 1, 3) else None
    check("--duration 4: stops by itself, exit 0 or 1, the JSON written",
          doc is not None and doc["capture"]["files"] == ["vA (live)"], err)
    chans, allocs = story(doc) if doc else ([], [])
    check("the live report has the connection 60000 -> 62286 and both allocations",
          (60000, 62286) in chans and ("message", 60000) in allocs and
          ("control", 62286) in allocs, "%s %s" % (chans, allocs))
    check("and the text report went to standard output", "SUM port story" in out, out[:200])
    p2 = subprocess.run([exe, "--json=-", kept], capture_output=True, text=True, timeout=60)
    again = json.loads(p2.stdout) if p2.returncode in (0, 1, 3) else None
    check("-w kept the capture: a pcap that tells the same story",
          again is not None and doc is not None and story(again) == story(doc) and
          again["capture"]["packets"] == doc["capture"]["packets"], p2.stderr)

    p = start("--json=-")
    exchange()
    t0 = time.monotonic()
    p.send_signal(signal.SIGINT)
    out, err = p.communicate(timeout=30)
    doc = json.loads(out) if p.returncode in (0, 1, 3) else None
    check("SIGINT (Ctrl-C): the capture stops and the full report follows",
          doc is not None and (60000, 62286) in story(doc)[0] and time.monotonic() - t0 < 5,
          "exit %d %s" % (p.returncode, err))

    # -f with -w: the frames the report names are the -w file's, as
    # Wireshark numbers it (the kernel filter kept only what is in the file).
    p = start("--json=-", "--duration", "4", "-f", "tcp port 62286", "-w", "filtered.pcap")
    exchange()
    out, err = p.communicate(timeout=30)
    doc = json.loads(out) if p.returncode in (0, 1, 3) else None
    t = subprocess.run(["tshark", "-n", "-r", os.path.join(work, "filtered.pcap"), "-T",
                        "fields", "-e", "frame.number", "-e", "tcp.srcport", "-e",
                        "tcp.dstport"], capture_output=True, text=True, timeout=60)
    ws = {int(f[0]): (int(f[1]), int(f[2])) for f in
          (line.split("\t") for line in t.stdout.splitlines()) if len(f) == 3 and f[1]}
    chans = doc["channels"] if doc else []
    frames = [(c["first_frame"], c["last_frame"], c["client_port"], c["server_port"])
              for c in chans]
    check("-f and -w: each channel's first and last frames are the -w file's, as "
          "Wireshark numbers them",
          chans and all(ws.get(a) in ((cp, sp), (sp, cp)) and ws.get(b) in ((cp, sp), (sp, cp))
                        for a, b, cp, sp in frames) and max(ws) == doc["capture"]["packets"],
          "%s vs %s %s" % (frames, ws, err))

    p = start("--json=-", "--duration", "3", "-f", "tcp port 9")
    exchange()
    out, err = p.communicate(timeout=30)
    doc = json.loads(out) if p.returncode in (0, 1, 3) else None
    check("-f is the capture filter: none of the exchange kept",
          doc is not None and doc["capture"]["packets"] == 0, err)

    p = start("-q", "-w", "term.pcap")
    p.send_signal(signal.SIGTERM)
    p.communicate(timeout=30)
    check("SIGTERM during a capture with -w: no file, no temporary left",
          p.returncode == -signal.SIGTERM and
          not [x for x in os.listdir(work) if x.startswith("term.pcap")], str(p.returncode))

    shutil.copyfile(os.path.join(samples, "demo.pcapng"), os.path.join(work, "old.pcapng"))
    before = open(os.path.join(work, "old.pcapng"), "rb").read()
    p = subprocess.run(in_ns(NS_A, exe, "-i", "vA", "--duration", "1", "-w", "old.pcapng"),
                       capture_output=True, text=True, cwd=work, timeout=30)
    check("-w over an existing capture: refused before capturing, the file unchanged",
          p.returncode == 2 and "refusing" in p.stderr and "old.pcapng" in p.stderr and
          open(os.path.join(work, "old.pcapng"), "rb").read() == before, p.stderr)
    p = subprocess.run(in_ns(NS_A, exe, "-i", "nosuch0", "--duration", "1"),
                       capture_output=True, text=True, timeout=30)
    check("an interface that does not exist: exit 2, one line naming it",
          p.returncode == 2 and "nosuch0" in p.stderr and
          len(p.stderr.strip().splitlines()) == 1, p.stderr)


if __name__ == "__main__":
    sys.exit(main())
