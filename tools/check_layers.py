#!/usr/bin/env python3
"""check_layers.py SRCDIR [OBJECT...]: the layer order of the tree (README, Layout).

1. Includes point down only: cli/ -> service/ -> runtime/ -> verifier/ -> include/. Every
   `#include "x"` in a C file of those folders must name a file of the same folder or of one
   below it (searched in that order; one name found in two folders is an error too).
2. With the library's object files: no ring between its source files. A file uses another
   when it calls or reads a symbol the other defines (nm); a ring is a cycle of those
   edges. KNOWN_RINGS lists the ones tolerated, each with its reason.
Exits 1 with one line per finding.
"""
import os
import re
import subprocess
import sys

LAYERS = ["include", "verifier", "runtime", "service", "cli"]  # bottom first

# Rings tolerated for now. Each entry: the set of files (relative to SRCDIR) of one ring.
KNOWN_RINGS = []

INCLUDE_RE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def check_includes(src):
    errors = []
    names = {}
    for layer in LAYERS:
        d = os.path.join(src, layer)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            names.setdefault(f, []).append(layer)
    for f, layers in names.items():
        if len(layers) > 1 and (f.endswith(".h") or f.endswith(".def")):
            errors.append("%s is in %s: one name, one folder" % (f, " and ".join(layers)))
    for rank, layer in enumerate(LAYERS):
        d = os.path.join(src, layer)
        for f in sorted(os.listdir(d)) if os.path.isdir(d) else []:
            if not f.endswith((".c", ".h", ".def")):
                continue
            with open(os.path.join(d, f), encoding="utf-8") as fh:
                text = fh.read()
            for inc in INCLUDE_RE.findall(text):
                base = os.path.basename(inc)
                if os.path.exists(os.path.join(d, inc)):
                    continue  # same folder
                where = names.get(base, [])
                if not where:
                    continue  # generated, or from the include path of a dependency
                target = LAYERS.index(where[0])
                if target > rank:
                    errors.append("%s/%s includes %s from %s/, a layer above %s/" %
                                  (layer, f, inc, where[0], layer))
    return errors


def symbols(obj):
    out = subprocess.run(["nm", "-P", obj], check=True, capture_output=True, text=True).stdout
    defined, used = set(), set()
    for line in out.splitlines():
        parts = line.split()
        if len(parts) < 2:
            continue
        name, kind = parts[0], parts[1]
        if kind == "U":
            used.add(name)
        elif kind in "TDBRCVW" and kind.isupper():
            defined.add(name)
    return defined, used


def source_of(obj, src):
    # CMake names an object after its source: .../dir.dir/<relative source path>.o
    rel = obj.split(".dir/", 1)[-1]
    rel = rel[:-2] if rel.endswith(".o") else rel
    return os.path.relpath(os.path.join(src, rel), src) if not os.path.isabs(rel) else rel


def check_rings(src, objs):
    files = {}
    for o in objs:
        files[source_of(o, src)] = symbols(o)
    owner = {}
    for f, (defined, _) in files.items():
        for s in defined:
            owner[s] = f
    edges = {f: sorted({owner[s] for s in used if s in owner and owner[s] != f})
             for f, (_, used) in files.items()}
    # strongly connected components (Tarjan), iterative
    index, low, on, stack, comps, counter = {}, {}, set(), [], [], [0]
    for root in sorted(edges):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter[0]
                counter[0] += 1
                stack.append(v)
                on.add(v)
            if i < len(edges[v]):
                work.append((v, i + 1))
                w = edges[v][i]
                if w not in index:
                    work.append((w, 0))
                elif w in on:
                    low[v] = min(low[v], index[w])
                continue
            if low[v] == index[v]:
                comp = set()
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.add(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    comps.append(comp)
            if work:
                parent = work[-1][0]
                low[parent] = min(low[parent], low[v])
    errors = []
    for comp in comps:
        if comp not in KNOWN_RINGS:
            errors.append("ring between %s" % ", ".join(sorted(comp)))
    for known in KNOWN_RINGS:
        if known not in comps and known <= set(files):
            errors.append("known ring %s is gone: remove it from KNOWN_RINGS" %
                          ", ".join(sorted(known)))
    return errors


def main():
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[0], file=sys.stderr)
        return 2
    src = os.path.abspath(sys.argv[1])
    errors = check_includes(src)
    objs = [o for a in sys.argv[2:] for o in a.split(";") if o]
    if objs:
        errors += check_rings(src, objs)
    for e in errors:
        print("layers: " + e)
    if not errors:
        print("ok: includes point down (%s)%s" % (" -> ".join(reversed(LAYERS)),
              ", no ring between %d library files but the known ones" % len(objs) if objs else ""))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
