#!/usr/bin/env python3
"""cmake --install into a fresh prefix: every file where it belongs and
nothing outside the prefix; the man page renders without a warning; the
bash completion is valid bash and completes options, --profile values and
capture files; the installed sumscope runs.

usage: check_install.py BUILD_DIR WORK_DIR [PLUGIN_RELPATH]
"""
import os
import shutil
import subprocess
import sys

build, work = sys.argv[1], sys.argv[2]
plugin = sys.argv[3] if len(sys.argv) > 3 else None
results = []


def check(name, cond, detail=""):
    results.append(bool(cond))
    print("%s %s%s" % ("ok  " if cond else "FAIL", name, "" if cond else ": " + str(detail)[:400]))


shutil.rmtree(work, ignore_errors=True)
prefix = os.path.join(work, "prefix")
p = subprocess.run(["cmake", "--install", build, "--prefix", prefix], capture_output=True,
                   text=True)
check("cmake --install --prefix exits 0", p.returncode == 0, p.stderr)
manifest = open(os.path.join(build, "install_manifest.txt")).read().split()
check("nothing installed outside the prefix", manifest and
      all(os.path.abspath(f).startswith(prefix + os.sep) for f in manifest),
      [f for f in manifest if not f.startswith(prefix)])
want = ["bin/sumscope", "share/man/man1/sumscope.1", "share/doc/sumscope/README.md",
        "share/doc/sumscope/sumscope.md", "share/doc/sumscope/capturing.md",
        "share/doc/sumscope/json.md", "share/doc/sumscope/sumscope.schema.json",
        "share/doc/sumscope/img/report-demo.png", "share/bash-completion/completions/sumscope"]
if plugin:
    want.append(plugin)
for rel in want:
    check("installed: " + rel, os.path.isfile(os.path.join(prefix, rel)))

man = os.path.join(prefix, "share/man/man1/sumscope.1")
p = subprocess.run(["man", "--warnings", "-l", man], capture_output=True, text=True,
                   env=dict(os.environ, MANWIDTH="80", MANPAGER="cat", PAGER="cat"))
check("man --warnings -l: renders, no warning", p.returncode == 0 and not p.stderr.strip() and
      "SYNOPSIS" in p.stdout and "--csv" in p.stdout.replace("\u2010", "-"), p.stderr)
p = subprocess.run(["groff", "-ww", "-z", "-man", man], capture_output=True, text=True)
check("groff -ww -z: no warning", p.returncode == 0 and not p.stderr.strip(), p.stderr)
p = subprocess.run([os.path.join(prefix, "bin/sumscope"), "--version"], capture_output=True,
                   text=True)
check("the installed sumscope runs", p.returncode == 0 and p.stdout.startswith("sumscope "))

comp = os.path.join(prefix, "share/bash-completion/completions/sumscope")
p = subprocess.run(["bash", "-n", comp], capture_output=True, text=True)
check("bash -n: the completion is valid bash", p.returncode == 0, p.stderr)
caps = os.path.join(work, "caps")
os.makedirs(os.path.join(caps, "sub"))
for name in ("day1.pcap", "day2.pcapng", "notes.txt"):
    open(os.path.join(caps, name), "w").close()


def complete(*words):
    script = ('source "%s"; COMP_WORDS=(%s); COMP_CWORD=%d; _sumscope; '
              'printf "%%s\\n" "${COMPREPLY[@]}"' %
              (comp, " ".join("'%s'" % w for w in words), len(words) - 1))
    r = subprocess.run(["bash", "-c", script], capture_output=True, text=True, cwd=caps)
    return [x for x in r.stdout.splitlines() if x]


check("--prof completes to --profile", complete("sumscope", "--prof") == ["--profile"],
      complete("sumscope", "--prof"))
check("--profile values", complete("sumscope", "--profile", "") == ["auto", "classic", "7", "8"])
check("--profile=c completes the value", complete("sumscope", "--profile=c") == ["classic"])
check("--fail-on values", complete("sumscope", "--fail-on", "") == ["error", "warning", "never"],
      complete("sumscope", "--fail-on", ""))
check("--fail-on=n completes the value", complete("sumscope", "--fail-on=n") == ["never"])
check("--fail completes to --fail-on", complete("sumscope", "--fail") == ["--fail-on"])
check("capture files and folders, not other files",
      sorted(complete("sumscope", "")) == ["day1.pcap", "day2.pcapng", "sub"],
      complete("sumscope", ""))
check("--csv completes folders", complete("sumscope", "--csv", "") == ["sub"])

failed = results.count(False)
print("%d passed, %d failed" % (len(results) - failed, failed))
sys.exit(1 if failed else 0)
