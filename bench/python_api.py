"""bench/python_api.py [--rounds N] [--pvbench PATH]: the Python package's run() latency.

Run it with an interpreter that has the package installed (python/test.sh leaves one in
build/python-test/debian/bin/python). It measures, interleaved round by round so that a
loaded machine slows every contender alike:

  run()        pyverify.run("print(6 * 7)") from Python: host verification, the template
               process (socket, marshal, verification again), pv_runner_run, the result
  runner (C)   the same program through pv_verify + pv_runner_run called from C in this
               process (the package's _native.Runner: no template, no socket)
  pvbench      optional: `pvbench run N`'s pv_runner figure (bench/run builds pvbench), a C
               program with no Python host at all
  host call    one host function call, through the template to this process and back

and, on bench/expr_workload.txt (the benchmark's expressions and inputs), the cost of one
evaluation with pyverify.run(mode="expr"), pyverify.check() alone, RestrictedPython's
compile_restricted + eval and simpleeval (Debian's python3-restrictedpython and
python3-simpleeval, when installed: bench/deps). Prints a markdown table; medians in ms.
"""
import argparse
import json
import os
import statistics
import subprocess
import time

import pyverify
from pyverify import _native

HERE = os.path.dirname(os.path.abspath(__file__))
TRIVIAL = "print(6 * 7)"


def per_call(fn, n):
    t0 = time.perf_counter()
    for _ in range(n):
        fn()
    return (time.perf_counter() - t0) / n


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=15)
    ap.add_argument("--batch", type=int, default=10)
    ap.add_argument("--pvbench")
    a = ap.parse_args()

    pol = _native.Policy(None, "<default>")
    rn = _native.Runner(pol)

    def c_runner():
        r = rn.run(TRIVIAL.encode(), "<bench>", False, (), None, None, 2.0, 1.0, 256, 64)
        assert r["status"] == "ok", r

    def py_run():
        r = pyverify.run(TRIVIAL)
        assert r.status == "ok", r

    for _ in range(5):  # warm-up: template started, runners warm, policy derived
        py_run()
        c_runner()
    samples = {"run()": [], "runner (C)": []}
    for _ in range(a.rounds):
        samples["run()"].append(per_call(py_run, a.batch))
        samples["runner (C)"].append(per_call(c_runner, a.batch))

    rows = []
    med = {k: statistics.median(v) * 1e3 for k, v in samples.items()}
    ratio = [x / y for x, y in zip(samples["run()"], samples["runner (C)"])]
    rows.append(("trivial run: `pyverify.run()` from Python", med["run()"],
                 f"{statistics.median(ratio):.2f}x the C runner (median of per-round ratios, "
                 f"{a.rounds} rounds of {a.batch})"))
    rows.append(("trivial run: pv_verify + pv_runner_run from C, same process", med["runner (C)"],
                 "1.00x"))
    if a.pvbench:
        out = subprocess.run([a.pvbench, "run", "200"], capture_output=True, text=True,
                             check=True).stdout
        pv = [float(ln.split()[1]) for ln in out.splitlines() if ln.startswith("pv_runner ")]
        if pv:
            m = statistics.median(pv) * 1e3
            rows.append(("trivial run: `pvbench run` pv_runner (C program)", m,
                         f"run() is {med['run()'] / m:.2f}x"))

    # one host call from the program to a Python function of this process and back: a run
    # with 200 calls minus the same run with none (paired per round), per call
    if hasattr(_native, "HAS_HOST_FUNCTIONS"):
        hf = {"f": lambda x: x + 1}
        many = "n = 0\nfor i in range(200):\n    n = f(n)\nprint(n)"
        none = "n = 0\nfor i in range(200):\n    n = n + 1\nprint(n)"
        diffs = []
        for _ in range(a.rounds):
            t0 = time.perf_counter()
            r1 = pyverify.run(many, host_functions=hf, timeout=10)
            t1 = time.perf_counter()
            r2 = pyverify.run(none, host_functions=hf, timeout=10)
            t2 = time.perf_counter()
            assert r1.stdout == r2.stdout == "200\n", (r1, r2)
            diffs.append(((t1 - t0) - (t2 - t1)) / 200)
        rows.append(("one host call (program -> Python function -> program), paired",
                     statistics.median(diffs) * 1e3, f"per call, {a.rounds} pairs of runs"))

    # the expression workload
    with open(os.path.join(HERE, "expr_workload.txt")) as f:
        exprs = [ln.strip() for ln in f if ln.strip()]
    inputs = {"price": 12.5, "qty": 4, "discount": 0.1, "tax": 0.2,
              "items": [3, 1, 4, 1, 5, 9, 2, 6], "name": "widget"}
    funcs = {"round": round, "max": max, "min": min, "sum": sum, "len": len, "abs": abs}
    names = list(inputs)

    handled = {}

    def each(fn, reps, key):
        mine = []
        for e in exprs:  # as peers.py: a peer is timed on the expressions it handles
            try:
                fn(e)
                mine.append(e)
            except Exception:
                pass
        handled[key] = f"{len(mine)}/{len(exprs)} handled"

        def go():
            for e in mine:
                fn(e)
        return statistics.median(per_call(go, 1) for _ in range(reps)) / max(1, len(mine)) * 1e3

    ok = [pyverify.run(e, mode="expr", inputs=inputs).status for e in exprs]
    rows.append((f"expression workload ({len(exprs)} expressions, {ok.count('ok')} ok): "
                 "`pyverify.run(mode=\"expr\")`",
                 each(lambda e: pyverify.run(e, mode="expr", inputs=inputs), 5, "run"), "per evaluation"))
    rows.append(("expression workload: `pyverify.check()` alone (verification, in process)",
                 each(lambda e: pyverify.check(e, mode="expr", globals=names), 50, "check"),
                 "per expression"))
    try:
        from RestrictedPython import compile_restricted
        from RestrictedPython.Eval import default_guarded_getitem
        from RestrictedPython.Guards import safe_builtins, safer_getattr
        rg = {"__builtins__": dict(safe_builtins)}
        rg.update(funcs, _getitem_=default_guarded_getitem, _getattr_=safer_getattr)
        rows.append(("expression workload: RestrictedPython `compile_restricted` + `eval`",
                     each(lambda e: eval(compile_restricted(e, "<expr>", "eval"), rg, dict(inputs)),
                          50, "rp"),
                     "in process, no isolation, no limits; " + handled["rp"]))
    except ImportError:
        rows.append(("RestrictedPython", float("nan"), "not installed (bench/deps)"))
    try:
        import simpleeval
        rows.append(("expression workload: simpleeval `simple_eval`",
                     each(lambda e: simpleeval.simple_eval(e, names=inputs, functions=funcs), 50,
                          "se"),
                     "in process, no isolation; " + handled["se"]))
    except ImportError:
        rows.append(("simpleeval", float("nan"), "not installed (bench/deps)"))

    print("| what | median ms | note |")
    print("|---|---|---|")
    for what, ms, note in rows:
        print(f"| {what} | {ms:.3f} | {note} |")
    print(json.dumps({"python": pyverify._native.python_version, "cpus": os.cpu_count(),
                      "load": os.getloadavg()}))


if __name__ == "__main__":
    main()
