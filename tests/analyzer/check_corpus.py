#!/usr/bin/env python3
"""sumscope over a corpus of real captures with no SUM traffic (tcpdump's
test suite: many link types, many deliberately malformed packets): never a
crash, a hang or a sanitizer report; a file error is exit 2 with one line
naming the file; an analysed file yields no SUM host, allocation or finding.

usage: check_corpus.py SUMSCOPE CORPUS_DIR [JOBS]
"""
import concurrent.futures
import glob
import json
import os
import subprocess
import sys


def run(exe, path):
    try:
        p = subprocess.run([exe, "--json=-", "--color=never", path], capture_output=True,
                           text=True, errors="replace", timeout=60)
    except subprocess.TimeoutExpired:
        return path, "hang (over 60 s)"
    if p.returncode < 0:
        return path, "killed by signal %d" % -p.returncode
    if "AddressSanitizer" in p.stderr or "runtime error" in p.stderr:
        return path, "sanitizer report: " + p.stderr[:300]
    if p.returncode == 2:
        first = p.stderr.strip().splitlines()[:1]
        if not first or os.path.basename(path) not in first[0]:
            return path, "error does not name the file: %r" % p.stderr[:200]
        return path, None
    if p.returncode not in (0, 1, 3):
        return path, "exit %d" % p.returncode
    try:
        doc = json.loads(p.stdout)
    except ValueError as e:
        return path, "bad JSON: %s" % e
    if doc["allocations"] or doc["findings"] or doc["hosts"]:
        return path, "SUM reported: %d hosts, %d allocations, %d findings" % (
            len(doc["hosts"]), len(doc["allocations"]), len(doc["findings"]))
    return path, None


def main():
    exe, corpus = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else os.cpu_count() or 2
    files = sorted(glob.glob(os.path.join(corpus, "*.pcap")) +
                   glob.glob(os.path.join(corpus, "*.pcapng")))
    if not files:
        print("no captures in %s" % corpus)
        return 1
    failed = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for path, err in ex.map(lambda f: run(exe, f), files):
            if err:
                failed += 1
                print("FAIL %s: %s" % (os.path.basename(path), err))
    print("%d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
