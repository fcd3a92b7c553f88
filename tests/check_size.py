#!/usr/bin/env python3
"""Keeps the code readable in pieces: no source file of core/, analyzer/ or
dissector/ over MAX_FILE lines, no function over MAX_FUNC lines. Wireshark's
registration functions (*_register, *_register_*, proto_reg_handoff_*),
which are mostly field arrays, are exempt. A function is what the project's
style writes: its opening brace alone at the start of a line, its closing
brace at the start of a line.

usage: check_size.py SOURCE_DIR
"""
import glob
import os
import re
import sys

MAX_FILE = 600
MAX_FUNC = 80
EXEMPT = re.compile(r"(_register(_\w+)?|^proto_reg_handoff_\w+)$")
NAME = re.compile(r"(\w+)\s*\(")


def functions(lines):
    """(name, first line, length) of every function in LINES."""
    i = 0
    while i < len(lines):
        if lines[i].startswith("{"):
            j = i - 1
            while j >= 0 and not NAME.search(lines[j]):
                j -= 1
            m = NAME.search(lines[j]) if j >= 0 else None
            k = i + 1
            while k < len(lines) and not lines[k].startswith("}"):
                k += 1
            yield (m.group(1) if m else "?"), i + 1, k - i + 1
            i = k
        i += 1


def main():
    root = sys.argv[1]
    files = []
    for d in ("core", "analyzer", "dissector"):
        files += sorted(glob.glob(os.path.join(root, d, "*.[ch]")))
    errs, nfunc = [], 0
    for path in files:
        with open(path, errors="replace") as f:
            lines = f.read().split("\n")
        rel = os.path.relpath(path, root)
        if len(lines) > MAX_FILE:
            errs.append("%s: %d lines (at most %d)" % (rel, len(lines), MAX_FILE))
        for name, at, n in functions(lines):
            nfunc += 1
            if n > MAX_FUNC and not EXEMPT.search(name):
                errs.append("%s:%d: %s() is %d lines (at most %d)" % (rel, at, name, n, MAX_FUNC))
    for e in errs:
        print("FAIL " + e)
    print("%d files, %d functions, %d over the limits" % (len(files), nfunc, len(errs)))
    # Finding no function at all means the reading is broken, not the code good.
    return 1 if errs or nfunc < 100 else 0


if __name__ == "__main__":
    sys.exit(main())
