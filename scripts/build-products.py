#!/usr/bin/env python3
"""Drop build products from a list of paths `git status --ignored` gave.

Debian's top-level .gitignore ignores every top-level path, so git never
reads the kernel's own per-directory .gitignore files, and a test
harness's binaries look like new files. Reads "XY path" lines on stdin,
prints those not ignored by a .gitignore below the top of TREE.
Handles the patterns those files use: names, globs, "dir/" and "/name".
"""
import fnmatch
import os
import sys

tree = sys.argv[1]


def rules(d):
    try:
        with open(os.path.join(tree, d, '.gitignore')) as f:
            lines = [l.strip() for l in f]
    except OSError:
        return []
    return [l for l in lines if l and not l.startswith(('#', '!'))]


def ignored(path):
    parts = path.rstrip('/').split('/')
    for depth in range(1, len(parts)):
        d = '/'.join(parts[:depth])
        rest = parts[depth:]
        for pat in rules(d):
            anchored = pat.startswith('/')
            pat = pat.strip('/')
            if '/' in pat:
                if fnmatch.fnmatch('/'.join(rest), pat + '*'):
                    return True
                continue
            names = rest[:1] if anchored else rest
            if any(fnmatch.fnmatch(n, pat) for n in names):
                return True
    return False


for line in sys.stdin:
    line = line.rstrip('\n')
    if line and not ignored(line[3:]):
        print(line)
