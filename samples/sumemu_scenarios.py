"""The scenarios of sumemu.py: each stages one sample capture in the lab.

A scenario is a function of a Lab (sumemu.py): it builds the hosts, starts
the capture and plays what SUM and the other programs do; the orchestrator
then writes the truth from the lab's log. Registered with @scenario(name,
description, ...); `sumemu.py list` prints them.
"""

import collections

from sumemu import CTRL_BASE, WEB_HTTP, WEB_HTTPS, nbns_name

SCENARIOS = {}
Scenario = collections.namedtuple("Scenario", "fn desc fmt v6 vlan extended")


def scenario(name, desc, fmt="pcap", v6=False, vlan=None, extended=False):
    """EXTENDED: the truth also carries the members added after the first
    samples (generation, root_causes, verdict, ...: docs/reconstruction.md,
    "Truth files"); the first samples' truth files stay as they were."""
    def deco(fn):
        SCENARIOS[name] = Scenario(fn, desc, fmt, v6, vlan, extended)
        return fn
    return deco


def linux_targets(n, first=11):
    return [("t%d" % i, first + i - 1, "target", "linux") for i in range(1, n + 1)]


def deploy(lab, targets, callbacks=True, fw_targets=(), bootstrap=False, sum_host="sum"):
    """One deployment round: bootstrap, message connections to every target
    at once (held open), callbacks, firmware fetches, then close."""
    if bootstrap:                    # a target that could not be bootstrapped is given up
        targets = [t for t in targets if lab.bootstrap(sum_host, t)]
    ok = [t for t in targets if lab.message_open(sum_host, t)]
    if callbacks:
        for t in ok:
            lab.callback(t, sum_host)
    for t in fw_targets:
        lab.firmware_fetch(t, sum_host)
    for t in targets:
        lab.message_close(sum_host, t)


@scenario("msg-base", "SUM host 10.77.0.1 deploys to one Linux target: message port 60000 -> "
          "control 62286 (TLS), nothing else")
def sc_msg_base(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1))
    lab.capture(host="sum")
    lab.sum_start("sum")
    lab.agent_start("t1")
    deploy(lab, ["t1"], callbacks=False)


@scenario("msg-concurrent", "three targets served at once: message ports 60000, 60001, 60002 "
          "(concurrent), each to 62286, callbacks on 61001")
def sc_msg_concurrent(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(3))
    lab.capture(host="sum")
    lab.sum_start("sum")
    for t in ("t1", "t2", "t3"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2", "t3"])


@scenario("msg-conflict", "a foreign banner service holds 60000 on the SUM host (a decoy host "
          "talks to it); two targets get message ports 60001 and 60002 (conflict on 60000)")
def sc_msg_conflict(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2) +
              [("d1", 101, "decoy", "linux")])
    lab.capture(host="sum")
    lab.foreign("sum", 60000, "banner", banner="220 inventory-agent ready")
    lab.foreign_talk("d1", "sum", 60000, messages=["STATUS"])
    lab.sum_start("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


@scenario("msg-overflow", "ten targets served at once: message ports 60000-60009, 60008 and "
          "60009 past the documented range (overflow)")
def sc_msg_overflow(lab):
    ts = linux_targets(10)
    lab.build([("sum", 1, "sum", "linux")] + ts)
    lab.capture(host="sum")
    lab.sum_start("sum")
    for t in ts:
        lab.agent_start(t[0])
    deploy(lab, [t[0] for t in ts], callbacks=False)


@scenario("control-moved", "t1's 62286 is held by a non-TLS banner service: its agent moved to "
          "62287, where the SUM host finds it; t2's 62286 is only bound (not listening) by "
          "another program, which does not stop its agent from listening there")
def sc_control_moved(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.foreign("t1", CTRL_BASE, "banner", banner="220 legacy-mgmt ready")
    lab.foreign("t2", CTRL_BASE, "bound")
    lab.sum_start("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


@scenario("callback-normal", "two targets call back to the SUM host on 61001 (61000 is its "
          "own loopback IPC: ipc-reserved)")
def sc_callback_normal(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.sum_start("sum")
    lab.ipc_exchange("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


@scenario("callback-conflict", "a silent foreign listener holds 61001 on the SUM host (IPC on "
          "61000): targets call back on 61002 (conflict, inferred)")
def sc_callback_conflict(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.foreign("sum", 61001, "silent")
    lab.sum_start("sum")
    lab.ipc_exchange("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


def fw_scenario(lab, taken, talk_on_80=False):
    lab.build([("sum", 1, "sum", "linux"), ("ilo1", 21, "target", "ilo")] +
              ([("d1", 101, "decoy", "linux")] if talk_on_80 else []))
    lab.capture(host="sum")
    for p in taken:
        lab.foreign("sum", p, "http" if p == 80 else "silent")
    if talk_on_80:
        lab.foreign_talk("d1", "sum", 80, kind="http", path="/index.html")
    lab.sum_start("sum", firmware=True)
    lab.agent_start("ilo1")
    deploy(lab, ["ilo1"], callbacks=False, fw_targets=["ilo1"])


@scenario("fw-port80", "an iLO-like target fetches firmware over HTTP from the SUM host's "
          "port 80")
def sc_fw80(lab):
    fw_scenario(lab, [])


@scenario("fw-63000", "port 80 on the SUM host is held by a silent foreign web server: "
          "firmware served and fetched on 63000 (conflict on 80, inferred)")
def sc_fw63000(lab):
    fw_scenario(lab, [80])


@scenario("fw-63002", "80 (a foreign web server a decoy host browses), 63000 and 63001 "
          "(silent) are taken on the SUM host: firmware on 63002")
def sc_fw63002(lab):
    fw_scenario(lab, [80, 63000, 63001], talk_on_80=True)


@scenario("blocked", "t1's firewall (nftables) drops SYNs to 62286: the SUM host's attempt "
          "from 60000 is never answered; t2 is served normally")
def sc_blocked(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.firewall_drop("t1", CTRL_BASE)
    lab.sum_start("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


@scenario("refused", "t1 runs no SUM agent: 62286 and 62287 answer with a reset (refused); "
          "t2 is served normally")
def sc_refused(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.sum_start("sum")
    lab.agent_start("t2")
    deploy(lab, ["t1", "t2"])


@scenario("bootstrap-windows", "SUM host bootstraps a Windows target: NetBIOS UDP 137/138, "
          "SMB on TCP 445 and 139, then message 60000 -> 62286 and callback 61001")
def sc_boot_win(lab):
    lab.build([("sum", 1, "sum", "linux"), ("win1", 31, "target", "windows")])
    lab.capture(host="sum")
    lab.windows_services("win1")
    lab.sum_start("sum")
    lab.agent_start("win1")
    deploy(lab, ["win1"], bootstrap=True)


@scenario("bootstrap-linux", "SUM host bootstraps a Linux target over SSH (a real sshd: "
          "banners and KEXINIT), then message 60000 -> 62286 and callback 61001",
          fmt="pcapng")
def sc_boot_linux(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1))
    lab.capture(host="sum")
    lab.sshd("t1")
    lab.sum_start("sum")
    lab.agent_start("t1")
    deploy(lab, ["t1"], bootstrap=True)


@scenario("decoy-ephemeral", "no SUM: a Linux client uses source ports 60000-60002 towards "
          "HTTPS 443 and HTTP 8080 of a web server")
def sc_decoy_eph(lab):
    lab.build([("c1", 51, "decoy", "linux"), ("web", 52, "decoy", "linux")])
    lab.capture(bridge_port="c1")
    c, w = lab.hosts["c1"], lab.hosts["web"]
    w.call("listen", kind="tls", ports=[443])
    w.call("listen", kind="http", ports=[8080])
    for sport, dport, kind in ((60000, 443, "tls"), (60001, 8080, "http"),
                               (60002, 443, "tls")):
        r = c.call("connect", kind=kind, dst=w.addr, dport=dport, src_port=sport,
                   messages=["GET / HTTP/1.1"], path="/")
        lab.record(c, sport, w, dport, r["outcome"], False)


@scenario("decoy-udp", "no SUM: a mosh-like UDP session, client 60004 <-> server 60001, plus "
          "a second one on 60002 <-> 60003")
def sc_decoy_udp(lab):
    lab.build([("c1", 51, "decoy", "linux"), ("srv", 52, "decoy", "linux")])
    lab.capture(bridge_port="c1")
    c, s = lab.hosts["c1"], lab.hosts["srv"]
    for sp, dp in ((60004, 60001), (60002, 60003)):
        s.call("listen", kind="udp_echo", ports=[dp])
        r = c.call("udp", dst=s.addr, dport=dp, src_port=sp, expect_reply=True,
                   payloads=[("%04x" % i) + "a5" * 40 for i in range(4)])
        lab.record(c, sp, s, dp, r["outcome"], False, transport="udp")


@scenario("decoy-service", "no SUM: an unrelated non-TLS service on 62286 (msrpc-like) used by "
          "a client from source port 60003")
def sc_decoy_service(lab):
    lab.build([("c1", 51, "decoy", "linux"), ("dc", 52, "decoy", "windows")])
    lab.capture(bridge_port="c1")
    c, s = lab.hosts["c1"], lab.hosts["dc"]
    s.call("listen", kind="banner", ports=[CTRL_BASE], banner="RPC-ENDPOINT v5")
    for sp in (60003, 60005):
        r = c.call("connect", kind="plain", dst=s.addr, dport=CTRL_BASE, src_port=sp,
                   messages=["BIND epm", "LOOKUP"])
        lab.record(c, sp, s, CTRL_BASE, r["outcome"], False)


@scenario("ipv6", "over IPv6 (fd77::/64): two targets, message 60000/60001 -> 62286, "
          "callbacks on 61001, an iLO-like target fetches firmware on 80", fmt="pcapng",
          v6=True)
def sc_ipv6(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1) +
              [("ilo1", 21, "target", "ilo")])
    lab.capture(host="sum")
    lab.sum_start("sum", firmware=True)
    for t in ("t1", "ilo1"):
        lab.agent_start(t)
    deploy(lab, ["t1", "ilo1"], fw_targets=["ilo1"])


@scenario("vlan", "802.1Q VLAN 77 tags on the wire (captured on the SUM host's tagged trunk "
          "link): two targets, message 60000/60001, callbacks on 61001", fmt="pcapng", vlan=77)
def sc_vlan(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum")
    lab.sum_start("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])


@scenario("any-sll2", "tcpdump -i any -y LINUX_SLL2 on the SUM host: its loopback IPC on "
          "127.0.0.1:61000, a target on 60000 -> 62286 and its callback on 61001")
def sc_any(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1))
    lab.capture(host="sum", any_=True)
    lab.sum_start("sum")
    lab.ipc_exchange("sum")
    lab.agent_start("t1")
    deploy(lab, ["t1"])
    lab.ipc_exchange("sum")


@scenario("two-links", "dumpcap on the SUM host's eth0 and on 'any' filtered to the "
          "loopback, into one pcapng of two link types (Ethernet, Linux cooked v2): the "
          "IPC on 127.0.0.1:61000, 60000 -> 62286 on two targets, their callbacks on 61001",
          fmt="pcapng")
def sc_two_links(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2))
    lab.capture(host="sum", two_ifaces=True)
    lab.sum_start("sum")
    lab.ipc_exchange("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2"])
    lab.ipc_exchange("sum")


@scenario("demo", "a deployment to five targets: 60000 held by a silent foreign program "
          "(messages on 60001-60005), t3's agent moved to 62287 (62286 is a banner service), "
          "80 held by a web server a decoy browses (firmware on 63000, fetched by ilo1), "
          "the SUM host's firewall drops t4's callback", fmt="pcapng")
def sc_demo(lab):
    demo_play(lab)


def demo_play(lab, **capture):
    lab.build([("sum", 1, "sum", "linux"), ("win1", 31, "target", "windows"),
               ("t1", 11, "target", "linux"), ("t3", 13, "target", "linux"),
               ("t4", 14, "target", "linux"), ("ilo1", 21, "target", "ilo"),
               ("d1", 101, "decoy", "linux")])
    lab.capture(host="sum", **capture)
    s = lab.hosts["sum"]
    lab.foreign("sum", 60000, "silent")
    lab.foreign("sum", 80, "http")
    lab.foreign_talk("d1", "sum", 80, kind="http", path="/intranet/")
    lab.foreign("t3", CTRL_BASE, "banner", banner="220 legacy-mgmt ready")
    lab.windows_services("win1")
    lab.sshd("t1")
    lab.sum_start("sum", firmware=True)
    lab.ipc_exchange("sum")
    lab.firewall_drop("sum", s.cb, saddr=lab.hosts["t4"].addr)
    order = ["win1", "t1", "t3", "ilo1", "t4"]
    for t in order:
        lab.agent_start(t)
    for t in ("win1", "t1"):
        lab.bootstrap("sum", t)
    ok = [t for t in order if lab.message_open("sum", t)]
    for t in ok:                     # t4 last: its callback is dropped
        lab.callback(t, "sum")
    lab.firmware_fetch("ilo1", "sum")
    for t in order:
        lab.message_close("sum", t)


# ---------------------------------------------------------------------------
# Verdicts that hold on real networks (classic SUM)
# ---------------------------------------------------------------------------

def talk(lab, client, server, sport, dport, kind, transport="tcp", **kw):
    """A program that is not SUM: CLIENT, from the fixed source port SPORT
    (an ephemeral port of that OS), uses SERVER's service on DPORT."""
    c, s = lab.hosts[client], lab.hosts[server]
    if transport == "udp":
        r = c.call("udp", dst=s.addr, dport=dport, src_port=sport, **kw)
    else:
        r = c.call("connect", kind=kind, dst=s.addr, dport=dport, src_port=sport, **kw)
    lab.record(c, sport, s, dport, r["outcome"], False, transport=transport)


@scenario("fw-63001-classic", "classic SUM: 80 (a web server a decoy browses) and 63000 "
          "(silent) are taken on the SUM host, so firmware is served and fetched on 63001, "
          "the 7.x web server's number; message 60000/60001 -> 62286 over TLS and callbacks "
          "on 61001 make the classic plan the best-supported one", extended=True)
def sc_fw63001_classic(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1) +
              [("ilo1", 21, "target", "ilo"), ("d1", 101, "decoy", "linux")])
    lab.capture(host="sum")
    lab.foreign("sum", 80, "http")
    lab.foreign_talk("d1", "sum", 80, kind="http", path="/wiki/")
    lab.foreign("sum", 63000, "silent")
    lab.sum_start("sum", firmware=True)
    for t in ("t1", "ilo1"):
        lab.agent_start(t)
    deploy(lab, ["t1", "ilo1"], fw_targets=["ilo1"])


def boot445(lab, how):
    lab.build([("sum", 1, "sum", "linux"), ("win1", 31, "target", "windows"),
               ("win2", 32, "target", "windows")])
    lab.capture(host="sum")
    lab.windows_services("win1")
    if how == "drop":
        lab.windows_services("win2")
        lab.firewall_drop("win2", 445)
    else:
        lab.windows_services("win2", smb=(139,))
    lab.sum_start("sum")
    for t in ("win1", "win2"):
        lab.agent_start(t)
    deploy(lab, ["win1", "win2"], bootstrap=True)


@scenario("boot-445-dropped", "win2's firewall drops SMB (TCP 445): the SUM host's SYNs go "
          "unanswered and it gives win2 up after NetBIOS on 137/138; win1 is bootstrapped "
          "and served normally (60000 -> 62286, callback 61001)", extended=True)
def sc_boot445_dropped(lab):
    boot445(lab, "drop")


@scenario("boot-445-refused", "nothing listens on win2's TCP 445 (file sharing off): the "
          "SUM host's SYN is answered with a reset and win2 is given up; win1 is "
          "bootstrapped and served normally", extended=True)
def sc_boot445_refused(lab):
    boot445(lab, "reset")


@scenario("ilo-port80", "the SUM host tells an iLO over HTTPS 443 where its firmware is, "
          "and the iLO fetches it over HTTP from the SUM host's port 80 (firmware, "
          "default); a Linux target is served on 60000 -> 62286; a browser on pc1 fetches "
          "from the same port 80 and is not SUM", extended=True)
def sc_ilo_port80(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(1) +
              [("ilo1", 21, "target", "ilo"), ("pc1", 101, "decoy", "windows")])
    lab.capture(host="sum")
    lab.sum_start("sum", firmware=True)
    lab.device_services("ilo1")
    lab.agent_start("t1")
    browser = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) Firefox/128.0"
    lab.foreign_talk("pc1", "sum", 80, kind="http", path="/", ua=browser)
    lab.message_open("sum", "t1")
    lab.callback("t1", "sum")
    lab.reach_target("sum", "ilo1")
    lab.firmware_fetch("ilo1", "sum", path="/fw/ilo5_230.bin")
    lab.foreign_talk("pc1", "sum", 80, kind="http", path="/favicon.ico", ua=browser)
    lab.message_close("sum", "t1")


@scenario("noisy-office", "a deployment (60000/60001 -> 62286 on t1 and t2, callbacks on "
          "61001) among office traffic: Windows clients from ports 60000-61007 to HTTPS, "
          "HTTP 8080 and 62286 of two domain controllers (one answers DCE/RPC, one drops), "
          "Linux clients from 6000x, mosh-like UDP on 60001, and one unanswered 60002 -> "
          "62286 between two hosts with no other SUM traffic", extended=True)
def sc_noisy_office(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(2) +
              [("web", 52, "decoy", "linux"), ("dc1", 53, "decoy", "windows"),
               ("dc2", 54, "decoy", "windows"), ("mosh", 55, "decoy", "linux"),
               ("wc1", 61, "decoy", "windows"), ("wc2", 62, "decoy", "windows"),
               ("lc1", 71, "decoy", "linux"), ("lc2", 72, "decoy", "linux"),
               ("h81", 81, "decoy", "linux"), ("h82", 82, "decoy", "linux")])
    lab.capture(bridge_all=True)
    web = lab.hosts["web"]
    web.call("listen", kind="tls", ports=[443])
    web.call("listen", kind="http", ports=[8080])
    for dc in ("dc1", "dc2"):                       # msrpc dynamic endpoint on 62286
        lab.hosts[dc].call("listen", kind="dcerpc", ports=[CTRL_BASE])
    lab.firewall_drop("dc2", CTRL_BASE)
    lab.firewall_drop("h82", CTRL_BASE)
    lab.hosts["mosh"].call("listen", kind="udp_echo", ports=[60001])
    lab.sum_start("sum")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    get = {"messages": ["GET / HTTP/1.1"], "path": "/"}
    talk(lab, "wc1", "web", 60005, 443, "tls", **get)
    talk(lab, "lc1", "web", 60001, 443, "tls", **get)
    ok = [t for t in ("t1", "t2") if lab.message_open("sum", t)]
    talk(lab, "wc1", "dc1", 60007, CTRL_BASE, "dcerpc", iface="epm")
    talk(lab, "wc2", "web", 61003, 8080, "http", path="/intranet/")
    talk(lab, "lc2", "mosh", 60004, 60001, None, transport="udp", expect_reply=True,
         payloads=[("%04x" % i) + "a5" * 40 for i in range(3)])
    for t in ok:
        lab.callback(t, "sum")
    talk(lab, "wc2", "dc2", 61004, CTRL_BASE, "dcerpc", iface="epm")
    talk(lab, "lc1", "web", 60002, 8080, "http", path="/status")
    talk(lab, "wc2", "web", 60000, 443, "tls", **get)
    for t in ok:
        lab.message_close("sum", t)
    talk(lab, "h81", "h82", 60002, CTRL_BASE, "plain")


@scenario("demo-host-filter", "the demo deployment captured on the SUM host through the "
          "capture filter 'host 10.77.0.14': only t4 shows (message 60005 -> 62286, its "
          "dropped callback on 61001); the lower message ports went to targets outside "
          "the view", fmt="pcapng", extended=True)
def sc_demo_host_filter(lab):
    demo_play(lab, filter_host="t4")


@scenario("agent-not-running", "t1, t2, t3 are bootstrapped over SSH (a real sshd); on t1 "
          "nothing of SUM runs: 62286 and 62287 answer with a reset; t2 and t3 are served "
          "normally", fmt="pcapng", extended=True)
def sc_agent_not_running(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(3))
    lab.capture(host="sum")
    for t in ("t1", "t2", "t3"):
        lab.sshd(t)
    lab.sum_start("sum")
    for t in ("t2", "t3"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2", "t3"], bootstrap=True)


@scenario("callbacks-dropped-all", "the SUM host's firewall drops every callback: t1, t2 "
          "and t3 are served on 60000-60002 -> 62286, and each one's connection back to "
          "61001 goes unanswered", extended=True)
def sc_callbacks_dropped_all(lab):
    lab.build([("sum", 1, "sum", "linux")] + linux_targets(3))
    lab.capture(host="sum")
    lab.sum_start("sum")
    lab.firewall_drop("sum", lab.hosts["sum"].cb)
    for t in ("t1", "t2", "t3"):
        lab.agent_start(t)
    deploy(lab, ["t1", "t2", "t3"])


@scenario("no-sum", "an office with no SUM: HTTPS, SSH (a real sshd), SMB and NetBIOS "
          "between ordinary hosts, clients on 6000x and 6100x ephemeral ports",
          extended=True)
def sc_no_sum(lab):
    lab.build([("lc1", 51, "decoy", "linux"), ("web", 52, "decoy", "linux"),
               ("ssh", 53, "decoy", "linux"), ("fs", 54, "decoy", "windows"),
               ("wc1", 61, "decoy", "windows")])
    lab.capture(bridge_all=True)
    lab.hosts["web"].call("listen", kind="tls", ports=[443])
    lab.sshd("ssh")
    lab.windows_services("fs")
    get = {"messages": ["GET / HTTP/1.1"], "path": "/"}
    talk(lab, "lc1", "web", 60003, 443, "tls", **get)
    talk(lab, "lc1", "ssh", 60004, 22, "ssh", banner="SSH-2.0-OpenSSH_9.2p1 Debian-2")
    q = (b"\x21\x43\x01\x10\x00\x01\x00\x00\x00\x00\x00\x00" + nbns_name("FS") +
         b"\x00\x20\x00\x01")
    talk(lab, "wc1", "fs", 137, 137, None, transport="udp", payloads=[q.hex()],
         expect_reply=True)
    talk(lab, "wc1", "fs", 61005, 445, "smb")
    talk(lab, "wc1", "web", 60015, 443, "tls", **get)


# ---------------------------------------------------------------------------
# SUM 7.x and 8.x (docs/generations.md)
# ---------------------------------------------------------------------------

GEN_HOSTS = {"win1": (31, "windows"), "lnx1": (11, "linux"), "lnx2": (12, "linux"),
             "lnx3": (13, "linux"), "vmw1": (41, "vmware"), "vmw2": (42, "vmware"),
             "ilo1": (21, "ilo")}


def gen_lab(lab, targets, release, gen="7", sum_os="linux", capture=None, web=None,
            no_wbem=()):
    """A 7.x/8.x SUM host and its targets, each with its own services up."""
    lab.build([("sum", 1, "sum", sum_os)] +
              [(t, GEN_HOSTS[t][0], "target", GEN_HOSTS[t][1]) for t in targets])
    lab.release = release
    lab.capture(**(capture or {"host": "sum"}))
    lab.web_start("sum", gen=gen, **(web or {}))
    for t in targets:
        os_ = lab.hosts[t].os
        if os_ == "windows":
            lab.windows_services(t, rpc=True)
        elif os_ == "linux":
            lab.sshd(t)
        else:
            lab.device_services(t, wbem=t not in no_wbem)


def connect_back(lab, target, sum_host="sum"):
    """A 7.x target fetches what SUM gives it from 63001 and (OS targets)
    posts its status to 63002; an iLO only fetches its firmware."""
    if lab.hosts[target].os == "ilo":
        lab.web_call(target, sum_host, "/fw/ilo5_230.bin", ua="iLO 5")
        return
    ua = "HPE-SUM-remote/%s" % (lab.release or "7")
    lab.web_call(target, sum_host, "/sum/components/cp045678.bin", ua=ua)
    lab.web_call(target, sum_host, "/sum/status", tls=True, method="POST", ua=ua,
                 body='{"node": "%s", "state": "installed"}' % target)


def deploy7(lab, targets, back, sum_host="sum"):
    ok = [t for t in targets if lab.reach_target(sum_host, t)]
    for t in ok:
        if t in back:
            connect_back(lab, t, sum_host)
    return ok


@scenario("gen7-clean", "SUM 7.2.1: web server on 63001 (HTTP) and 63002 (HTTPS); the SUM "
          "host reaches a Windows target (137, 445, 135, 139), a Linux one (SSH 22), a "
          "VMware one (443, WBEM 5989) and an iLO (443); all four connect back",
          extended=True)
def sc_gen7_clean(lab):
    ts = ["win1", "lnx1", "vmw1", "ilo1"]
    gen_lab(lab, ts, "7.2.1")
    deploy7(lab, ts, back=ts)


@scenario("gen73-no-callback", "SUM 7.3.0: the same four targets; the Windows and the Linux "
          "target do not connect back (7.3 and later), the VMware one and the iLO still "
          "fetch from 63001 (and VMware posts to 63002)", extended=True)
def sc_gen73_no_callback(lab):
    ts = ["win1", "lnx1", "vmw1", "ilo1"]
    gen_lab(lab, ts, "7.3.0")
    deploy7(lab, ts, back=["vmw1", "ilo1"])


@scenario("gen8-any", "SUM 8.x on a Windows host, tcpdump -i any: SUM's own processes talk "
          "over 127.0.0.1:63002 (TLS); WMI to a Windows target (DCOM through 135, then its "
          "endpoint on 49668) after SMB; a VMware target and an iLO connect back",
          extended=True)
def sc_gen8_any(lab):
    ts = ["win1", "vmw1", "ilo1"]
    gen_lab(lab, ts, "8.2.0", gen="8", sum_os="windows",
            capture={"host": "sum", "any_": True})
    post = {"tls": True, "method": "POST", "ua": "HPE-SUM-engine/8", "loopback": True}
    lab.web_call("sum", "sum", "/session/open", body='{"engine": "deploy"}', **post)
    ok = deploy7(lab, ts, back=["vmw1", "ilo1"])
    if "win1" in ok:
        lab.wmi("sum", "win1")
    lab.web_call("sum", "sum", "/session/status", body='{"targets": 3}', **post)


@scenario("gen7-ports-moved", "SUM 7.2.1 started with --port 63011 --ssl_port 63012: a Linux "
          "target, a VMware one and an iLO fetch from 63011 and post to 63012 "
          "(cause: configured)", extended=True)
def sc_gen7_ports_moved(lab):
    ts = ["lnx1", "vmw1", "ilo1"]
    gen_lab(lab, ts, "7.2.1", web={"port": WEB_HTTP + 10, "ssl_port": WEB_HTTPS + 10})
    deploy7(lab, ts, back=ts)


@scenario("gen7-web-blocked", "SUM 7.2.1: the SUM host's firewall drops 63002 from lnx2 "
          "only: lnx1 fetches and posts normally, lnx2 fetches from 63001 and its post "
          "to 63002 goes unanswered", extended=True)
def sc_gen7_web_blocked(lab):
    ts = ["lnx1", "lnx2"]
    gen_lab(lab, ts, "7.2.1")
    lab.firewall_drop("sum", WEB_HTTPS, saddr=lab.hosts["lnx2"].addr)
    deploy7(lab, ts, back=ts)


@scenario("gen7-wbem-refused", "SUM 7.2.1: vmw1's WBEM service is stopped, its 5989 answers "
          "with a reset after 443 worked, and SUM gives it up; vmw2 and lnx1 are served "
          "normally", extended=True)
def sc_gen7_wbem_refused(lab):
    ts = ["lnx1", "vmw1", "vmw2"]
    gen_lab(lab, ts, "7.2.1", no_wbem=["vmw1"])
    deploy7(lab, ts, back=ts)


@scenario("gen7-ssh-blocked", "SUM 7.2.1: lnx2's firewall drops SSH (22), the SUM host's "
          "SYNs go unanswered; lnx1 is reached over SSH and connects back to 63001/63002",
          extended=True)
def sc_gen7_ssh_blocked(lab):
    ts = ["lnx1", "lnx2"]
    gen_lab(lab, ts, "7.2.1")
    lab.firewall_drop("lnx2", 22)
    deploy7(lab, ts, back=ts)


@scenario("mixed-classic-gen7", "two SUM hosts at once on one LAN (captured on the switch): "
          "a classic one (10.77.0.1: 60000/60001 -> 62286, callbacks on 61001) and a 7.2.1 "
          "one (10.77.0.2: SSH to a Linux target, HTTPS to an iLO, both connect back to "
          "63001/63002)", extended=True)
def sc_mixed(lab):
    lab.build([("sum", 1, "sum", "linux"), ("sum7", 2, "sum", "linux")] + linux_targets(2) +
              [("lnx3", 13, "target", "linux"), ("ilo1", 21, "target", "ilo")])
    lab.capture(bridge_all=True)
    lab.sum_start("sum")
    lab.web_start("sum7", gen="7")
    lab.release = None
    lab.sshd("lnx3")
    lab.device_services("ilo1")
    for t in ("t1", "t2"):
        lab.agent_start(t)
    lab.message_open("sum", "t1")
    lab.reach_target("sum7", "lnx3")
    lab.message_open("sum", "t2")
    lab.reach_target("sum7", "ilo1")
    lab.callback("t1", "sum")
    lab.web_call("lnx3", "sum7", "/sum/components/cp045678.bin", ua="HPE-SUM-remote/7.2.1")
    lab.callback("t2", "sum")
    lab.web_call("lnx3", "sum7", "/sum/status", tls=True, method="POST",
                 ua="HPE-SUM-remote/7.2.1", body='{"node": "lnx3", "state": "installed"}')
    lab.web_call("ilo1", "sum7", "/fw/ilo5_230.bin", ua="iLO 5")
    for t in ("t1", "t2"):
        lab.message_close("sum", t)
