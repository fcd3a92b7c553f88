#!/usr/bin/env python3
"""Writes the hostile capture corpus and the behaviour each must get.

Each case is a file sumscope must survive: either a clear file error (exit 2,
one line naming the file) or an analysis that skips and counts the bad frames
(exit 0 or 1). Files are made here, byte by byte, so every lie is deliberate
and documented; run: make_hostile.py OUTDIR (writes OUTDIR/*.pcap[ng] and
OUTDIR/expect.json).
"""
import json
import os
import struct
import sys

LE = "<"


def pcap_header(linktype=1, snaplen=65535, magic=0xA1B2C3D4):
    return struct.pack(LE + "IHHiIII", magic, 2, 4, 0, 0, snaplen, linktype)


def record(data, ts=1700000000, us=0, caplen=None, wirelen=None):
    caplen = len(data) if caplen is None else caplen
    wirelen = len(data) if wirelen is None else wirelen
    return struct.pack(LE + "IIII", ts, us, caplen, wirelen) + data


def csum(b):
    if len(b) % 2:
        b += b"\0"
    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


def ether(payload, ethertype=0x0800):
    return b"\x02\0\0\0\0\x02" + b"\x02\0\0\0\0\x01" + struct.pack("!H", ethertype) + payload


def ipv4(payload, proto=6, src=b"\x0a\0\0\x01", dst=b"\x0a\0\0\x0b", ihl=5, total=None,
         options=b""):
    total = 20 + len(options) + len(payload) if total is None else total
    hdr = struct.pack("!BBHHHBBH4s4s", 0x40 | ihl, 0, total, 1, 0x4000, 64, proto, 0, src, dst)
    hdr = hdr[:10] + struct.pack("!H", csum(hdr + options)) + hdr[12:]
    return hdr + options + payload


def tcp(sport=60000, dport=62286, flags=0x02, seq=1000, ack=0, doff=5, payload=b""):
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, doff << 4, flags, 64240, 0, 0) + payload


def ipv6(payload, nxt=6, src=b"\xfd\x77" + b"\0" * 13 + b"\x01",
         dst=b"\xfd\x77" + b"\0" * 13 + b"\x0b", plen=None):
    plen = len(payload) if plen is None else plen
    return struct.pack("!IHBB16s16s", 0x60000000, plen, nxt, 64, src, dst) + payload


def syn_frame(**kw):
    return ether(ipv4(tcp(**kw)))


def pcapng_block(btype, body):
    pad = (-len(body)) % 4
    total = 12 + len(body) + pad
    return struct.pack(LE + "II", btype, total) + body + b"\0" * pad + struct.pack(LE + "I", total)


def pcapng_shb():
    return pcapng_block(0x0A0D0D0A, struct.pack(LE + "IHHq", 0x1A2B3C4D, 1, 0, -1))


def pcapng_idb(linktype, snaplen=65535):
    return pcapng_block(1, struct.pack(LE + "HHI", linktype, 0, snaplen))


def pcapng_epb(iface, data, ts_us=1700000000 * 1000000):
    body = struct.pack(LE + "IIIII", iface, ts_us >> 32, ts_us & 0xFFFFFFFF, len(data), len(data))
    body += data + b"\0" * ((-len(data)) % 4)
    return pcapng_block(6, body)


def cases():
    # A well-formed frame that is not SUM: files whose lie is in the file
    # format must yield no SUM story. Lying headers below use SUM ports, so
    # trusting the lie would show up as a SUM allocation or finding.
    good = syn_frame(sport=40000, dport=443)
    out = {}
    # name: (bytes, expectation). Exit 3: analysed, and no SUM in it (none of
    # these frames is SUM: trusting a lie would show up as SUM, exit 1).
    out["empty.pcap"] = (b"", {"exit": [2], "why": "empty file"})
    out["not-a-capture.pcap"] = (b"This is a text file, not a capture.\n" * 4,
                                 {"exit": [2], "why": "not a capture"})
    out["wrong-magic.pcap"] = (pcap_header(magic=0xDEADBEEF) + record(good),
                               {"exit": [2], "why": "wrong magic"})
    out["truncated-file-header.pcap"] = (pcap_header()[:13],
                                         {"exit": [2], "why": "file header cut at 13 bytes"})
    out["truncated-record.pcap"] = (pcap_header() + record(good) + record(good)[:30],
                                    {"exit": [1, 2, 3], "why": "last record cut mid-packet"})
    out["truncated-record-header.pcap"] = (pcap_header() + record(good) + record(good)[:9],
                                           {"exit": [1, 2, 3], "why": "last record header cut"})
    out["caplen-over-snaplen.pcap"] = (pcap_header(snaplen=40) + record(good),
                                       {"exit": [1, 2, 3],
                                        "why": "caplen 54 in a file whose snaplen is 40"})
    out["absurd-caplen.pcap"] = (pcap_header() + struct.pack(LE + "IIII", 0, 0, 0xFFFFFFF0, 60)
                                 + good, {"exit": [2], "why": "caplen 4 GiB"})
    out["caplen-lie-mid-file.pcap"] = (
        pcap_header() + record(good) * 3 + struct.pack(LE + "IIII", 0, 0, 0xFFFFFFF0, 60) + good
        + record(good), {"exit": [3], "packets": 3,
                         "why": "caplen 4 GiB in record 4: the 3 before it analysed"})
    frames = b"".join(record(good, ts=1700000000 - i * 10) for i in range(5))
    out["time-backwards.pcap"] = (pcap_header() + frames,
                                  {"exit": [1, 3], "why": "timestamps going backwards"})
    ng = (pcapng_shb() + pcapng_idb(1) + pcapng_block(0x0BAD0BAD, b"unknown block body!!")
          + pcapng_idb(101) + pcapng_epb(0, good) + pcapng_epb(1, ipv4(tcp()))
          + pcapng_block(0x80000001, b"custom-ish"))
    out["pcapng-unknown-blocks-two-linktypes.pcapng"] = (
        ng, {"exit": [1, 3], "packets": 2, "link_types": 2, "story": True,
             "why": "unknown blocks; interfaces of Ethernet and raw IP (libpcap refuses)"})
    ng1 = pcapng_shb() + pcapng_idb(1) + pcapng_block(0x0BAD0BAD, b"unknown block") \
        + pcapng_epb(0, good)
    out["pcapng-unknown-block.pcapng"] = (ng1, {"exit": [1, 3], "why": "an unknown block"})
    out["ipv4-ihl-under-5.pcap"] = (pcap_header() + record(ether(ipv4(tcp(), ihl=3))),
                                    {"exit": [3], "counter": "invalid", "why": "IPv4 IHL 3"})
    out["ipv4-total-length-lying.pcap"] = (
        pcap_header() + record(ether(ipv4(tcp(), total=9000))) +
        record(ether(ipv4(tcp(), total=12))),
        {"exit": [3], "counter_any": ["invalid", "truncated"],
         "why": "total length 9000 in a 54-byte frame; 12 under the header"})
    out["tcp-data-offset-lying.pcap"] = (
        pcap_header() + record(ether(ipv4(tcp(doff=15)))) + record(ether(ipv4(tcp(doff=2)))),
        {"exit": [3], "counter_any": ["invalid", "truncated"],
         "why": "TCP data offset 15 (past the segment) and 2 (under 5)"})
    # IPv6: hop-by-hop -> destination options -> routing, each pointing on,
    # the last one cut by the end of the frame.
    ext = struct.pack("!BB6s", 60, 0, b"\0" * 6) + struct.pack("!BB6s", 43, 0, b"\0" * 6) \
        + struct.pack("!BB", 6, 4)
    out["ipv6-ext-headers-to-end.pcap"] = (
        pcap_header() + record(ether(ipv6(ext, nxt=0), ethertype=0x86DD)),
        {"exit": [3], "counter_any": ["invalid", "truncated"],
         "why": "IPv6 extension headers chained to the end of the frame"})
    # A zero-length extension loop would never end if lengths were trusted.
    loop = struct.pack("!BB6s", 0, 0, b"\0" * 6) * 64
    out["ipv6-ext-header-chain-long.pcap"] = (
        pcap_header() + record(ether(ipv6(loop, nxt=0), ethertype=0x86DD)),
        {"exit": [3], "why": "64 hop-by-hop headers in a row"})
    out["snaplen-cut-tcp.pcap"] = (
        pcap_header(snaplen=40) + record(good[:40], wirelen=len(good)),
        {"exit": [3], "counter_any": ["truncated"], "why": "TCP header cut by the snap length"})
    out["unsupported-linktype.pcap"] = (pcap_header(linktype=147) + record(b"\x01\x02\x03"),
                                        {"exit": [3], "counter": "unsupported",
                                         "why": "LINKTYPE_USER0"})
    vlan = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01\x81\x00\x00\x05\x81\x00"
    out["vlan-tag-cut.pcap"] = (pcap_header() + record(vlan),
                                {"exit": [3], "counter_any": ["truncated", "invalid"],
                                 "why": "802.1Q tags chained to the end of the frame"})
    return out


def main():
    outdir = sys.argv[1]
    os.makedirs(outdir, exist_ok=True)
    expect = {}
    for name, (data, exp) in cases().items():
        with open(os.path.join(outdir, name), "wb") as f:
            f.write(data)
        expect[name] = exp
    with open(os.path.join(outdir, "expect.json"), "w") as f:
        json.dump(expect, f, indent=1, sort_keys=True)
    print("%d hostile captures in %s" % (len(expect), outdir))


if __name__ == "__main__":
    main()
