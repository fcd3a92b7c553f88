#!/usr/bin/env python3
"""tshark with the SUM plugin over a corpus of real captures with no SUM
traffic (tcpdump's test suite): no crash, no sanitizer report, and no frame
with a SUM label of medium or high confidence. A crash is called ours only
when stock tshark (without the plugin) reads the same file cleanly.

usage: check_corpus.py PLUGIN_SO CORPUS_DIR [JOBS]
"""
import concurrent.futures
import glob
import os
import subprocess
import sys

from tsharklib import Tshark


def crashed(p):
    return (p.returncode < 0 or p.returncode >= 128 or "AddressSanitizer" in p.stderr or
            "runtime error:" in p.stderr or "Dissector bug" in p.stderr)


def check(ts, path):
    p = ts.run("-r", ts.readable(path), "-T", "fields", "-e", "frame.number",
               "-e", "sum.confidence", timeout=120)
    if crashed(p):
        stock = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.number"],
                               capture_output=True, text=True, errors="replace", timeout=120)
        if crashed(stock):
            return path, None, "stock tshark fails the same way"
        return path, "crash with the plugin (exit %d): %s" % (p.returncode, p.stderr[-300:]), None
    bad = [l for l in p.stdout.splitlines() if l.endswith("\tmedium") or l.endswith("\thigh")]
    if bad:
        return path, "confident SUM label on frame %s" % bad[0].split("\t")[0], None
    return path, None, None


def main():
    plugin, corpus = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else (os.cpu_count() or 2)
    ts = Tshark(plugin)
    files = sorted(glob.glob(os.path.join(corpus, "*.pcap")) +
                   glob.glob(os.path.join(corpus, "*.pcapng")))
    failed = stock = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        for path, err, note in ex.map(lambda f: check(ts, f), files):
            if err:
                failed += 1
                print("FAIL %s: %s" % (os.path.basename(path), err))
            elif note:
                stock += 1
                print("note %s: %s" % (os.path.basename(path), note))
    print("%d captures, %d stock tshark failures (not ours)" % (len(files), stock))
    print("%d passed, %d failed" % (len(files) - failed, failed))
    return 1 if failed or not files else 0


if __name__ == "__main__":
    sys.exit(main())
