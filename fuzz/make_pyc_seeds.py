#!/usr/bin/python3.11
"""make_pyc_seeds.py OUTDIR [SRCDIR...]: the seed corpus of fuzz_pyc (docs/fuzzing.md).

Compiles every *.py of the source directories (default: corpus/benign of this checkout)
with this CPython and writes, per program, NAME.pyc: a .pyc with a hash-based header
(PEP 552, flags 1: no timestamp, so the bytes are the same on every run) around
marshal.dumps() of the module's code, which is what CPython writes (back-references
included). Every fourth program is also written as NAME.marshal: the marshalled code
without a header (pv_verify_pyc's PV_PYC_HEADER_AUTO mode takes both). Programs that do
not compile are skipped. Deterministic: the same sources give the same bytes.

Run with CPython 3.11 only (the embedded interpreter's version: the magic number and the
bytecode must be its own).
"""
import importlib.util
import marshal
import os
import sys

assert sys.version_info[:2] == (3, 11), "fuzz_pyc seeds are CPython 3.11 bytecode"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: make_pyc_seeds.py OUTDIR [SRCDIR...]")
    out = sys.argv[1]
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    srcdirs = sys.argv[2:] or [os.path.join(root, "corpus", "benign")]
    os.makedirs(out, exist_ok=True)
    n = 0
    for d in srcdirs:
        names = sorted(x for x in os.listdir(d) if x.endswith(".py"))
        for i, name in enumerate(names):
            with open(os.path.join(d, name), "rb") as f:
                src = f.read()
            try:
                code = compile(src, name, "exec", dont_inherit=True)
            except (SyntaxError, ValueError):
                continue
            body = marshal.dumps(code)
            header = (importlib.util.MAGIC_NUMBER + (1).to_bytes(4, "little") +
                      importlib.util.source_hash(src))
            stem = os.path.join(out, name[:-3])
            with open(stem + ".pyc", "wb") as f:
                f.write(header + body)
            n += 1
            if i % 4 == 0:
                with open(stem + ".marshal", "wb") as f:
                    f.write(body)
                n += 1
    print(f"make_pyc_seeds.py: {n} seeds in {out}")


if __name__ == "__main__":
    main()
