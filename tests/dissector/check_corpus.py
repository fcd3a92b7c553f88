#!/usr/bin/env python3
"""tshark with the SUM plugin over a corpus of real captures with no SUM
traffic (tcpdump's test suite): no crash, no sanitizer report, and no frame
with a SUM label of medium or high confidence, in one pass or two (-2). A crash is called ours only
when stock tshark (without the plugin) reads the same file cleanly.

tshark's start-up (every dissector registered) costs far more than these
small captures, so they are read in batches concatenated by mergecap into
one pcapng (one interface per link type). A batch that mergecap refuses, or
that fails in any way, is split in halves and read again, down to single
files: only a single file's result is ever reported.

usage: check_corpus.py PLUGIN_SO CORPUS_DIR [JOBS] [BATCH]
"""
import concurrent.futures
import glob
import os
import shutil
import subprocess
import sys

from tsharklib import Tshark


def crashed(p):
    return (p.returncode < 0 or p.returncode >= 128 or "AddressSanitizer" in p.stderr or
            "runtime error:" in p.stderr or "Dissector bug" in p.stderr)


# One pass (what a live capture sees) and two (labels from core's
# reconstruction): neither may crash or label anything confidently.
PASSES = ([], ["-2"])


def confident(ts, out):
    names = ts.values().get("sum.confidence", {})
    return [l for l in out.splitlines()
            if names.get(l.split("\t")[-1]) in ("medium", "high")]


def check(ts, path):
    for extra in PASSES:
        res = check_pass(ts, path, extra)
        if res[1] or res[2]:
            return res
    return path, None, None


def check_pass(ts, path, extra):
    p = ts.run("-r", ts.readable(path), *extra, "-T", "fields", "-e", "frame.number",
               "-e", "sum.confidence", timeout=120)
    if crashed(p):
        stock = subprocess.run(["tshark", "-r", path, "-T", "fields", "-e", "frame.number"],
                               capture_output=True, text=True, errors="replace", timeout=120)
        if crashed(stock):
            return path, None, "stock tshark fails the same way"
        return path, "crash with the plugin (exit %d): %s" % (p.returncode, p.stderr[-300:]), None
    bad = confident(ts, p.stdout)
    if bad:
        return path, "confident SUM label on frame %s%s" % (bad[0].split("\t")[0],
                                                           " (-2)" if extra else ""), None
    return path, None, None


def check_batch(ts, name, paths):
    """Results for PATHS: one tshark run over their concatenation when it is
    clean, else each half again, down to single files."""
    if len(paths) == 1 or not shutil.which("mergecap"):
        return [check(ts, f) for f in paths]
    merged = os.path.join(ts.files, "batch-%s.pcapng" % name)
    m = subprocess.run(["mergecap", "-a", "-F", "pcapng", "-w", merged, *paths],
                       capture_output=True, text=True, errors="replace", timeout=120)
    if m.returncode == 0 and os.path.exists(merged):
        os.chmod(merged, 0o644)
        clean = True
        for extra in PASSES:
            p = ts.run("-r", merged, *extra, "-T", "fields", "-e", "frame.number",
                       "-e", "sum.confidence", timeout=300)
            clean = clean and p.returncode == 0 and not crashed(p) and not p.stderr.strip() \
                and not confident(ts, p.stdout)
        os.unlink(merged)
        if clean:
            return [(f, None, None) for f in paths]
    elif os.path.exists(merged):
        os.unlink(merged)
    half = len(paths) // 2
    return (check_batch(ts, name + "a", paths[:half]) +
            check_batch(ts, name + "b", paths[half:]))


def main():
    plugin, corpus = sys.argv[1], sys.argv[2]
    jobs = int(sys.argv[3]) if len(sys.argv) > 3 else (os.cpu_count() or 2)
    size = int(sys.argv[4]) if len(sys.argv) > 4 else 40
    ts = Tshark(plugin)
    files = sorted(glob.glob(os.path.join(corpus, "*.pcap")) +
                   glob.glob(os.path.join(corpus, "*.pcapng")))
    batches = [files[i:i + size] for i in range(0, len(files), size)]
    failed = stock = 0
    with concurrent.futures.ThreadPoolExecutor(jobs) as ex:
        results = ex.map(lambda nb: check_batch(ts, "%04d" % nb[0], nb[1]), enumerate(batches))
        for path, err, note in (r for batch in results for r in batch):
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
