#!/usr/bin/env python3
"""sumscope --version: our version (CMake's project version), the source
revision (git describe at build time, "unknown" outside git), and the
libpcap, GLib and json-glib versions it runs or was built with.

usage: check_version.py SUMSCOPE PROJECT_VERSION SOURCE_DIR REVISION_SCRIPT REVISION_H WORK_DIR
"""
import os
import re
import shutil
import subprocess
import sys

exe, version, src, script, header, work = sys.argv[1:7]
os.makedirs(work, exist_ok=True)
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + detail))


def modversion(pkg):
    return subprocess.run(["pkg-config", "--modversion", pkg], capture_output=True,
                          text=True, check=True).stdout.strip()


def revision_of(tree):
    """What cmake/SumscopeRevision.cmake writes for TREE."""
    out = os.path.join(work, "rev.h")
    if os.path.exists(out):
        os.unlink(out)
    subprocess.run(["cmake", "-DSOURCE_DIR=" + tree, "-DOUTPUT=" + out, "-P", script],
                   check=True, capture_output=True)
    m = re.search(r'#define SUMSCOPE_REVISION "([^"]*)"', open(out).read())
    return m.group(1) if m else None


p = subprocess.run([exe, "--version"], capture_output=True, text=True, timeout=30)
lines = p.stdout.splitlines()
check("--version exits 0 with four lines", p.returncode == 0 and len(lines) == 4, p.stdout)
lines += [""] * 4
m = re.fullmatch(r"sumscope (\S+) \(revision (\S+)\)", lines[0])
check("first line: sumscope VERSION (revision REV)", m, lines[0])
check("the version is CMake's project version", m and m.group(1) == version,
      "%s vs %s" % (m and m.group(1), version))
git = shutil.which("git")
described = None
if git:
    r = subprocess.run([git, "-C", src, "describe", "--always", "--tags"],
                       capture_output=True, text=True)
    described = r.stdout.strip() if r.returncode == 0 else None
# The binary says the revision its build wrote (the header beside it, made
# by the revision script at build time); the script says git describe of the
# tree now. A build older than the last commit is stale, not wrong.
m2 = re.search(r'#define SUMSCOPE_REVISION "([^"]*)"', open(header).read())
check("the revision is the one the build wrote", m and m2 and m.group(2) == m2.group(1),
      "%s vs %s" % (m and m.group(2), m2 and m2.group(1)))
now = revision_of(src)
if described:
    check("the revision script gives git describe of the source tree",
          re.fullmatch(re.escape(described) + r"(-dirty)?", now or ""),
          "%s vs %s" % (now, described))
else:
    check("outside git the revision is unknown", now == "unknown", now)
check("libpcap's version line (pcap_lib_version)",
      lines[1].startswith("libpcap version " + modversion("libpcap")), lines[1])
check("GLib's version", lines[2] == "GLib " + modversion("glib-2.0"), lines[2])
check("json-glib's version", lines[3] == "json-glib " + modversion("json-glib-1.0"), lines[3])

# The revision script on a tree that is no git work tree, and on one that
# lies inside another repository: "unknown" both times, never the other's.
plain = os.path.join(work, "plain")
os.makedirs(plain, exist_ok=True)
check("a tree outside git: unknown", revision_of(plain) == "unknown")
if git:
    repo = os.path.join(work, "outer")
    shutil.rmtree(repo, ignore_errors=True)
    os.makedirs(os.path.join(repo, "sumscope"))
    env = dict(os.environ, GIT_AUTHOR_NAME="t", GIT_AUTHOR_EMAIL="t@t", GIT_COMMITTER_NAME="t",
               GIT_COMMITTER_EMAIL="t@t")
    subprocess.run([git, "init", "-q", repo], check=True)
    open(os.path.join(repo, "f"), "w").write("x\n")
    subprocess.run([git, "-C", repo, "add", "f"], check=True)
    subprocess.run([git, "-C", repo, "commit", "-qm", "x"], check=True, env=env)
    check("a tree copied into another repository: unknown",
          revision_of(os.path.join(repo, "sumscope")) == "unknown")
    outer = revision_of(repo)
    check("the top of a repository: its short hash", outer and re.fullmatch(r"[0-9a-f]{7,}",
                                                                           outer), outer)

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
