"""py_baseline.py LIST REPEATS: compile() and ast.parse of the corpus in this interpreter
(/usr/bin/python3.11 -I), bytes in, as pvbench does in the embedded one. Prints
`time py_ast_parse SECONDS` and `time py_compile SECONDS` per repeat after one warm-up."""
import ast
import sys
import time

files = [l.strip() for l in open(sys.argv[1]) if l.strip()]
data = [(f, open(f, "rb").read()) for f in files]
for r in range(-1, int(sys.argv[2])):
    for name, flags in (("py_ast_parse", ast.PyCF_ONLY_AST), ("py_compile", 0)):
        t0 = time.perf_counter()
        for f, b in data:
            try:
                compile(b, f, "exec", flags, True)
            except (SyntaxError, ValueError):
                pass
        t = time.perf_counter() - t0
        if r >= 0:
            print(f"time {name} {t:.6f}", flush=True)
