#!/usr/bin/env python3
"""A deployment to many targets at a glance (analyzer/bench/make_deployment.py
writes it, with the status each target should get): the text report starts
with what failed, grouped by cause and port, then one line per target whose
status is the generator's; no line is wider than the terminal (COLUMNS, and
a 72-column pseudo-terminal, its size asked with TIOCGWINSZ), and a firewall command
broken to fit still runs as the one-line command of the JSON.

usage: check_width.py SUMSCOPE MAKE_DEPLOYMENT WORK_DIR
"""
import json
import os
import re
import subprocess
import sys
import time

exe, gen, work = sys.argv[1:4]
os.makedirs(work, exist_ok=True)
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def run(*args, columns=None):
    env = dict(os.environ)
    env.pop("COLUMNS", None)
    if columns is not None:
        env["COLUMNS"] = str(columns)
    return subprocess.run([exe, *args], capture_output=True, text=True, env=env, timeout=120)


pcap, truth_path = os.path.join(work, "d100.pcap"), os.path.join(work, "d100.truth.json")
subprocess.run([sys.executable, gen, "100", pcap, "--truth", truth_path], check=True,
               capture_output=True)
truth = json.load(open(truth_path))["targets"]

for cols in (80, 60, 132):
    p = run(pcap, columns=cols)
    long = [l for l in p.stdout.splitlines() if len(l) > cols]
    check("COLUMNS=%d: no line wider" % cols, p.returncode == 1 and not long,
          "%d too long, e.g. %r" % (len(long), long[:1]))
p = run(pcap)
check("not a terminal, no COLUMNS: 80 columns",
      max(len(l) for l in p.stdout.splitlines()) <= 80)
text = run(pcap, columns=80).stdout

heads = [l for l in text.splitlines() if l and not l.startswith(" ")]
# The root causes (three targets refuse every control port: their agent is
# not running) come right after the summary, before what failed.
check("root causes right after the summary", heads[1] == "What it comes down to", heads[:2])
heads = [h for h in heads if h != "What it comes down to"]
check("sections in order: summary, what failed, targets, allocations",
      heads[:4] == ["SUM port story  (port plan: classic, message ports (60000 and up) talking to",
                    "What failed, and what to open", heads[2], "Allocations"] and
      heads[2].startswith("Targets (100: "), str(heads[:4]))
failed = text[text.index("What failed"):text.index("\nTargets")]
n_blocked = sum(1 for s in truth.values() if s == "blocked")
m = re.search(r"blocked\s+callbacks to 61001 on 10\.0\.0\.1 dropped from (\d+) targets: "
              r"((?:\d+\.\d+\.\d+\.\d+,\s+){4}\d+\.\d+\.\d+\.\d+) \(\+(\d+)\s+more\)", failed)
want = sorted((a for a, s in truth.items() if s == "blocked"),
              key=lambda a: tuple(int(x) for x in a.split(".")))
check("the dropped callbacks are one group naming the first five targets",
      m and int(m.group(1)) == n_blocked and int(m.group(3)) == n_blocked - 5 and
      re.split(r",\s+", m.group(2)) == want[:5], failed[:400])
check("the group says what to open", re.search(r"open: inbound 61001/tcp on 10\.0\.0\.1 from\s+"
                                               r"them", failed), failed[:600])
check("refused control ports and the moved ones are told",
      "control port 62286 refused on" in failed and "taken on" in re.sub(r"\s+", " ", failed))

rows = {}
for line in text[text.index("\nTargets"):text.index("\nAllocations")].splitlines():
    r = re.match(r"  (\d+\.\d+\.\d+\.\d+)\s+(ok|blocked|refused|fell back)\s+\d+\s", line)
    if r:
        rows[r.group(1)] = r.group(2).replace(" ", "-")
check("one line per target, its status the generator's", rows == truth,
      str(sorted((a, rows.get(a), s) for a, s in truth.items() if rows.get(a) != s)[:5]))

# A firewall command broken to fit still runs as the JSON's one-line command.
doc = json.loads(run("--json=-", pcap).stdout)
block = text[text.index("\nFirewall rules"):]
cmds = re.findall(r"    firewalld:\n((?:      .*\n|'.*\n)+)", block)
shim = "firewall-cmd() { printf '<%s>' \"$@\"; echo; }\n"


def args_of(cmd):
    return subprocess.run(["bash", "-c", shim + cmd], capture_output=True, text=True).stdout


ones = [m["firewalld"] for m in doc["remediation"] if m["firewalld"]]
check("broken firewalld commands are the JSON's commands", cmds and
      [args_of(c) for c in cmds[:5]] == [args_of(c) for c in ones[:5]],
      "%r vs %r" % (cmds[:1], ones[:1]))
check("some of them were broken (80 columns is too narrow for them)",
      any("\\\n" in c for c in cmds))

# On a real terminal of 72 columns (a pseudo-terminal whose size sumscope
# asks with TIOCGWINSZ), without COLUMNS: no line wider than the terminal.
import fcntl
import pty
import struct
import termios

pid, fd = pty.fork()
if pid == 0:
    os.environ.pop("COLUMNS", None)
    os.environ["NO_COLOR"] = "1"
    fcntl.ioctl(1, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 72, 0, 0))
    os.execv(exe, [exe, pcap])
out = b""
deadline = time.time() + 60
while time.time() < deadline:
    try:
        chunk = os.read(fd, 65536)
    except OSError:
        break
    if not chunk:
        break
    out += chunk
os.waitpid(pid, 0)
lines = out.decode(errors="replace").replace("\r\n", "\n").splitlines()
check("on a 72-column terminal: no line wider, and it is used (not 80)",
      any("What failed" in l for l in lines) and max(len(l) for l in lines) <= 72 and
      max(len(l) for l in lines) > 66,
      max(lines, key=len) if lines else "no output")
failed_n = results.count(False)
print("%d passed, %d failed" % (len(results) - failed_n, failed_n))
sys.exit(1 if failed_n else 0)
