#!/usr/bin/env python3
"""Writes the capture of one classic SUM deployment to many targets, as taken
on the SUM host's Ethernet port, with some failures, and the status each
target should get.

usage: make_deployment.py TARGETS OUT.pcap [--truth OUT.json] [--seed N]
                          [--blocked N] [--refused N] [--moved N]

SUM host 10.0.0.1 serves its targets (10.0.0.11 and up) in waves of eight at
once: a bootstrap (SSH, or SMB for every fourth target), a message connection
from 6000k to the target's control port 62286 (TLS), the target's callback
to 61001 (TLS), and for every twentieth target (iLO-like) a firmware fetch
over HTTP. Port 80 on the SUM host is held by another web server that a
client (10.9.0.5) browses, so firmware is served on 63000. Failures, on
targets drawn with the seed (defaults scale with TARGETS, 23/3/2 per 100):
  blocked  the SUM host's firewall drops the target's callbacks to 61001
           (a SYN and two retransmissions, never answered)
  refused  no SUM agent on the target: 62286 and 62287 answer with a reset
  moved    a banner service holds the target's 62286: its agent is on 62287
The truth file maps each target to the status core/sum-status.c should give:
ok, blocked, refused, or fell-back (moved, and the firmware targets).
"""
import argparse
import json
import os
import random
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_mixed import HTTP_GET, HTTP_OK, TLS_DATA, TLS_HELLO, ip_tcp  # noqa: E402

SYN, FIN_ACK, RST, RST_ACK, ACK, PSH_ACK, SYN_ACK = 0x02, 0x11, 0x04, 0x14, 0x10, 0x18, 0x12
SUMH = bytes([10, 0, 0, 1])
DECOY = bytes([10, 9, 0, 5])
WAVE = 8          # targets served at once: message ports 60000-60007
WAVE_S = 6.0      # seconds a wave takes
T0 = 1700000000.0


def target_addr(i):
    n = (10 << 24) + 11 + i
    return struct.pack("!I", n)


def dotted(a):
    return ".".join(str(b) for b in a)


class Tcp:
    """One TCP connection whose segments are scheduled at given times."""

    def __init__(self, ev, c, s, cp, sp):
        self.ev, self.c, self.s, self.cp, self.sp = ev, c, s, cp, sp
        self.cseq, self.sseq = 1000, 5000

    def _c(self, t, flags, data=b""):
        self.ev.append((t, ip_tcp(self.c, self.s, self.cp, self.sp, flags, self.cseq,
                                  self.sseq if flags != SYN else 0, data)))
        self.cseq += len(data) + (1 if flags & 0x03 else 0)

    def _s(self, t, flags, data=b""):
        self.ev.append((t, ip_tcp(self.s, self.c, self.sp, self.cp, flags, self.sseq,
                                  self.cseq, data)))
        self.sseq += len(data) + (1 if flags & 0x03 else 0)

    def open(self, t):
        self._c(t, SYN)
        self._s(t + 0.0004, SYN_ACK)
        self._c(t + 0.0008, ACK)

    def talk(self, t, req, resp):
        self._c(t, PSH_ACK, req)
        self._s(t + 0.002, PSH_ACK, resp)

    def close(self, t):
        self._c(t, FIN_ACK)
        self._s(t + 0.0004, FIN_ACK)
        self._c(t + 0.0008, ACK)

    def whole(self, t0, t1, req, resp, rounds=1):
        self.open(t0)
        for k in range(rounds):
            self.talk(t0 + 0.01 + (t1 - t0 - 0.02) * k / max(rounds, 1), req, resp)
        self.close(t1)

    def dropped(self, times):
        for t in times:
            self.cseq = 1000
            self._c(t, SYN)

    def reset(self, t):
        self._c(t, SYN)
        self.ev.append((t + 0.0003, ip_tcp(self.s, self.c, self.sp, self.cp, RST_ACK, 0,
                                           self.cseq, b"")))


SMB = b"\x00\x00\x00\x40\xfeSMB" + b"\x40\x00" + b"\0" * 56
SSH_S = b"SSH-2.0-OpenSSH_9.2p1 Debian-2\r\n"
SSH_C = b"SSH-2.0-OpenSSH_9.2p1\r\n"
BANNER = b"220 inventory agent ready\r\n"


def message_port(busy, start, end):
    """SUM's choice: the first message port free at START (sequential, first
    free from the base: SUM-PORTS.md), held until END."""
    p = 60000
    while busy.get(p, 0) > start:
        p += 1
    busy[p] = end
    return p


def serve(ev, i, t, b, busy, kind, ilo):
    """Target I (address T) served from time B; BUSY: message ports in use."""
    if i % 4 == 3:
        Tcp(ev, SUMH, t, 45000 + i % 15000, 445).whole(b, b + 0.4, SMB, SMB, rounds=3)
    else:
        Tcp(ev, SUMH, t, 45000 + i % 15000, 22).whole(b, b + 0.4, SSH_C, SSH_S, rounds=3)
    end = b + (0.61 if kind == "refused" else 4.21)
    msg = message_port(busy, b + 0.5, end)
    if kind == "refused":
        Tcp(ev, SUMH, t, msg, 62286).reset(b + 0.5)
        Tcp(ev, SUMH, t, msg, 62287).reset(b + 0.6)
        return
    port, start = 62286, b + 0.5
    if kind == "moved":
        probe = Tcp(ev, SUMH, t, msg, 62286)
        probe.open(b + 0.5)
        probe.talk(b + 0.52, TLS_HELLO, BANNER)
        probe._c(b + 0.55, RST)
        port, start = 62287, b + 0.7
    Tcp(ev, SUMH, t, msg, port).whole(start, b + 4.2, TLS_HELLO, TLS_DATA, rounds=3)
    cb = Tcp(ev, t, SUMH, 40000 + i % 20000, 61001)
    if kind == "blocked":
        cb.dropped([b + 1.5, b + 2.5, b + 4.5])
    else:
        cb.whole(b + 1.5, b + 3.0, TLS_HELLO, TLS_DATA)
    if ilo:
        Tcp(ev, t, SUMH, 41000 + i % 20000, 63000).whole(b + 2.0, b + 2.6, HTTP_GET, HTTP_OK)


def deployment(n, rng, blocked, refused, moved):
    ilo = {i for i in range(n) if i % 20 == 19}
    plain = [i for i in range(n) if i not in ilo]
    picked = rng.sample(plain, blocked + refused + moved)
    kinds = {}
    for k, i in enumerate(picked):
        kinds[i] = "blocked" if k < blocked else "refused" if k < blocked + refused else "moved"
    ev, busy = [], {}
    for i in range(n):
        wave, slot = divmod(i, WAVE)
        b = T0 + wave * WAVE_S + slot * 0.05
        serve(ev, i, target_addr(i), b, busy, kinds.get(i, "ok"), i in ilo)
    # The other web server on the SUM host's port 80, browsed now and then.
    for k in range(int(n / WAVE * WAVE_S / 20) + 1):
        Tcp(ev, DECOY, SUMH, 50000 + k, 80).whole(T0 + k * 20 + 0.3, T0 + k * 20 + 0.5,
                                                  HTTP_GET, HTTP_OK)
    truth = {}
    for i in range(n):
        kind = kinds.get(i, "ok")
        status = {"moved": "fell-back"}.get(kind, kind)
        if i in ilo:
            status = "fell-back"  # firmware on 63000: 80 is taken
        truth[dotted(target_addr(i))] = status
    return ev, truth


def write_pcap(path, ev):
    ev.sort(key=lambda e: e[0])
    with open(path, "wb", buffering=1 << 20) as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for t, data in ev:
            sec = int(t)
            us = int(round((t - sec) * 1e6))
            if us >= 1000000:
                sec, us = sec + 1, us - 1000000
            f.write(struct.pack("<IIII", sec, us, len(data), len(data)) + data)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("targets", type=int)
    ap.add_argument("out")
    ap.add_argument("--truth")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--blocked", type=int)
    ap.add_argument("--refused", type=int)
    ap.add_argument("--moved", type=int)
    a = ap.parse_args()
    n = a.targets
    blocked = a.blocked if a.blocked is not None else round(n * 0.23)
    refused = a.refused if a.refused is not None else max(1, round(n * 0.03))
    moved = a.moved if a.moved is not None else max(1, round(n * 0.02))
    if n < 1 or blocked + refused + moved > n - n // 20:
        sys.exit("make_deployment.py: more failures than targets")
    ev, truth = deployment(n, random.Random(a.seed), blocked, refused, moved)
    write_pcap(a.out, ev)
    if a.truth:
        with open(a.truth, "w") as f:
            json.dump({"sum_host": dotted(SUMH), "targets": truth}, f, indent=1)
    print("%d targets, %d packets in %s" % (n, len(ev), a.out))


if __name__ == "__main__":
    main()
