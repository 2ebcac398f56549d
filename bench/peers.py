"""peers.py EXPRFILE REPEATS: per-evaluation cost of the Debian-packaged peers on the
expression workload (the same expressions and inputs as `pvbench expr`). Each line:
`KEY SECONDS_PER_EVALUATION`, or `skip PEER reason` when a peer is not installed."""
import json
import sys
import time

exprs = [l.strip() for l in open(sys.argv[1]) if l.strip()]
repeats = int(sys.argv[2])
inputs = json.loads('{"price": 12.5, "qty": 4, "discount": 0.1, "tax": 0.2, '
                    '"items": [3, 1, 4, 1, 5, 9, 2, 6], "name": "widget"}')
funcs = {"round": round, "max": max, "min": min, "sum": sum, "len": len, "abs": abs}
INNER = 20  # evaluations of the whole list per sample


def bench(key, fn):
    ok = []
    for e in exprs:  # warm-up; a peer is timed only on the expressions it handles
        try:
            fn(e)
            ok.append(e)
        except Exception:
            pass
    print(f"handled {key} {len(ok)}/{len(exprs)}", flush=True)
    for _ in range(repeats):
        t0 = time.perf_counter()
        for _ in range(INNER):
            for e in ok:
                fn(e)
        print(f"{key} {(time.perf_counter() - t0) / (INNER * len(ok)):.9f}", flush=True)


g = dict(inputs, **funcs)
bench("eval", lambda e: eval(compile(e, "<expr>", "eval"), {"__builtins__": {}}, g))

try:
    from RestrictedPython import compile_restricted
    from RestrictedPython.Eval import default_guarded_getitem
    from RestrictedPython.Guards import safe_builtins, safer_getattr
    rg = {"__builtins__": dict(safe_builtins)}
    rg.update(funcs, _getitem_=default_guarded_getitem, _getattr_=safer_getattr)
    bench("restrictedpython_compile", lambda e: compile_restricted(e, "<expr>", "eval"))
    bench("restrictedpython", lambda e: eval(compile_restricted(e, "<expr>", "eval"), rg, dict(inputs)))
except ImportError as ex:
    print(f"skip restrictedpython python3-restrictedpython not installed ({ex})")

try:
    import simpleeval
    bench("simpleeval", lambda e: simpleeval.simple_eval(e, names=inputs, functions=funcs))
    se = simpleeval.SimpleEval(names=inputs, functions=funcs)
    bench("simpleeval_reuse", se.eval)
except ImportError as ex:
    print(f"skip simpleeval python3-simpleeval not installed ({ex})")

try:
    import asteval
    ai = asteval.Interpreter(usersyms=dict(inputs))
    for k, v in funcs.items():
        ai.symtable[k] = v

    def run_asteval(e):
        r = ai.eval(e, show_errors=False, raise_errors=True)
        return r
    bench("asteval", run_asteval)
except ImportError as ex:
    print(f"skip asteval python3-asteval not installed ({ex})")
