#!/usr/bin/python3
"""sumemu: an HP SUM emulator (classic 4.x-6.x, 7.x, 8.x) and scenario runner.

It stages each scenario in Linux network namespaces (a SUM host, targets and
decoy hosts joined by veth pairs into a bridge namespace), runs real kernel TCP,
real TLS (python ssl), real HTTP and a real sshd there, captures the wire with
tcpdump and writes the ground truth (samples/<name>.truth.json) from its own
log of what it did. The port plan followed is /work/shared/SUM-PORTS.md (the
guide page, and its table of later generations as docs/generations.md reads
it); how allocations, causes and findings are defined is
docs/reconstruction.md. The rules are coded once, in truth_from_log() and
root_causes(). The scenarios are in sumemu_scenarios.py.

Processes:
  sumemu.py list                            the scenarios, one line each
  sumemu.py generate OUTDIR [scenario...]   orchestrator (root)
  sumemu.py worker NAME CERTDIR             one per namespace, started by the
                                            orchestrator via `ip netns exec`;
                                            JSON lines on stdin/stdout
  sumemu.py cleanup                         remove leftover ssg-* namespaces

Determinism: every step is serialised by the orchestrator (one command at a
time, each worker answers when its step is done), addresses are fixed, every
client socket binds a fixed source port (message ports: first free from
60000, as SUM does). Same scenario -> same flows and truth; only timestamps,
TLS/SSH random bytes and the number of SYN retransmissions of a dropped
attempt may differ.

Python 3 standard library only.
"""

import array
import errno
import fcntl
import json
import os
import shutil
import signal
import socket
import ssl
import struct
import subprocess
import sys
import tempfile
import threading
import time
import uuid

# SUMEMU_NS_PREFIX: another prefix for the lab's namespaces, so two runs on one
# machine do not remove each other's.
NS_PREFIX = os.environ.get("SUMEMU_NS_PREFIX", "ssg-")
BR_NS = NS_PREFIX + "br"
HERE = os.path.dirname(os.path.abspath(__file__))

# The guide's port plan (SUM-PORTS.md).
MSG_BASE, MSG_END = 60000, 60007
CB_BASE, CB_END = 61000, 61007
CTRL_BASE = 62286
FW_SEQ = [80] + list(range(63000, 63011))   # 63000-63005 documented
FW_END = 63005
RANGE_END = {"message": MSG_END, "callback": CB_END, "firmware": FW_END}
CONTROL_TRIES = 2      # the SUM host tries 62286, then 62287, then gives up
CONNECT_TIMEOUT = 3.0  # seconds; caps a dropped attempt (2-3 SYNs on the wire)

# SUM 7.x and later (SUM-PORTS.md, "Later SUM generations"; docs/generations.md):
# the SUM host's built-in web server, HTTP and HTTPS; --port/--ssl_port move them.
WEB_HTTP, WEB_HTTPS = 63001, 63002
WMI_DYNAMIC = 49668    # the DCOM endpoint a Windows target hands out after 135


def log(*a):
    print("[sumemu]", *a, file=sys.stderr, flush=True)


# ---------------------------------------------------------------------------
# Worker: runs inside one namespace, does what the orchestrator asks.
# ---------------------------------------------------------------------------

def nbns_name(name):
    """NetBIOS first-level encoding (RFC 1002 4.1): 32 bytes + length/terminator."""
    raw = name.upper().ljust(15)[:15].encode() + b"\x20"
    enc = b"".join(bytes([0x41 + (c >> 4), 0x41 + (c & 15)]) for c in raw)
    return b"\x20" + enc + b"\x00"


def smb1_negotiate():
    """An SMB1 NEGOTIATE request offering NT LM 0.12 and SMB 2.x, in a
    NetBIOS session message (what Windows clients send first on 445/139)."""
    dialects = b"\x02NT LM 0.12\x00\x02SMB 2.002\x00\x02SMB 2.???\x00"
    hdr = (b"\xffSMB" + b"\x72" + b"\x00" * 4 + b"\x18" + b"\x53\xc8" +
           b"\x00" * 2 + b"\x00" * 8 + b"\x00" * 2 + b"\xff\xff" +
           b"\xfe\xca" + b"\x00\x00" + b"\x00\x00")
    body = b"\x00" + struct.pack("<H", len(dialects)) + dialects
    msg = hdr + body
    return b"\x00" + len(msg).to_bytes(3, "big") + msg


def smb2_negotiate_response():
    hdr = (b"\xfeSMB" + struct.pack("<HHI", 64, 0, 0) + struct.pack("<HH", 0, 1) +
           struct.pack("<II", 1, 0) + struct.pack("<Q", 0) + struct.pack("<I", 0) +
           struct.pack("<I", 0) + struct.pack("<Q", 0) + b"\x00" * 16)
    body = (struct.pack("<HHHH", 65, 1, 0x02ff, 0) + b"SUMEMU-GUID-0001" +
            struct.pack("<IIII", 0, 65536, 65536, 65536) + b"\x00" * 16 +
            struct.pack("<HHI", 0, 0, 0))
    msg = hdr + body
    return b"\x00" + len(msg).to_bytes(3, "big") + msg


def browser_announce():
    """SMB Transaction to \\MAILSLOT\\BROWSE carrying a Host Announcement: the
    usual payload of a NetBIOS datagram on UDP 138."""
    name = b"\\MAILSLOT\\BROWSE\x00"
    data = (b"\x01\x00" + struct.pack("<I", 60000) + b"SUMHOST".ljust(16, b"\x00") +
            b"\x06\x01" + struct.pack("<I", 0x00001003) + b"\x0f\x01\x55\xaa" + b"SUM\x00")
    off = 32 + 1 + 34 + 2 + len(name)
    words = (struct.pack("<HHHHBBHIHHHHH", 0, len(data), 0, 0, 0, 0, 0, 0, 0, 0, 0,
                         len(data), off) + b"\x03\x00" + struct.pack("<HHH", 1, 1, 2))
    hdr = (b"\xffSMB\x25" + b"\x00" * 4 + b"\x00" + b"\x00\x00" + b"\x00" * 12 +
           b"\x00\x00" + b"\x00\x00" + b"\x00\x00" + b"\x00\x00")
    return hdr + b"\x11" + words + struct.pack("<H", len(name) + len(data)) + name + data


def ssh_kexinit():
    def nl(s):
        return struct.pack(">I", len(s)) + s.encode()
    payload = (b"\x14" + b"\x11" * 16 + nl("curve25519-sha256") + nl("ssh-ed25519") +
               nl("aes128-ctr") * 2 + nl("hmac-sha2-256") * 2 + nl("none") * 2 +
               nl("") * 2 + b"\x00" + b"\x00" * 4)
    pad = 8 - ((len(payload) + 5) % 8)
    if pad < 4:
        pad += 8
    return struct.pack(">IB", len(payload) + 1 + pad, pad) + payload + b"\x00" * pad


FW_BODY = bytes((i * 7 + 3) & 0xFF for i in range(600))   # the "firmware file"


# DCE/RPC connection-oriented PDUs (C706 chapter 12, MS-RPCE 2.2.2): the binds
# a Windows management client sends first on 135 and on a DCOM endpoint.
NDR_SYNTAX = ("8a885d04-1ceb-11c9-9fe8-08002b104860", 2, 0)
RPC_IFACES = {
    "epm": ("e1af8308-5d1f-11c9-91a4-08002b14a0fa", 3, 0),              # endpoint mapper
    "isystemactivator": ("000001a0-0000-0000-c000-000000000046", 0, 0),  # DCOM activation
    "iwbemlevel1login": ("f309ad18-d86a-11d0-a075-00c04fb68820", 0, 0),  # WMI login
}


def rpc_syntax(sx):
    u, major, minor = sx
    return uuid.UUID(u).bytes_le + struct.pack("<HH", major, minor)


def rpc_pdu(ptype, body, call_id):
    """Common header: version 5.0, PFC_FIRST_FRAG|PFC_LAST_FRAG, little-endian
    ASCII IEEE drep, no auth."""
    return struct.pack("<BBBB4sHHI", 5, 0, ptype, 0x03, b"\x10\x00\x00\x00",
                       16 + len(body), 0, call_id) + body


def rpc_bind(iface, call_id=1):
    ctx = struct.pack("<HBB", 0, 1, 0) + rpc_syntax(RPC_IFACES[iface]) + rpc_syntax(NDR_SYNTAX)
    return rpc_pdu(11, struct.pack("<HHIB3x", 4280, 4280, 0, 1) + ctx, call_id)


def rpc_bind_ack(req, port):
    call_id = struct.unpack("<I", req[12:16])[0] if len(req) >= 16 else 1
    sec = str(port).encode() + b"\x00"                 # secondary address: the port
    body = struct.pack("<HHIH", 4280, 4280, 0x5301, len(sec)) + sec
    body += b"\x00" * (-(16 + len(body)) % 4)
    body += struct.pack("<B3xHH", 1, 0, 0) + rpc_syntax(NDR_SYNTAX)
    return rpc_pdu(12, body, call_id)


def read_http(c):
    """One HTTP/1.x message: the head and a Content-Length body."""
    data = b""
    while b"\r\n\r\n" not in data:
        d = c.recv(4096)
        if not d:
            return data
        data += d
    head, _, body = data.partition(b"\r\n\r\n")
    n = 0
    for line in head.split(b"\r\n")[1:]:
        k, _, v = line.partition(b":")
        if k.strip().lower() == b"content-length":
            n = int(v.strip() or 0)
    while len(body) < n:
        d = c.recv(4096)
        if not d:
            break
        body += d
    return head + b"\r\n\r\n" + body


# What each emulated web service answers (role -> server, type, body for GET,
# body for POST). 'sumweb' is SUM 7.x's own web server (63001/63002).
WEB_ROLES = {
    "sumweb": (b"HPE SUM", b"application/octet-stream", FW_BODY, b"accepted\n"),
    "ilo": (b"HPE-iLO-Server/1.30", b"application/json",
            b'{"@odata.id": "/redfish/v1/", "Product": "iLO 5"}\n',
            b'{"error": null, "TaskState": "Running"}\n'),
    "vmware": (b"VMware ESXi", b"text/xml", b"<vim25:ServiceContent/>\n", b"<ok/>\n"),
    "wbem": (b"sfcb 1.4.9", b"application/xml",
             b"<CIM/>\n", b'<CIM CIMVERSION="2.0"><MESSAGE ID="1"/></CIM>\n'),
}


def recv_all(s, limit=65536):
    out = b""
    while len(out) < limit:
        try:
            d = s.recv(4096)
        except (socket.timeout, OSError):
            break
        if not d:
            break
        out += d
    return out


class Worker:
    def __init__(self, name, certdir):
        self.name = name
        self.held = {}
        self.keep = []
        self.sctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        self.sctx.load_cert_chain(os.path.join(certdir, "cert.pem"),
                                  os.path.join(certdir, "key.pem"))
        self.cctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        self.cctx.check_hostname = False
        self.cctx.verify_mode = ssl.CERT_NONE

    # -- plumbing ----------------------------------------------------------
    def op_nocsum(self, a):
        """Turn off TX checksum offload (ETHTOOL_STXCSUM) so captured frames
        carry correct TCP/UDP checksums instead of partial ones."""
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        done = []
        for ifn in a["ifaces"]:
            ev = array.array("I", [0x17, 0])
            ifr = struct.pack("16sP", ifn.encode(), ev.buffer_info()[0])
            try:
                fcntl.ioctl(s, 0x8946, ifr)
                done.append(ifn)
            except OSError as e:
                log(self.name, "nocsum", ifn, e)
        s.close()
        return {"done": done}

    # -- listeners ---------------------------------------------------------
    def op_listen(self, a):
        """Bind the first free port of a['ports'] (EADDRINUSE -> next), as SUM
        does for its listeners; kind says what answers there."""
        kind = a["kind"]
        addr = a.get("addr", "0.0.0.0")
        fam = socket.AF_INET6 if ":" in addr else socket.AF_INET
        udp = kind.startswith("udp")
        skipped = []
        for p in a["ports"]:
            s = socket.socket(fam, socket.SOCK_DGRAM if udp else socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                s.bind((addr, p))
            except OSError as e:
                s.close()
                if e.errno == errno.EADDRINUSE:
                    skipped.append(p)
                    continue
                raise
            break
        else:
            raise RuntimeError("no free port in %r" % a["ports"])
        if kind == "bound":          # holds the port, never listens: SYN -> RST
            self.keep.append(s)
        elif udp:
            self.keep.append(s)
            threading.Thread(target=self.udp_loop, args=(s, kind, a.get("answer", "0.0.0.0")),
                             daemon=True).start()
        else:
            s.listen(16)
            self.keep.append(s)
            threading.Thread(target=self.accept_loop, args=(s, kind, a), daemon=True).start()
        return {"port": p, "skipped": skipped}

    def accept_loop(self, ls, kind, a):
        while True:
            try:
                c, _ = ls.accept()
            except OSError:
                return
            c.settimeout(5)
            threading.Thread(target=self.serve, args=(c, kind, a), daemon=True).start()

    def serve(self, c, kind, a):
        try:
            getattr(self, "srv_" + kind)(c, a)
        except (OSError, ssl.SSLError):
            pass
        finally:
            try:
                c.close()
            except OSError:
                pass

    def srv_tls(self, c, a):
        t = self.sctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False)
        try:
            t.do_handshake()
        except (ssl.SSLError, OSError):
            t.close()
            return
        while True:
            d = t.recv(4096)
            if not d:
                break
            if d.startswith(b"GET "):
                body = b"<html>ok</html>\n"
                t.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: %d\r\n"
                          b"Connection: close\r\n\r\n" % len(body) + body)
                break
            t.sendall(b"SUM/1 OK " + d.strip()[:40] + b"\n")
        t.close()

    def srv_banner(self, c, a):
        c.sendall(a.get("banner", "220 foreign-svc ready").encode() + b"\r\n")
        while True:
            d = c.recv(4096)
            if not d:
                break
            if d[:1].isalpha():
                c.sendall(b"200 " + d.strip()[:40] + b"\r\n")

    def srv_silent(self, c, a):
        pass

    def srv_http(self, c, a):
        req = b""
        while b"\r\n\r\n" not in req:
            d = c.recv(4096)
            if not d:
                return
            req += d
        path = req.split(b" ")[1] if b" " in req else b"/"
        if a.get("role") == "firmware":
            body, ctype = FW_BODY, b"application/octet-stream"
            server = b"HP SUM"
        else:
            body, ctype = b"<html><body>intranet page</body></html>\n", b"text/html"
            server = b"nginx"
        c.sendall(b"HTTP/1.0 200 OK\r\nServer: " + server + b"\r\nContent-Type: " + ctype +
                  b"\r\nContent-Length: %d\r\n\r\n" % len(body) + body)
        del path

    def srv_smb(self, c, a):
        first = c.recv(4096)
        if first[:1] == b"\x81":                      # NetBIOS session request (139)
            c.sendall(b"\x82\x00\x00\x00")
            first = c.recv(4096)
        if first[4:8] in (b"\xffSMB", b"\xfeSMB"):
            c.sendall(smb2_negotiate_response())
        recv_all(c)

    def srv_web(self, c, a):
        self.http_answer(c, a)

    def srv_webs(self, c, a):
        t = self.sctx.wrap_socket(c, server_side=True, do_handshake_on_connect=False)
        try:
            t.do_handshake()
        except (ssl.SSLError, OSError):
            t.close()
            return
        self.http_answer(t, a)
        t.close()

    def http_answer(self, c, a):
        req = read_http(c)
        if not req:
            return
        server, ctype, get_body, post_body = WEB_ROLES[a.get("role", "sumweb")]
        body = post_body if req.startswith(b"POST ") else get_body
        c.sendall(b"HTTP/1.1 200 OK\r\nServer: " + server + b"\r\nContent-Type: " + ctype +
                  b"\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % len(body) + body)

    def srv_dcerpc(self, c, a):
        """An RPC endpoint (the endpoint mapper on 135, a DCOM or msrpc dynamic
        port): answers a bind with a bind_ack naming its own port."""
        while True:
            d = c.recv(4096)
            if not d:
                return
            if len(d) >= 16 and d[0] == 5 and d[2] == 11:
                c.sendall(rpc_bind_ack(d, c.getsockname()[1]))

    def udp_loop(self, s, kind, answer):
        while True:
            try:
                d, peer = s.recvfrom(4096)
            except OSError:
                return
            if kind == "udp_nbns" and len(d) >= 12:
                # name query response: same id, flags 0x8500, 1 answer, NB 10.x
                ans = (d[:2] + b"\x85\x00\x00\x00\x00\x01\x00\x00\x00\x00" + d[12:12 + 34] +
                       b"\x00\x20\x00\x01" + struct.pack(">IH", 300000, 6) + b"\x00\x00" +
                       socket.inet_aton(answer))
                s.sendto(ans, peer)
            elif kind == "udp_echo":
                s.sendto(b"\x00\x01" + d[2:], peer)
            # udp_sink: no answer (NetBIOS datagram service)

    # -- clients -----------------------------------------------------------
    def op_connect(self, a):
        dst, dport = a["dst"], a["dport"]
        fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
        src_addr = a.get("src_addr", "")
        skipped = []
        if "src_alloc" in a:
            # SUM's message port: first free from the base; ports its own open
            # message connections hold are skipped ('own'), a bind that fails
            # means another socket holds it ('inuse').
            avoid = set(a["src_alloc"].get("avoid", []))
            p = a["src_alloc"]["base"]
            while True:
                if p in avoid:
                    skipped.append([p, "own"])
                    p += 1
                    continue
                s = socket.socket(fam, socket.SOCK_STREAM)
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                try:
                    s.bind((src_addr, p))
                    break
                except OSError as e:
                    s.close()
                    if e.errno != errno.EADDRINUSE:
                        raise
                    skipped.append([p, "inuse"])
                    p += 1
        else:
            p = a["src_port"]
            s = socket.socket(fam, socket.SOCK_STREAM)
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind((src_addr, p))
        s.settimeout(a.get("timeout", CONNECT_TIMEOUT))
        try:
            s.connect((dst, dport))
            outcome = "answered"
        except ConnectionRefusedError:
            outcome = "reset"
        except (socket.timeout, TimeoutError):
            outcome = "unanswered"
        res = {"sport": p, "skipped": skipped, "outcome": outcome, "app": None}
        if outcome != "answered":
            s.close()
            return res
        s.settimeout(5)
        app, keep = getattr(self, "cli_" + a["kind"])(s, a)
        res["app"] = app
        if keep is not None and a.get("hold"):
            self.held[a["hold"]] = keep
        elif keep is not None:
            keep.close()
        return res

    def cli_tls(self, s, a):
        t = self.cctx.wrap_socket(s, do_handshake_on_connect=False)
        try:
            t.do_handshake()
        except ssl.SSLError:
            t.close()
            return "nontls", None
        except OSError:
            t.close()
            return "closed", None
        for m in a.get("messages", []):
            t.sendall(m.encode() + b"\n")
            t.recv(4096)
        return "tls", t

    def cli_http(self, s, a):
        s.sendall(("GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: %s\r\n\r\n"
                   % (a.get("path", "/"), a["dst"], a.get("ua", "curl/7.88.1"))).encode())
        resp = recv_all(s)
        return ("http" if resp.startswith(b"HTTP/") else "other"), s

    def cli_plain(self, s, a):
        got = b""
        try:
            got = s.recv(4096)
        except OSError:
            pass
        for m in a.get("messages", []):
            s.sendall(m.encode() + b"\r\n")
            try:
                s.recv(4096)
            except OSError:
                break
        return ("banner" if got else "other"), s

    def cli_smb(self, s, a):
        if a["dport"] == 139:
            s.sendall(b"\x81\x00\x00\x44" + nbns_name("*SMBSERVER") + nbns_name("SUMHOST"))
            s.recv(4096)
        s.sendall(smb1_negotiate())
        r = s.recv(4096)
        return ("smb" if r[4:8] == b"\xfeSMB" else "other"), s

    def cli_ssh(self, s, a):
        s.sendall(a.get("banner", "SSH-2.0-OpenSSH_8.4p1 HPSUM").encode() + b"\r\n")
        got = b""
        deadline = time.time() + 5
        while b"\n" not in got and time.time() < deadline:
            d = s.recv(4096)
            if not d:
                break
            got += d
        rest = got.split(b"\n", 1)[1] if b"\n" in got else b""
        if len(rest) < 6:
            try:
                rest += s.recv(4096)
            except OSError:
                pass
        s.sendall(ssh_kexinit())
        time.sleep(0.1)
        return ("ssh" if got.startswith(b"SSH-") else "other"), s

    def cli_web(self, s, a):
        """An HTTP request, over TLS when a['tls']: method, path, body."""
        conn, app = s, "http"
        if a.get("tls"):
            conn = self.cctx.wrap_socket(s, do_handshake_on_connect=False)
            try:
                conn.do_handshake()
            except ssl.SSLError:
                conn.close()
                return "nontls", None
            except OSError:
                conn.close()
                return "closed", None
            app = "tls"
        body = a.get("body", "").encode()
        head = "%s %s HTTP/1.1\r\nHost: %s:%d\r\nUser-Agent: %s\r\n" % (
            a.get("method", "GET"), a.get("path", "/"), a["dst"], a["dport"],
            a.get("ua", "curl/7.88.1"))
        for k, v in a.get("headers", {}).items():
            head += "%s: %s\r\n" % (k, v)
        if body:
            head += "Content-Type: %s\r\nContent-Length: %d\r\n" % (
                a.get("ctype", "application/json"), len(body))
        conn.sendall((head + "Connection: close\r\n\r\n").encode() + body)
        resp = read_http(conn)
        if app == "http" and not resp.startswith(b"HTTP/"):
            app = "other"
        return app, conn

    def cli_dcerpc(self, s, a):
        s.sendall(rpc_bind(a["iface"]))
        r = s.recv(4096)
        return ("dcerpc" if len(r) >= 16 and r[0] == 5 and r[2] == 12 else "other"), s

    def op_relay(self, a):
        """Switch: frames from 'plain' leave 'trunk' with an 802.1Q tag, tagged
        frames from 'trunk' leave 'plain' without it."""
        def sock(ifn):
            s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(3))
            s.bind((ifn, 0))
            return s
        plain, trunk = sock(a["plain"]), sock(a["trunk"])
        tag = struct.pack("!HH", 0x8100, a["vlan"])

        def fwd(src, dst, push):
            while True:
                data, addr = src.recvfrom(65535)
                if addr[2] == socket.PACKET_OUTGOING:
                    continue
                if push:
                    data = data[:12] + tag + data[12:]
                elif data[12:14] == b"\x81\x00":
                    data = data[:12] + data[16:]
                try:
                    dst.send(data)
                except OSError:
                    pass
        for src, dst, push in ((plain, trunk, True), (trunk, plain, False)):
            threading.Thread(target=fwd, args=(src, dst, push), daemon=True).start()
        self.keep += [plain, trunk]
        return {}

    def op_close(self, a):
        t = self.held.pop(a["hold"])
        t.close()
        return {}

    def op_udp(self, a):
        fam = socket.AF_INET6 if ":" in a["dst"] else socket.AF_INET
        s = socket.socket(fam, socket.SOCK_DGRAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((a.get("src_addr", ""), a["src_port"]))
        s.settimeout(1.0)
        answered = False
        for hx in a["payloads"]:
            s.sendto(bytes.fromhex(hx), (a["dst"], a["dport"]))
            if a.get("expect_reply"):
                try:
                    s.recvfrom(4096)
                    answered = True
                except (socket.timeout, OSError):
                    pass
        s.close()
        return {"sport": a["src_port"], "outcome": "answered" if answered else "unanswered"}

    def run(self):
        for line in sys.stdin:
            req = json.loads(line)
            try:
                res = getattr(self, "op_" + req["op"])(req)
                out = {"ok": True, "res": res}
            except Exception as e:          # reported to the orchestrator, which fails
                out = {"ok": False, "err": "%s: %s" % (type(e).__name__, e)}
            sys.stdout.write(json.dumps(out) + "\n")
            sys.stdout.flush()


# ---------------------------------------------------------------------------
# Truth: the rules of docs/reconstruction.md, coded once.
# ---------------------------------------------------------------------------

def alloc_cause(family, port, base, held):
    """held: [(lower port, 'own'|'ipc'|'foreign')] skipped when this port was
    taken. Returns (cause, conflicting_ports); first matching rule wins."""
    foreign = sorted({p for p, who in held if who == "foreign"})
    end = RANGE_END.get(family)
    if end is not None and port > end:
        return "overflow", foreign
    if port == base:
        return "default", []
    if foreign:
        return "conflict", foreign
    if family == "callback" and any(who == "ipc" for _, who in held):
        return "ipc-reserved", []
    return "concurrent", []


def truth_from_log(flows, capture, scenario):
    """flows: the orchestrator's log of visible connection attempts, in time
    order, each with its own 'allocs' (what SUM bound for it) and 'meta'."""
    allocations, seen = [], set()
    for f in flows:
        for a in f["allocs"]:
            key = (a["host"], a["family"], a["port"])
            if key in seen:
                continue
            seen.add(key)
            cause, conf = alloc_cause(a["family"], a["port"], a["base"], a["held"])
            if a.get("configured"):        # 7.x --port/--ssl_port: set, not searched
                cause, conf = "configured", []
            if a.get("not_visible"):       # lower ports' holders outside a filtered view
                cause, conf = "not-visible", []
            allocations.append({"host": a["host"], "family": a["family"], "port": a["port"],
                                "base": a["base"], "cause": cause,
                                "conflicting_ports": conf})
    findings = []

    def add(code, host, port):
        d = {"code": code, "host": host, "port": port}
        if d not in findings:
            findings.append(d)

    for a in allocations:
        for p in a["conflicting_ports"]:
            add("PORT_CONFLICT", a["host"], p)
    for a in allocations:
        if a["cause"] == "overflow":
            add("RANGE_OVERFLOW", a["host"], a["port"])
    tcp = [f for f in flows if f["sum"] and f["transport"] == "tcp"]
    for i, f in enumerate(tcp):
        later = tcp[i + 1:]
        sfam = f["meta"].get("server_family")
        if f["outcome"] == "unanswered":
            if not any(g["server"] == f["server"] and g["server_port"] == f["server_port"]
                       and g["outcome"] == "answered" for g in later):
                add("PORT_BLOCKED", f["server"], f["server_port"])
        if f["outcome"] == "reset":
            search_ok = any(g["client"] == f["client"] and g["server"] == f["server"]
                            and g["meta"].get("server_family") == sfam
                            and g["server_port"] > f["server_port"]
                            and g["outcome"] == "answered" and g["meta"].get("app") == "tls"
                            for g in later)
            again_ok = any(g["client"] == f["client"] and g["server"] == f["server"]
                           and g["server_port"] == f["server_port"]
                           and g["outcome"] == "answered" for g in later)
            if not search_ok and not again_ok:
                add("PORT_REFUSED", f["server"], f["server_port"])
        if (f["outcome"] == "answered" and f["meta"].get("app") == "nontls"
                and sfam in ("control", "callback")):
            add("NOT_SUM_SERVICE", f["server"], f["server_port"])
    sum_hosts, targets = [], []
    for f in flows:
        if not f["sum"]:
            continue
        s, t = f["meta"]["sum_host"], f["meta"].get("target")
        if s and s not in sum_hosts:
            sum_hosts.append(s)
        if t and t not in targets:
            targets.append(t)
    out_flows = [{k: f[k] for k in ("client", "client_port", "server", "server_port",
                                    "transport", "outcome", "sum")} for f in flows]
    return {"capture": capture, "scenario": scenario, "sum_hosts": sum_hosts,
            "targets": targets, "allocations": allocations, "findings": findings,
            "flows": out_flows}


def root_causes(flows):
    """What the findings come down to, where the log says it plainly:
    AGENT_NOT_RUNNING: every control port the SUM host tried on a target
    answered a reset (the host is up, nothing of SUM listens);
    SUM_HOST_DROPS_CALLBACKS: every connection that targets opened to the SUM
    host's callback or web listeners went unanswered, and at least two
    targets tried (one target alone could be its own path's fault)."""
    out = []
    ctrl = {}
    for f in flows:
        if f["sum"] and f["transport"] == "tcp" and f["meta"].get("server_family") == "control":
            ctrl.setdefault(f["server"], []).append(f["outcome"])
    for host, outcomes in ctrl.items():
        if all(o == "reset" for o in outcomes):
            out.append({"code": "AGENT_NOT_RUNNING", "host": host})
    back = {}
    for f in flows:
        if (f["sum"] and f["transport"] == "tcp" and f["client"] not in ("127.0.0.1", "::1")
                and f["meta"].get("server_family") in ("callback", "web")):
            back.setdefault(f["server"], []).append(f)
    for host, fs in back.items():
        if (len({f["client"] for f in fs}) >= 2
                and all(f["outcome"] == "unanswered" for f in fs)):
            out.append({"code": "SUM_HOST_DROPS_CALLBACKS", "host": host})
    return out


# ---------------------------------------------------------------------------
# Orchestrator: namespaces, processes, capture, the log.
# ---------------------------------------------------------------------------

def sh(*args, ns=None, check=True, input=None):
    cmd = (["ip", "netns", "exec", ns] if ns else []) + list(args)
    r = subprocess.run(cmd, input=input, capture_output=True, text=True)
    if check and r.returncode != 0:
        raise RuntimeError("%s: %s" % (" ".join(cmd), r.stderr.strip()))
    return r


class Host:
    def __init__(self, lab, name, idx, role, os_="linux"):
        self.lab, self.name, self.idx, self.role, self.os = lab, name, idx, role, os_
        self.ns = NS_PREFIX + name
        self.v4 = "10.77.0.%d" % idx
        self.v6 = "fd77::%x" % idx
        self.proc = None
        self.next_cport = 41000         # fixed client ports: deterministic flows
        self.holders = {}               # port -> 'foreign' | family (SUM's own)

    @property
    def addr(self):
        return self.v6 if self.lab.v6 else self.v4

    def call(self, op, **kw):
        kw["op"] = op
        self.proc.stdin.write(json.dumps(kw) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("worker %s died" % self.name)
        r = json.loads(line)
        if not r["ok"]:
            raise RuntimeError("worker %s %s: %s" % (self.name, op, r["err"]))
        return r["res"]

    def cport(self):
        p = self.next_cport
        self.next_cport += 1
        return p


class Lab:
    def __init__(self, name, outdir, tmp, fmt="pcap", v6=False, vlan=None):
        self.name, self.outdir, self.tmp = name, outdir, tmp
        self.fmt, self.v6, self.vlan = fmt, v6, vlan
        self.hosts = {}
        self.procs = []
        self.namespaces = []
        self.flows = []
        self.cap = None
        self.cap_hosts = set()
        self.cap_loopback = False
        self.cap_filter = None          # a capture filter ('host ADDR'), the view's limit
        self.filter_host = None         # the host that filter keeps
        self.nft_tables = 0
        self.host_gen = {}              # SUM host address -> generation it plays
        self.release = None             # the SUM release a scenario plays, where it says

    # -- topology ------------------------------------------------------------
    def _ns(self, ns):
        subprocess.run(["ip", "netns", "del", ns], capture_output=True)
        sh("ip", "netns", "add", ns)
        self.namespaces.append(ns)
        sh("sysctl", "-qw", "net.ipv6.conf.all.disable_ipv6=%d" % (0 if self.v6 else 1), ns=ns)
        sh("sysctl", "-qw", "net.ipv6.conf.default.disable_ipv6=%d" % (0 if self.v6 else 1),
           ns=ns)
        sh("ip", "link", "set", "lo", "up", ns=ns)

    def build(self, spec):
        """spec: [(name, idx, role, os)] in a fixed order."""
        self._ns(BR_NS)
        sh("ip", "link", "add", "br0", "type", "bridge", "stp_state", "0", ns=BR_NS)
        sh("ip", "link", "set", "br0", "up", ns=BR_NS)
        for name, idx, role, os_ in spec:
            h = Host(self, name, idx, role, os_)
            self.hosts[name] = h
            self._ns(h.ns)
            if self.vlan and role == "sum":
                self._trunk(h)
            else:
                sh("ip", "link", "add", "b-" + name, "type", "veth", "peer", "name", "eth0",
                   "netns", h.ns, ns=BR_NS)
                sh("ip", "link", "set", "b-" + name, "master", "br0", "up", ns=BR_NS)
            mac = "02:77:00:00:00:%02x" % idx
            sh("ip", "link", "set", "eth0", "address", mac, "up", ns=h.ns)
            ifc = "eth0"
            sh("ip", "addr", "add", h.v4 + "/24", "dev", ifc, ns=h.ns)
            if self.v6:
                sh("ip", "addr", "add", h.v6 + "/64", "dev", ifc, "nodad", ns=h.ns)
            # static neighbours: no ARP/ND races, fewer frames
            h.ifc = ifc
        for h in self.hosts.values():
            for o in self.hosts.values():
                if o is h:
                    continue
                mac = "02:77:00:00:00:%02x" % o.idx
                sh("ip", "neigh", "replace", o.v4, "lladdr", mac, "dev", h.ifc, ns=h.ns)
                if self.v6:
                    sh("ip", "neigh", "replace", o.v6, "lladdr", mac, "dev", h.ifc, ns=h.ns)
        for h in self.hosts.values():
            p = subprocess.Popen(["ip", "netns", "exec", h.ns, sys.executable,
                                  os.path.abspath(__file__), "worker", h.name, self.tmp],
                                 stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.procs.append(p)
            h.proc = p
            h.call("nocsum", ifaces=["eth0"])

    def _trunk(self, h):
        """802.1Q on the wire without the kernel's 8021q module (not in this
        kernel): the host's eth0 -> switch A (ssg-swa) -> a tagged trunk
        (tr-a <-> tr-b) -> switch B (in the bridge namespace) -> br0. Each switch
        is an AF_PACKET relay in a worker that pushes/pops the VLAN tag, the way
        two switches with a trunk between them do. Captures on tr-a see tags."""
        swa = NS_PREFIX + "swa"
        self._ns(swa)
        sh("ip", "link", "add", "s-in", "type", "veth", "peer", "name", "eth0", "netns", h.ns,
           ns=swa)
        sh("ip", "link", "add", "tr-a", "type", "veth", "peer", "name", "tr-b", "netns", BR_NS,
           ns=swa)
        sh("ip", "link", "add", "s-br", "type", "veth", "peer", "name", "b-" + h.name,
           ns=BR_NS)
        sh("ip", "link", "set", "b-" + h.name, "master", "br0", "up", ns=BR_NS)
        for ns, ifs in ((swa, ("s-in", "tr-a")), (BR_NS, ("tr-b", "s-br"))):
            for i in ifs:
                sh("ip", "link", "set", i, "mtu", "1504", "promisc", "on", "up", ns=ns)
        for ns, plain, trunk in ((swa, "s-in", "tr-a"), (BR_NS, "s-br", "tr-b")):
            w = Host(self, ns, 0, "switch")
            w.ns = ns
            w.proc = subprocess.Popen(["ip", "netns", "exec", ns, sys.executable,
                                       os.path.abspath(__file__), "worker", ns, self.tmp],
                                      stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
            self.procs.append(w.proc)
            w.call("relay", plain=plain, trunk=trunk, vlan=self.vlan)
        self.trunk_ns = swa

    def firewall_drop(self, host, dport, saddr=None):
        """nftables in the listener's namespace: drop (never answer) SYNs."""
        h = self.hosts[host]
        match = ""
        if saddr:
            match = ("ip6 saddr %s " if ":" in saddr else "ip saddr %s ") % saddr
        rules = ("table inet sumgen {\n chain input {\n  type filter hook input priority 0;"
                 " policy accept;\n  %stcp dport %d drop\n }\n}\n" % (match, dport))
        sh("nft", "-f", "-", ns=h.ns, input=rules)

    def sshd(self, host):
        h = self.hosts[host]
        key = os.path.join(self.tmp, "ssh_host_ed25519_key")
        conf = os.path.join(self.tmp, "sshd_%s.conf" % host)
        with open(conf, "w") as f:
            f.write("Port 22\nListenAddress %s\nHostKey %s\nPidFile none\nUsePAM no\n"
                    "StrictModes no\nLogLevel ERROR\n" % (h.addr, key))
        p = subprocess.Popen(["ip", "netns", "exec", h.ns, "/usr/sbin/sshd", "-D", "-e",
                              "-f", conf], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        self.procs.append(p)
        for _ in range(50):
            r = sh("ss", "-Hltn", "sport = :22", ns=h.ns, check=False)
            if r.stdout.strip():
                break
            time.sleep(0.1)
        else:
            raise RuntimeError("sshd did not start in " + h.ns)
        h.holders[22] = "bootstrap"

    # -- capture ---------------------------------------------------------------
    def capture(self, host=None, bridge_port=None, any_=False, iface="eth0", two_ifaces=False,
                bridge_all=False, filter_host=None):
        """Capture on a host's interface (sees that host's traffic), through
        the capture filter 'host ADDR' of FILTER_HOST there (sees only what
        that host exchanged with it), on the bridge's port towards a host, on
        the bridge itself (BRIDGE_ALL: promiscuous br0 passes every forwarded
        frame up too, a switch's mirror port), with -i any -y LINUX_SLL2 inside the
        SUM host's namespace (also sees its loopback), or, TWO_IFACES, with
        dumpcap on the host's eth0 (Ethernet) and on 'any' filtered to the
        loopback (Linux cooked v2) into one pcapng: interfaces of two link
        types, as Wireshark writes when two interfaces are chosen."""
        self.rawcap = os.path.join(self.tmp, self.name + ".raw.pcap")
        if two_ifaces:
            self.rawcap = os.path.join(self.tmp, self.name + ".raw.pcapng")
            ns = self.hosts[host].ns
            self.cap_hosts = {self.hosts[host].name}
            self.cap_loopback = True
            cmd = ["ip", "netns", "exec", ns, "dumpcap", "-s", "0", "-i", "eth0",
                   "-i", "any", "-y", "LINUX_SLL2", "-f", "host 127.0.0.1",
                   "-w", self.rawcap]
            self.cap = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                        text=True)
            self.procs.append(self.cap)
            seen = ""
            while seen.count("Capturing on") < 1:
                line = self.cap.stderr.readline()
                if not line:
                    raise RuntimeError("dumpcap: " + seen)
                seen += line
            time.sleep(1.0)
            return
        if any_:
            ns, args = self.hosts[host].ns, ["-i", "any", "-y", "LINUX_SLL2"]
            self.cap_hosts = {self.hosts[host].name}
            self.cap_loopback = True
        elif bridge_port:
            ns, args = BR_NS, ["-i", "b-" + bridge_port]
            self.cap_hosts = {bridge_port}
        elif bridge_all:
            ns, args = BR_NS, ["-i", "br0"]
            self.cap_hosts = set(self.hosts)
        elif self.vlan:
            ns, args = self.trunk_ns, ["-i", "tr-a"]
            self.cap_hosts = {host}
        else:
            ns, args = self.hosts[host].ns, ["-i", iface]
            self.cap_hosts = {host}
        if filter_host:
            self.filter_host = filter_host
            self.cap_filter = "host " + self.hosts[filter_host].addr
            args = args + [self.cap_filter]
        cmd = (["ip", "netns", "exec", ns, "tcpdump", "-n", "-U", "--immediate-mode",
                "-Z", "root", "-s", "0"] + args + ["-w", self.rawcap])
        self.cap = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                    text=True)
        self.procs.append(self.cap)
        seen = ""
        while "listening on" not in seen:
            line = self.cap.stderr.readline()
            if not line:
                raise RuntimeError("tcpdump: " + seen)
            seen += line
        time.sleep(0.3)

    def stop_capture(self):
        time.sleep(1.2)          # last FIN/ACKs; --immediate-mode hands every frame over
        self.cap.send_signal(signal.SIGINT)
        self.cap.wait(timeout=10)
        ext = ".pcapng" if self.fmt == "pcapng" else ".pcap"
        out = os.path.join(self.outdir, self.name + ext)
        if self.rawcap.endswith(".pcapng"):
            shutil.copyfile(self.rawcap, out)       # dumpcap wrote pcapng itself
        elif self.fmt == "pcapng":
            sh("editcap", "-F", "pcapng", self.rawcap, out)
        else:
            shutil.copyfile(self.rawcap, out)
        os.chmod(out, 0o644)
        return os.path.basename(out)

    # -- the log ---------------------------------------------------------------
    def record(self, client, cport, server, sport, outcome, sum_, allocs=(), meta=None,
               transport="tcp", loopback=False):
        visible = (client.name in self.cap_hosts or server.name in self.cap_hosts)
        if loopback:
            visible = self.cap_loopback and client.name in self.cap_hosts
        if self.filter_host and self.filter_host not in (client.name, server.name):
            visible = False
        caddr = "127.0.0.1" if loopback else client.addr
        saddr = "127.0.0.1" if loopback else server.addr
        f = {"client": caddr, "client_port": cport, "server": saddr, "server_port": sport,
             "transport": transport, "outcome": outcome, "sum": sum_,
             "allocs": list(allocs), "meta": meta or {"sum_host": None}}
        if visible:
            self.flows.append(f)
        return f

    def truth_members(self, truth):
        """The members added to the truth after the first samples (docs/
        reconstruction.md, "Truth files"): what generation each SUM host plays,
        the release where the scenario names one, the capture filter, the
        root causes, and whether the capture holds SUM at all."""
        out = {}
        gens = {h: self.host_gen[h] for h in truth["sum_hosts"]}
        if gens:
            vals = sorted(set(gens.values()))
            out["generation"] = vals[0] if len(vals) == 1 else "mixed"
            out["generations"] = gens
        if self.release:
            out["release"] = self.release
        if self.cap_filter:
            out["capture_filter"] = self.cap_filter
        out["root_causes"] = root_causes(self.flows)
        out["verdict"] = "sum" if truth["sum_hosts"] else "no-sum"
        return out

    def lower_visible(self, s, held):
        """In a filtered capture: does the view show who held each lower port
        (SUM's own message connection to a target in view, or traffic of the
        program that held it)?"""
        for p, who in held:
            if who == "own":
                holder = [t for t, port in s.msg_open.items() if port == p]
                if not holder or holder[0] != self.filter_host:
                    return False
            elif not any(f["server"] == s.addr and f["server_port"] == p for f in self.flows):
                return False
        return True

    def held(self, host, skipped):
        """Who held each port a bind skipped: from the lab's own registry."""
        out = []
        for p in skipped:
            if isinstance(p, list):          # message source-port search
                p, why = p
                if why == "own":
                    out.append((p, "own"))
                    continue
            who = host.holders.get(p)
            if who is None:
                raise RuntimeError("%s:%d in use by nobody we know" % (host.name, p))
            out.append((p, "foreign" if who == "foreign" else
                        ("ipc" if who == "ipc" else "own")))
        return out

    # -- actors ----------------------------------------------------------------
    def foreign(self, host, port, kind="banner", **kw):
        """A program that is not SUM takes the port first (it really binds)."""
        h = self.hosts[host]
        addr = "::" if self.v6 else "0.0.0.0"
        r = h.call("listen", kind=kind, ports=[port], addr=addr, **kw)
        assert r["port"] == port
        h.holders[port] = "foreign"

    def foreign_talk(self, client, server, port, kind="plain", **kw):
        """Another host uses the foreign program's port: non-SUM traffic."""
        c, s = self.hosts[client], self.hosts[server]
        cp = c.cport()
        r = c.call("connect", kind=kind, dst=s.addr, dport=port, src_port=cp, **kw)
        self.record(c, cp, s, port, r["outcome"], False)

    def sum_start(self, host, firmware=False, ipc=True):
        """The SUM host: IPC on 127.0.0.1, first free from 61000; the callback
        listener on the next free port; firmware on 80, else 63000-63005."""
        h = self.hosts[host]
        self.host_gen[h.addr] = "classic"
        any_addr = "::" if self.v6 else "0.0.0.0"
        if ipc:
            r = h.call("listen", kind="tls", ports=list(range(CB_BASE, CB_BASE + 20)),
                       addr="127.0.0.1")
            h.ipc = r["port"]
            h.ipc_held = self.held(h, r["skipped"])
            h.holders[h.ipc] = "ipc"
        r = h.call("listen", kind="tls", ports=list(range(CB_BASE, CB_BASE + 20)),
                   addr=any_addr)
        h.cb, h.cb_held = r["port"], self.held(h, r["skipped"])
        h.holders[h.cb] = "callback"
        h.msg_open = {}
        if firmware:
            r = h.call("listen", kind="http", ports=FW_SEQ, addr=any_addr, role="firmware")
            h.fw, h.fw_held = r["port"], self.held(h, r["skipped"])
            h.holders[h.fw] = "firmware"

    def ipc_exchange(self, host):
        """SUM's local processes talk over 127.0.0.1:61000 (TLS)."""
        h = self.hosts[host]
        cp = h.cport()
        r = h.call("connect", kind="tls", dst="127.0.0.1", dport=h.ipc, src_port=cp,
                   src_addr="127.0.0.1", messages=["IPC status?", "IPC queue 1"])
        self.record(h, cp, h, h.ipc, r["outcome"], True, loopback=True,
                    allocs=[{"host": h.addr, "family": "ipc", "port": h.ipc, "base": CB_BASE,
                             "held": h.ipc_held}],
                    meta={"sum_host": h.addr, "server_family": "ipc", "app": r["app"]})

    def agent_start(self, host):
        """The target's SUM agent: TLS, first free from 62286."""
        h = self.hosts[host]
        addr = "::" if self.v6 else "0.0.0.0"
        r = h.call("listen", kind="tls", ports=list(range(CTRL_BASE, CTRL_BASE + 10)),
                   addr=addr)
        h.ctrl, h.ctrl_held = r["port"], self.held(h, r["skipped"])
        h.holders[h.ctrl] = "control"

    def message_open(self, sum_host, target):
        """A message connection: SUM host binds first free from 60000 and
        reaches the target's control port, 62286 first, then 62287 after a
        reset or a non-TLS answer. Stays open (one port per target served at
        the same time) until message_close()."""
        s, t = self.hosts[sum_host], self.hosts[target]
        for dport in range(CTRL_BASE, CTRL_BASE + CONTROL_TRIES):
            avoid = sorted(s.msg_open.values())
            r = s.call("connect", kind="tls", dst=t.addr, dport=dport,
                       src_alloc={"base": MSG_BASE, "avoid": avoid},
                       messages=["SUM/1 HELLO %s" % t.name, "SUM/1 INVENTORY"],
                       hold=target)
            held = self.held(s, r["skipped"])
            allocs = [{"host": s.addr, "family": "message", "port": r["sport"],
                       "base": MSG_BASE, "held": held}]
            if self.filter_host and held and not self.lower_visible(s, held):
                allocs[0]["not_visible"] = True
            if r["outcome"] == "answered" and r["app"] == "tls":
                allocs.append({"host": t.addr, "family": "control", "port": dport,
                               "base": CTRL_BASE, "held": getattr(t, "ctrl_held", [])})
            self.record(s, r["sport"], t, dport, r["outcome"], True, allocs,
                        {"sum_host": s.addr, "target": t.addr, "server_family": "control",
                         "app": r["app"]})
            if r["app"] == "tls":
                s.msg_open[target] = r["sport"]
                return True
            if r["outcome"] == "unanswered":
                return False      # a dropped attempt: SUM gives up on this target
        return False

    def message_close(self, sum_host, target):
        s = self.hosts[sum_host]
        if target in s.msg_open:
            s.call("close", hold=target)
            del s.msg_open[target]

    def callback(self, target, sum_host):
        """The target's agent connects back with TLS to the callback port."""
        s, t = self.hosts[sum_host], self.hosts[target]
        cp = t.cport()
        r = t.call("connect", kind="tls", dst=s.addr, dport=s.cb, src_port=cp,
                   messages=["SUM/1 STATUS %s installed=ok" % t.name])
        self.record(t, cp, s, s.cb, r["outcome"], True,
                    [{"host": s.addr, "family": "callback", "port": s.cb, "base": CB_BASE,
                      "held": s.cb_held}],
                    {"sum_host": s.addr, "target": t.addr, "server_family": "callback",
                     "app": r["app"]})

    def firmware_fetch(self, target, sum_host, path="/fw/ilo4_275.bin"):
        """An iLO-like target fetches the firmware file over plain HTTP."""
        s, t = self.hosts[sum_host], self.hosts[target]
        cp = t.cport()
        r = t.call("connect", kind="http", dst=s.addr, dport=s.fw, src_port=cp, path=path,
                   ua="iLO 4")
        self.record(t, cp, s, s.fw, r["outcome"], True,
                    [{"host": s.addr, "family": "firmware", "port": s.fw,
                      "base": FW_SEQ[0], "held": s.fw_held}],
                    {"sum_host": s.addr, "target": t.addr, "server_family": "firmware",
                     "app": r["app"]})

    def bootstrap(self, sum_host, target):
        """Windows: UDP 137/138 NetBIOS, TCP 139 and 445 SMB; Linux: SSH on 22."""
        s, t = self.hosts[sum_host], self.hosts[target]
        meta = {"sum_host": s.addr, "target": t.addr, "server_family": "bootstrap"}
        if t.os == "windows":
            q = (b"\x12\x34\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" + nbns_name(t.name.upper())
                 + b"\x00\x20\x00\x01")
            r = s.call("udp", dst=t.addr, dport=137, src_port=137, payloads=[q.hex()],
                       expect_reply=True)
            self.record(s, 137, t, 137, r["outcome"], True, meta=meta, transport="udp")
            dg = (b"\x11\x02\x00\x01" + socket.inet_aton(s.v4) + b"\x00\x8a\x00\x60\x00\x00"
                  + nbns_name("SUMHOST") + nbns_name(t.name.upper()) + browser_announce())
            r = s.call("udp", dst=t.addr, dport=138, src_port=138, payloads=[dg.hex()])
            self.record(s, 138, t, 138, r["outcome"], True, meta=meta, transport="udp")
            for port in (445, 139):
                cp = s.cport()
                r = s.call("connect", kind="smb", dst=t.addr, dport=port, src_port=cp)
                self.record(s, cp, t, port, r["outcome"], True, meta=dict(meta, app=r["app"]))
                if r["outcome"] != "answered":
                    return False     # no ADMIN$ over SMB direct: SUM gives this target up
            return True
        cp = s.cport()
        r = s.call("connect", kind="ssh", dst=t.addr, dport=22, src_port=cp)
        self.record(s, cp, t, 22, r["outcome"], True, meta=dict(meta, app=r["app"]))
        return r["outcome"] == "answered"

    def windows_services(self, host, smb=(445, 139), rpc=False):
        """File sharing (SMB on SMB, NetBIOS on 137/138) and, RPC, the
        endpoint mapper on 135 and a DCOM endpoint (WMI) on WMI_DYNAMIC."""
        h = self.hosts[host]
        addr = "::" if self.v6 else "0.0.0.0"
        for p in smb:
            h.call("listen", kind="smb", ports=[p], addr=addr)
            h.holders[p] = "bootstrap"
        h.call("listen", kind="udp_nbns", ports=[137], addr="0.0.0.0", answer=h.v4)
        h.call("listen", kind="udp_sink", ports=[138], addr="0.0.0.0")
        if rpc:
            for p in (135, WMI_DYNAMIC):
                h.call("listen", kind="dcerpc", ports=[p], addr=addr)

    # -- SUM 7.x and later (docs/generations.md) -----------------------------
    def web_start(self, host, gen="7", port=WEB_HTTP, ssl_port=WEB_HTTPS):
        """The SUM host's built-in web server: HTTP on 63001, HTTPS on 63002,
        or where --port/--ssl_port put them. It binds those ports or fails; it
        does not search for free ones."""
        h = self.hosts[host]
        addr = "::" if self.v6 else "0.0.0.0"
        h.call("listen", kind="web", ports=[port], addr=addr, role="sumweb")
        h.call("listen", kind="webs", ports=[ssl_port], addr=addr, role="sumweb")
        h.web = {"http": port, "https": ssl_port}
        h.holders[port] = h.holders[ssl_port] = "web"
        self.host_gen[h.addr] = gen

    def web_alloc(self, s, tls):
        port, base = (s.web["https"], WEB_HTTPS) if tls else (s.web["http"], WEB_HTTP)
        a = {"host": s.addr, "family": "web", "port": port, "base": base, "held": []}
        if port != base:
            a["configured"] = True
        return a

    def web_call(self, client, sum_host, path, tls=False, method="GET", body="",
                 ua="HPSUM-agent/7", loopback=False):
        """A target (or, LOOPBACK, one of SUM's own processes) fetches from or
        posts to the SUM host's web server."""
        s, c = self.hosts[sum_host], self.hosts[client]
        port = s.web["https" if tls else "http"]
        cp = c.cport()
        dst = "127.0.0.1" if loopback else s.addr
        r = c.call("connect", kind="web", dst=dst, dport=port, src_port=cp, tls=tls,
                   method=method, path=path, body=body, ua=ua,
                   **({"src_addr": "127.0.0.1"} if loopback else {}))
        self.record(c, cp, s, port, r["outcome"], True, [self.web_alloc(s, tls)],
                    {"sum_host": s.addr, "target": None if loopback else c.addr,
                     "server_family": "web", "app": r["app"]}, loopback=loopback)
        return r["outcome"] == "answered"

    def reach(self, sum_host, target, port, kind, **kw):
        """The SUM host opens a connection to one of a target's own services
        (SMB, RPC, SSH, HTTPS, WBEM): no SUM allocation, a SUM flow."""
        s, t = self.hosts[sum_host], self.hosts[target]
        cp = s.cport()
        r = s.call("connect", kind=kind, dst=t.addr, dport=port, src_port=cp, **kw)
        self.record(s, cp, t, port, r["outcome"], True,
                    meta={"sum_host": s.addr, "target": t.addr, "server_family": "bootstrap",
                          "app": r["app"]})
        return r["outcome"] == "answered"

    def reach_target(self, sum_host, target):
        """SUM 7.x and later reach each kind of target on its own ports:
        Windows 137/138 (NetBIOS), 445 (SMB), 135 (RPC endpoint mapper), 139;
        Linux and HP-UX 22 (SSH); VMware 443 and 5989 (WBEM over TLS);
        iLO and other devices 443 (REST). False when SUM gives the target up."""
        t = self.hosts[target]
        if t.os == "windows":
            s = self.hosts[sum_host]
            meta = {"sum_host": s.addr, "target": t.addr, "server_family": "bootstrap"}
            q = (b"\x56\x78\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" +
                 nbns_name(t.name.upper()) + b"\x00\x20\x00\x01")
            r = s.call("udp", dst=t.addr, dport=137, src_port=137, payloads=[q.hex()],
                       expect_reply=True)
            self.record(s, 137, t, 137, r["outcome"], True, meta=meta, transport="udp")
            dg = (b"\x11\x02\x00\x02" + socket.inet_aton(s.v4) + b"\x00\x8a\x00\x60\x00\x00"
                  + nbns_name("SUMHOST") + nbns_name(t.name.upper()) + browser_announce())
            r = s.call("udp", dst=t.addr, dport=138, src_port=138, payloads=[dg.hex()])
            self.record(s, 138, t, 138, r["outcome"], True, meta=meta, transport="udp")
            return (self.reach(sum_host, target, 445, "smb") and
                    self.reach(sum_host, target, 135, "dcerpc", iface="epm") and
                    self.reach(sum_host, target, 139, "smb"))
        if t.os in ("linux", "hpux"):
            return self.reach(sum_host, target, 22, "ssh", banner="SSH-2.0-HPE_SUM_7")
        if t.os == "vmware":
            return (self.reach(sum_host, target, 443, "web", tls=True, path="/sdk",
                               method="POST", body="<RetrieveServiceContent/>",
                               ctype="text/xml", ua="HPE SUM") and
                    self.reach(sum_host, target, 5989, "web", tls=True, path="/cimom",
                               method="POST", ctype="application/xml; charset=utf-8",
                               body='<CIM CIMVERSION="2.0"><MESSAGE ID="1"/></CIM>',
                               headers={"CIMOperation": "MethodCall",
                                        "CIMMethod": "EnumerateInstances"},
                               ua="HPE SUM"))
        s = self.hosts[sum_host]
        fw_port = s.web["http"] if hasattr(s, "web") else getattr(s, "fw", 80)
        return self.reach(sum_host, target, 443, "web", tls=True, method="POST",
                          path="/redfish/v1/UpdateService/Actions/SimpleUpdate/",
                          body='{"ImageURI": "http://%s:%d/fw/ilo5_230.bin"}' % (
                              s.addr, fw_port), ua="HPE SUM")

    def wmi(self, sum_host, target):
        """WMI between Windows hosts: DCOM activation through the endpoint
        mapper on 135, then the WMI login on the endpoint the target handed
        out (a port above 1024)."""
        return (self.reach(sum_host, target, 135, "dcerpc", iface="isystemactivator") and
                self.reach(sum_host, target, WMI_DYNAMIC, "dcerpc", iface="iwbemlevel1login"))

    def device_services(self, host, wbem=True):
        """A target's own HTTPS services: iLO's REST on 443; VMware's web
        services on 443 and, WBEM, CIM-XML over TLS on 5989."""
        h = self.hosts[host]
        addr = "::" if self.v6 else "0.0.0.0"
        h.call("listen", kind="webs", ports=[443], addr=addr,
               role="vmware" if h.os == "vmware" else "ilo")
        if h.os == "vmware" and wbem:
            h.call("listen", kind="webs", ports=[5989], addr=addr, role="wbem")

    # -- teardown --------------------------------------------------------------
    def close(self):
        for p in reversed(self.procs):
            if p.poll() is None:
                try:
                    if p.stdin:
                        p.stdin.close()
                except OSError:
                    pass
                p.terminate()
                try:
                    p.wait(timeout=3)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
        for ns in reversed(self.namespaces):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


# ---------------------------------------------------------------------------

def make_certs(tmp):
    sh("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-keyout", os.path.join(tmp, "key.pem"), "-out",
       os.path.join(tmp, "cert.pem"), "-subj", "/CN=hpsum-emulator", "-days", "30")
    sh("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f",
       os.path.join(tmp, "ssh_host_ed25519_key"))
    for f in os.listdir(tmp):
        os.chmod(os.path.join(tmp, f), 0o600 if "key" in f else 0o644)
    os.chmod(tmp, 0o755)


def cleanup_namespaces():
    r = subprocess.run(["ip", "netns", "list"], capture_output=True, text=True)
    for line in r.stdout.splitlines():
        ns = line.split()[0] if line.split() else ""
        if ns.startswith(NS_PREFIX):
            subprocess.run(["ip", "netns", "del", ns], capture_output=True)


def load_scenarios():
    """The scenarios live in sumemu_scenarios.py, which imports this module
    by name: make that name this very module, also when run as a script."""
    sys.modules.setdefault("sumemu", sys.modules[__name__])
    if HERE not in sys.path:
        sys.path.insert(0, HERE)
    import sumemu_scenarios
    return sumemu_scenarios.SCENARIOS


def run_scenario(sc, name, outdir, tmp):
    lab = Lab(name, outdir, tmp, fmt=sc.fmt, v6=sc.v6, vlan=sc.vlan)
    try:
        sc.fn(lab)
        capname = lab.stop_capture()
    finally:
        lab.close()
    truth = truth_from_log(lab.flows, capname, sc.desc)
    if sc.extended:
        truth.update(lab.truth_members(truth))
    with open(os.path.join(outdir, name + ".truth.json"), "w") as f:
        json.dump(truth, f, indent=1)
        f.write("\n")
    os.chmod(os.path.join(outdir, name + ".truth.json"), 0o644)
    log("%-22s %s  %d flows, %d allocations, %d findings" % (
        name, capname, len(truth["flows"]), len(truth["allocations"]),
        len(truth["findings"])))


def generate(outdir, names):
    if os.geteuid() != 0:
        sys.exit("sumemu: needs root (network namespaces)")
    SCENARIOS = load_scenarios()
    for n in names:
        if n not in SCENARIOS:
            sys.exit("sumemu: unknown scenario %s (known: %s)" % (n, " ".join(SCENARIOS)))
    names = names or list(SCENARIOS)
    os.makedirs(outdir, exist_ok=True)
    made_run_sshd = False
    if not os.path.isdir("/run/sshd"):      # sshd's privilege-separation directory
        os.makedirs("/run/sshd", mode=0o755)
        made_run_sshd = True
    tmp = tempfile.mkdtemp(prefix="sumemu-")
    try:
        make_certs(tmp)
        cleanup_namespaces()
        for n in names:
            run_scenario(SCENARIOS[n], n, outdir, tmp)
    finally:
        cleanup_namespaces()
        shutil.rmtree(tmp, ignore_errors=True)
        if made_run_sshd:
            shutil.rmtree("/run/sshd", ignore_errors=True)


def main():
    def on_term(sig, frm):
        raise KeyboardInterrupt
    if len(sys.argv) >= 2 and sys.argv[1] == "worker":
        signal.signal(signal.SIGTERM, lambda s, f: os._exit(0))
        Worker(sys.argv[2], sys.argv[3]).run()
        return
    signal.signal(signal.SIGTERM, on_term)
    if len(sys.argv) >= 3 and sys.argv[1] == "generate":
        generate(sys.argv[2], sys.argv[3:])
    elif len(sys.argv) == 2 and sys.argv[1] == "cleanup":
        cleanup_namespaces()
    elif len(sys.argv) == 2 and sys.argv[1] == "list":
        for n, sc in load_scenarios().items():
            print("%-22s %s" % (n, sc.desc))
    else:
        sys.exit("usage: sumemu.py generate OUTDIR [scenario...] | list | cleanup")


if __name__ == "__main__":
    main()
