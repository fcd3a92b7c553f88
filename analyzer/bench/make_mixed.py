#!/usr/bin/env python3
"""Writes a mixed capture for the benchmarks: mostly ordinary traffic (web,
DNS, a bulk transfer, clients with ephemeral ports in 60000-60999) with a few
SUM deployments woven through it.

usage: make_mixed.py PACKETS OUT.pcap [--flood]
  --flood: instead, a SYN scan of distinct connections towards SUM ports
           (for the memory bound), with one real SUM deployment inside.
"""
import random
import struct
import sys


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


ETH = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x08\x00"


def ip_tcp(src, dst, sport, dport, flags, seq, ack, payload=b""):
    tcp = struct.pack("!HHIIBBHHH", sport, dport, seq & 0xFFFFFFFF, ack & 0xFFFFFFFF, 0x50,
                      flags, 64240, 0, 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, 64, 6, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return ETH + hdr + tcp


def ip_udp(src, dst, sport, dport, payload):
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return ETH + hdr + udp


TLS_HELLO = b"\x16\x03\x01\x00\x40" + b"\x01" + b"\0" * 63
TLS_DATA = b"\x17\x03\x03\x00\x20" + b"\xaa" * 32
HTTP_GET = b"GET /fw.bin HTTP/1.1\r\nHost: x\r\n\r\n"
HTTP_OK = b"HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nDATA"


def addr(n):
    return bytes([10, (n >> 16) & 255, (n >> 8) & 255, n & 255])


class Writer:
    def __init__(self, f):
        self.f = f
        self.n = 0
        self.t = 1700000000.0
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))

    def pkt(self, data, dt=0.00002):
        self.t += dt
        sec = int(self.t)
        us = int((self.t - sec) * 1e6)
        self.f.write(struct.pack("<IIII", sec, us, len(data), len(data)) + data)
        self.n += 1


def conversation(w, c, s, cp, sp, req, resp, rounds=1):
    """A whole TCP connection: handshake, data, FIN both ways."""
    w.pkt(ip_tcp(c, s, cp, sp, 0x02, 100, 0))
    w.pkt(ip_tcp(s, c, sp, cp, 0x12, 900, 101))
    w.pkt(ip_tcp(c, s, cp, sp, 0x10, 101, 901))
    for _ in range(rounds):
        w.pkt(ip_tcp(c, s, cp, sp, 0x18, 101, 901, req))
        w.pkt(ip_tcp(s, c, sp, cp, 0x18, 901, 101 + len(req), resp))
    w.pkt(ip_tcp(c, s, cp, sp, 0x11, 101 + len(req), 901 + len(resp)))
    w.pkt(ip_tcp(s, c, sp, cp, 0x11, 901 + len(resp), 102 + len(req)))
    w.pkt(ip_tcp(c, s, cp, sp, 0x10, 102 + len(req), 902 + len(resp)))


def sum_deployment(w, host, first_target, n_targets):
    sumh = addr(host)
    for i in range(n_targets):
        t = addr(first_target + i)
        conversation(w, sumh, t, 60000 + i, 62286, TLS_HELLO, TLS_DATA, rounds=3)
        conversation(w, t, sumh, 40000 + i, 61001, TLS_HELLO, TLS_DATA)
        conversation(w, t, sumh, 41000 + i, 80, HTTP_GET, HTTP_OK)


def mixed(w, total):
    """Ordinary traffic with ten SUM deployments spread through it: the SUM
    story is the same size whatever the capture's size, so what grows with
    the packets is only what sumscope must not keep."""
    rng = random.Random(7)
    deployments = 0
    every = max(total // 10, 1)
    while w.n < total:
        if w.n >= deployments * every and deployments < 10:
            sum_deployment(w, 0x050000 + deployments, 0x060000 + deployments * 16, 4)
            deployments += 1
            continue
        r = rng.random()
        c = addr(0x010000 + rng.randrange(4000))
        s = addr(0x020000 + rng.randrange(200))
        if r < 0.55:  # web over TLS, client ports across the whole ephemeral range
            cp = rng.randrange(32768, 61000)
            conversation(w, c, s, cp, 443, TLS_HELLO, TLS_DATA, rounds=rng.randrange(1, 6))
        elif r < 0.75:  # plain HTTP to 8080
            conversation(w, c, s, rng.randrange(32768, 61000), 8080, HTTP_GET, HTTP_OK)
        elif r < 0.97:  # DNS
            q = struct.pack("!HHHHHH", rng.randrange(65536), 0x0100, 1, 0, 0, 0) + b"\x03www\0\0\1\0\1"
            w.pkt(ip_udp(c, s, rng.randrange(32768, 61000), 53, q))
            w.pkt(ip_udp(s, c, 53, 40000, q))
        else:  # a bulk transfer over SSH (a bootstrap port: tracked, then let go)
            cp = rng.randrange(32768, 61000)
            conversation(w, c, s, cp, 22, b"x" * 1200, b"y" * 1200, rounds=20)


def flood(w, total):
    # One real deployment first, then a SYN scan of distinct connections
    # towards SUM ports of many addresses, then another deployment.
    sum_deployment(w, 0x050001, 0x060001, 3)
    rng = random.Random(9)
    scanner = addr(0x0A0000)
    ports = [62286, 60000, 61001, 63000, 445]
    i = 0
    while w.n < total - 200:
        dst = addr(0x100000 + (i % 0xEFFFFF))
        w.pkt(ip_tcp(scanner, dst, 1024 + (i % 60000), ports[i % len(ports)], 0x02,
                     rng.randrange(1 << 32), 0), dt=0.000001)
        i += 1
    sum_deployment(w, 0x050002, 0x060101, 3)


def main():
    total = int(sys.argv[1])
    with open(sys.argv[2], "wb", buffering=1 << 20) as f:
        w = Writer(f)
        if "--flood" in sys.argv:
            flood(w, total)
        else:
            mixed(w, total)
    print("%d packets in %s" % (w.n, sys.argv[2]))


if __name__ == "__main__":
    main()
