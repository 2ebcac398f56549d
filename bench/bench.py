"""bench.py: the driver of pyverify's benchmark (run it through `bash bench/run`).

Measures, in one run, pyverify against its baselines and prints a markdown table of
medians, spreads (min-max, or p99 where stated) and ratios. Raw samples come from
build-bench/pvbench (C, linked with libpyverify.a) and from /usr/bin/python3.11 for the
Python peers. Nothing here is part of the test suite or of CI's pass/fail.
"""
import argparse
import glob
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PY = "/usr/bin/python3.11"
STDLIB = "/usr/lib/python3.11"


def sh(*argv, **kw):
    return subprocess.run(argv, check=True, capture_output=True, text=True, **kw).stdout


def samples(text):
    """'key value...' lines -> {key: [values...]} (first value of each line as float)."""
    out = {}
    for line in text.splitlines():
        parts = line.split()
        if len(parts) >= 2:
            try:
                out.setdefault(parts[0], []).append(float(parts[1]))
            except ValueError:
                out.setdefault(parts[0], []).append(parts[1:])
    return out


def med(xs):
    return statistics.median(xs)


def p99(xs):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(0.99 * (len(xs) - 1))))]


def ms(x):
    return f"{x * 1e3:.2f} ms" if x >= 1e-3 else f"{x * 1e6:.0f} µs"


def spread(xs):
    return f"{ms(min(xs))}–{ms(max(xs))}"


def corpus_files():
    files = [f for f in glob.glob(STDLIB + "/**/*.py", recursive=True)
             if "-packages/" not in f and "__pycache__" not in f]
    return sorted(files)


def cli_run_pair(pvbench, pyverify, tmp, n):
    """`python3 -I -c pass` and `pyverify run` of a trivial program, spawned alternately
    (pvbench pair), so that both see the same load: medians of wall and CPU (the process
    tree), and the ratios (issue 19's target)."""
    prog = os.path.join(tmp, "trivial_pair.py")
    with open(prog, "w") as f:
        f.write("x = 1\n")
    out = sh(pvbench, "pair", str(n), "--", PY, "-I", "-c", "pass", "--", pyverify, "run", prog)
    s = samples(out)
    if s.get("a_exit") != [0.0] or s.get("b_exit") != [0.0]:
        raise RuntimeError(f"pvbench pair: exit codes {s.get('a_exit')} {s.get('b_exit')}")
    r = {k: med(s[k]) for k in ("a_time", "b_time", "a_cpu", "b_cpu")}
    r["n"] = len(s["a_time"])
    r["ratio"] = r["b_time"] / r["a_time"]
    r["cpu_ratio"] = r["b_cpu"] / r["a_cpu"] if r["a_cpu"] > 0 else float("nan")
    r["raw"] = out
    return r


def cli_run_target(pr):
    return ("issue 19: `pyverify run` trivial program ≤ 2x `python3 -I -c pass` "
            f"(interleaved, n={pr['n']} each)",
            f"{pr['ratio']:.2f}x ({ms(pr['b_time'])} vs {ms(pr['a_time'])}; "
            f"CPU {pr['cpu_ratio']:.2f}x: {ms(pr['b_cpu'])} vs {ms(pr['a_cpu'])})",
            pr["ratio"] <= 2)


def machine():
    cpu = "unknown"
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    deb = open("/etc/debian_version").read().strip() if os.path.exists("/etc/debian_version") else "?"
    return (f"{cpu}, {os.cpu_count()} cores (shared), {mem:.0f} GiB, Debian {deb}, "
            f"Linux {platform.release()}, load {os.getloadavg()[0]:.1f} at start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--build", default=os.path.join(ROOT, "build-bench"))
    ap.add_argument("--quick", action="store_true", help="fewer repeats (a smoke test)")
    ap.add_argument("--json", help="also write the raw samples here")
    ap.add_argument("--only", choices=["cli-run"],
                    help="cli-run: only issue 19's `pyverify run` vs `python3 -I -c pass` row")
    a = ap.parse_args()
    pvbench = os.path.join(a.build, "pvbench")
    pyverify = os.path.join(a.build, "pyverify")
    if a.only == "cli-run":
        tmp = tempfile.mkdtemp(prefix="pvbench.")
        try:
            pr = cli_run_pair(pvbench, pyverify, tmp, 20 if a.quick else 60)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        print(f"Machine: {machine()}.  \nBuild: {a.build}.\n")
        print("| Target | Measured | Met |")
        print("|---|---|---|")
        name, val, ok = cli_run_target(pr)
        print(f"| {name} | {val} | {'yes' if ok else '**no**'} |")
        if a.json:
            with open(a.json, "w") as f:
                json.dump({"pair": pr["raw"]}, f, indent=1)
        return 0
    R = 2 if a.quick else 5          # throughput repeats over the whole corpus
    N = 30 if a.quick else 200       # run-latency iterations
    P = 5 if a.quick else 20         # process spawns for pre-commit latency
    raw = {}
    rows = []  # (section, what, median, spread, ratio, note)
    tmp = tempfile.mkdtemp(prefix="pvbench.")
    started = time.time()
    try:
        files = corpus_files()
        listfile = os.path.join(tmp, "corpus.txt")
        with open(listfile, "w") as f:
            f.write("\n".join(files) + "\n")
        log = lambda m: print(f"[{time.time() - started:6.1f}s] {m}", file=sys.stderr, flush=True)

        # ---- verifier throughput -------------------------------------------------------
        log(f"throughput: {len(files)} files x {R} repeats")
        out = sh(pvbench, "throughput", listfile, str(R))
        raw["throughput"] = out
        s = samples(out)
        info = out.splitlines()[0].split()
        nbytes, nlines = int(info[4]), int(info[6])
        verdicts = {l.split()[1]: l.split()[2:] for l in out.splitlines() if l.startswith("verdicts")}
        times = {}
        for line in out.splitlines():
            if line.startswith("time "):
                _, k, v = line.split()
                times.setdefault(k, []).append(float(v))
        # the same baselines in a separate /usr/bin/python3.11 (cross-check of the embedded one)
        ext = sh(PY, "-I", os.path.join(ROOT, "bench", "py_baseline.py"), listfile, str(R))
        raw["py_baseline"] = ext
        for line in ext.splitlines():
            _, k, v = line.split()
            times.setdefault(k, []).append(float(v))
        base = med(times["compile"])
        labels = [
            ("ast_parse", "`ast.parse` (compile, ONLY_AST), embedded CPython: the floor"),
            ("compile", "`compile()` source to code, embedded CPython: **the baseline**"),
            ("py_ast_parse", "`ast.parse`, separate `/usr/bin/python3.11 -I`"),
            ("py_compile", "`compile()`, separate `/usr/bin/python3.11 -I`"),
            ("pv_none", "pyverify pipeline, both layers off (decode, parse, bounds, compile)"),
            ("pv_ast", "pyverify, AST layer"),
            ("pv_bytecode", "pyverify, bytecode layer (compiles and checks every file)"),
            ("pv_both", "pyverify, both layers (the default)"),
        ]
        for k, label in labels:
            t = times[k]
            m = med(t)
            rows.append(("Throughput", label,
                         f"{nbytes / m / 1e6:.2f} MB/s · {nlines / m / 1e3:.0f}k lines/s",
                         f"{min(t):.2f}–{max(t):.2f} s (median {m:.2f} s)", f"{m / base:.2f}x", ""))
        # ---- memory: the checker on the whole corpus ----------------------------------------
        log("memory: pyverify on the whole corpus")
        out = sh(pvbench, "spawn", "1", "--", pyverify, *files)
        sm = samples(out)
        raw["corpus_cli"] = out
        cli_rss = sm["rss"][0]
        cli_time = sm["time"][0]

        # ---- pre-commit latency --------------------------------------------------------------
        log("pre-commit latency")
        small = os.path.join(ROOT, "examples", "checker", "report.py")
        tree = os.path.join(tmp, "tree")
        os.makedirs(tree)
        step = len(files) / 100.0
        for i in range(100):
            src = files[int(i * step)]
            shutil.copy(src, os.path.join(tree, f"m{i:03d}_" + os.path.basename(src)))
        cases = [
            ("python3 -I -c pass", [PY, "-I", "-c", "pass"], P),
            ("pyverify, one small file", [pyverify, small], P),
            ("bandit, one small file", ["bandit", "-q", small], max(3, P // 2)),
            ("pyverify, 100-file tree", [pyverify, tree], P),
            ("bandit, 100-file tree", ["bandit", "-q", "-r", tree], max(3, P // 4)),
            ("pyverify run, trivial program (whole process)", [pyverify, "run", os.path.join(tmp, "trivial.py")], P),
        ]
        with open(os.path.join(tmp, "trivial.py"), "w") as f:
            f.write("x = 1\n")
        pre = {}
        for name, argv, n in cases:
            if shutil.which(argv[0]) is None and not os.path.exists(argv[0]):
                pre[name] = None
                continue
            out = sh(pvbench, "spawn", str(n), "--", *argv)
            raw["spawn:" + name] = out
            pre[name] = samples(out)
        py0 = med(pre["python3 -I -c pass"]["time"])
        log("`pyverify run` vs python, interleaved")
        pair = cli_run_pair(pvbench, pyverify, tmp, 2 * P)
        raw["pair:cli_run"] = pair["raw"]
        for name, _, _ in cases[:5]:
            if pre[name] is None:
                rows.append(("Pre-commit", name, "skipped", "not installed", "", ""))
                continue
            t = pre[name]["time"]
            rows.append(("Pre-commit", name, ms(med(t)), f"{spread(t)}, n={len(t)}",
                         f"{med(t) / py0:.2f}x python", f"peak RSS {max(pre[name]['rss']) / 1024:.1f} MiB"))

        # ---- run latency ---------------------------------------------------------------------
        log(f"run latency: {N} iterations each")
        out = sh(pvbench, "run", str(N))
        raw["run"] = out
        r = samples(out)
        floor = med(r["fork"])
        runrows = [
            ("fork", "fork-and-wait floor of the same process"),
            ("pv_run", "`pv_run` warm loop (verified once, all layers)"),
            ("pv_runner", "`pv_runner_run` loop: child forked and half-sandboxed ahead by the clean template (all layers)"),
            ("pv_runner_inproc", "`pv_runner_run` loop, children forked by the host (`PV_TEMPLATE_OFF`)"),
            ("pv_verify_run", "`pv_verify` + `pv_run` per iteration"),
            ("pv_run_no_namespaces", "`pv_run`, namespaces off (diagnostic)"),
            ("pv_run_no_os_layer", "`pv_run`, namespaces+seccomp off (diagnostic)"),
            ("pv_run_no_layers", "`pv_run`, OS and Python layers off (diagnostic)"),
            ("python_spawn", "spawn `python3 -I -c pass` with the child's rlimits"),
        ]
        for k, label in runrows:
            t = r[k]
            rows.append(("Run latency", label, ms(med(t)), f"p99 {ms(p99(t))}, n={len(t)}",
                         f"{med(t) / floor:.1f}x fork", ""))
        t = pre["pyverify run, trivial program (whole process)"]["time"]
        rows.append(("Run latency", "`pyverify run` trivial program, whole process", ms(med(t)),
                     f"p99 {ms(p99(t))}, n={len(t)}", f"{med(t) / floor:.1f}x fork", ""))
        # ---- issue 19: where `pv_runner_run`'s time goes, layer by layer (interleaved) ---------
        NR = 20 if a.quick else 100
        log(f"runner profile: {NR} iterations x 6 sets of layers")
        out = sh(pvbench, "runner", str(NR), "3000")
        raw["runner"] = out
        rp = samples(out)
        allp = med(rp["runner_all"])
        prof = [
            ("runner_all", "every layer (3 ms between runs: the pool refilled)"),
            ("runner_no_seccomp", "seccomp off (its filter is attached on the request path)"),
            ("runner_no_namespaces", "namespaces off (no pid namespace: no init, no supervisor)"),
            ("runner_no_python", "Python layer off (no guard walk of the code, no audit hook)"),
            ("runner_no_os", "OS layer off (no rlimits, Landlock, seccomp, namespaces)"),
            ("runner_no_layers", "OS and Python layers off: the runner's own floor"),
        ]
        for k, label in prof:
            t = rp[k]
            rows.append(("Runner profile", f"`pv_runner_run`, {label}", ms(med(t)),
                         f"p90 {ms(sorted(t)[int(0.9 * (len(t) - 1))])}, n={len(t)}",
                         "" if k == "runner_all" else f"{ms(allp - med(t))} of the all-layers run",
                         ""))
        # ---- host calls and sessions (issue 17): against a warm-runner run in the same loop ----
        log(f"host calls and sessions: {N} iterations each")
        out = sh(pvbench, "host", str(N))
        raw["host"] = out
        h = samples(out)
        k = h["host_calls_per_run"][0]
        per_call = [(a - b) / k for a, b in zip(h["host_calls_run"], h["host_none_run"])]
        rows.append(("Host calls", f"one host call's round trip (run with {int(k)} calls minus "
                     "the same run with none, warm runner)", ms(med(per_call)),
                     f"n={len(per_call)}", f"{med(h['host_none_run']) / med(per_call):.0f} calls "
                     "= one run", ""))
        rows.append(("Host calls", "session run of a trivial cell (`pv_session_run`)",
                     ms(med(h["session_run"])), f"p99 {ms(p99(h['session_run']))}",
                     f"{med(h['runner_cell']) / med(h['session_run']):.0f}x faster than "
                     "`pv_runner_run` of it", ""))
        rows.append(("Host calls", "`pv_session_new` (fork, sandbox, Python layer)",
                     ms(h["session_new"][0]), "n=1", "", ""))
        # ---- the service (issue 8): beside `pyverify run` and python spawned ------------------
        sys.path.insert(0, os.path.join(ROOT, "bench"))
        import service_bench
        rows += service_bench.rows(a.build, pyverify, N, log, med, p99, ms, med(t),
                                   med(r["python_spawn"]))
        child_rss = med(r["child_rss"])
        parent_hwm = r["parent_hwm"][0]

        # ---- memory rows -----------------------------------------------------------------------
        rows.append(("Memory", f"`pyverify` on the whole corpus ({len(files)} files, {ms(cli_time)})",
                     f"{cli_rss / 1024:.1f} MiB", "peak RSS, one run", "", ""))
        rows.append(("Memory", "parent (`pvbench run`: interpreter, policy, after all runs)",
                     f"{parent_hwm / 1024:.1f} MiB", "VmHWM", "", ""))
        rows.append(("Memory", "child per run (`pv_run` max_rss)", f"{child_rss / 1024:.1f} MiB",
                     f"{min(r['child_rss']) / 1024:.1f}–{max(r['child_rss']) / 1024:.1f} MiB", "", ""))

        # ---- peers on the expression workload ---------------------------------------------------
        log("expression workload")
        exprs = os.path.join(ROOT, "bench", "expr_workload.txt")
        NE = 3 if a.quick else 15
        out = sh(pvbench, "expr", exprs, str(NE))
        raw["expr"] = out
        e = samples(out)
        peers = sh(PY, "-I", os.path.join(ROOT, "bench", "peers.py"), exprs, str(NE))
        raw["peers"] = peers
        pe = {}
        notes = {}
        for line in peers.splitlines():
            parts = line.split(None, 2)
            if parts[0] == "skip":
                notes[parts[1]] = parts[2] if len(parts) > 2 else ""
            elif parts[0] == "handled":
                notes["handled:" + parts[1]] = parts[2]
            else:
                pe.setdefault(parts[0], []).append(float(parts[1]))
        # ---- issue 19: a batch of 10,000 workload expressions in one sandboxed child -------
        log("batch: 10,000 expressions")
        out = sh(pvbench, "batch", exprs, "1" if a.quick else "3", "10000")
        raw["batch"] = out
        bt = samples(out)
        ev = med(e["expr_verify"])
        exrows = [
            ("expr_verify", e, "pyverify: `pv_verify` alone (expr mode, both layers)"),
            ("expr_run", e, "pyverify: `pv_run` of a verified expression (sandboxed child)"),
            ("expr_verify_run", e, "pyverify: `pv_verify` + `pv_run`"),
            ("eval", pe, "plain `eval(compile())`, no protection (reference)"),
            ("restrictedpython_compile", pe, "RestrictedPython `compile_restricted` (eval mode)"),
            ("restrictedpython", pe, "RestrictedPython `compile_restricted` + `eval`"),
            ("simpleeval", pe, "simpleeval `simple_eval`"),
            ("simpleeval_reuse", pe, "simpleeval, one `SimpleEval` reused"),
            ("asteval", pe, "asteval `Interpreter().eval`, interpreter reused"),
            ("batch_run", bt, "pyverify: 10,000 in one `pv_run_batch` (each formula verified once)"),
            ("batch_verify_run", bt, "pyverify: 10,000 in one `pv_run_batch`, every item verified"),
            ("batch_parent_cpu", bt, "  where it goes: the parent's CPU per item (send, watch, check)"),
            ("batch_child_cpu", bt, "  where it goes: the child's CPU per item (fresh globals, eval, report)"),
        ]
        for k, src, label in exrows:
            if k not in src:
                peer = k.split("_")[0]
                rows.append(("Expressions", label, "skipped", notes.get(peer, "not available"), "", ""))
                continue
            t = src[k]
            rows.append(("Expressions", label, ms(med(t)), f"{spread(t)}, n={len(t)}",
                         f"{med(t) / ev:.2f}x verify",
                         "per evaluation" + (f", in-process, handles {notes.get('handled:' + k, '?')} expressions"
                                             if src is pe else "")))

        # ---- targets -----------------------------------------------------------------------------
        tgt = []
        rb = med(times["pv_both"]) / base
        tgt.append(("Both static layers ≤ 2x `compile()` (stdlib corpus)", f"{rb:.2f}x", rb <= 2))
        rbc = med(times["pv_bytecode"]) / base
        tgt.append(("(stricter) bytecode layer on every file ≤ 2x `compile()`", f"{rbc:.2f}x", rbc <= 2))
        small_t = med(pre["pyverify, one small file"]["time"])
        rs = small_t / py0
        tgt.append(("`pyverify` one small file < 3x `python3 -I -c pass`", f"{rs:.2f}x", rs < 3))
        if pre["bandit, one small file"]:
            rbd = med(pre["bandit, one small file"]["time"]) / small_t
            tgt.append(("`pyverify` one small file ≥ 10x faster than bandit", f"{rbd:.1f}x", rbd >= 10))
        rr = med(r["pv_runner"]) / floor
        tgt.append(("warm API (`pv_runner_run`) < 2x the fork-and-wait floor", f"{rr:.1f}x", rr < 2))
        rr = med(r["pv_run"]) / floor
        tgt.append(("(plain) `pv_run` < 2x the fork-and-wait floor", f"{rr:.1f}x", rr < 2))
        # issue 19's table
        runner_p50 = med(r["pv_runner"])
        tgt.append(("issue 19: `pv_runner_run` trivial program, p50 ≤ 1 ms (back to back)",
                    ms(runner_p50), runner_p50 <= 0.001))
        tgt.append(("issue 19: `pv_runner_run` trivial program, p50 ≤ 1 ms (pool refilled "
                    "between runs; profile: the Runner profile rows)", ms(allp), allp <= 0.001))
        sv = service_bench.LAST
        if "latency" in sv:
            tgt.append(("issue 19: service trivial run, one keep-alive connection, p50 ≤ 1 ms",
                        ms(sv["latency"]), sv["latency"] <= 0.001))
        if "rate32" in sv:
            tgt.append(("issue 19: service trivial runs/s, 32 keep-alive connections ≥ 1,000/s",
                        f"{sv['rate32']:.0f}/s", sv["rate32"] >= 1000))
        tgt.append(cli_run_target(pair))
        if "simpleeval" in pe:
            rb19 = med(bt["batch_run"]) / med(pe["simpleeval"])
            tgt.append(("issue 19: batch of 10,000 expressions, per expression ≤ 2x simpleeval "
                        "`simple_eval`", f"{rb19:.2f}x ({ms(med(bt['batch_run']))} vs "
                        f"{ms(med(pe['simpleeval']))})", rb19 <= 2))
        else:
            rb19 = med(bt["batch_run"]) / med(pe["eval"])
            tgt.append(("issue 19: batch per expression ≤ 2x simpleeval (not installed: vs "
                        "in-process `eval`)", f"{rb19:.2f}x", rb19 <= 2))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    # ---- print -------------------------------------------------------------------------------
    vb = verdicts.get("pv_both", [])
    va = verdicts.get("pv_ast", [])
    vc = verdicts.get("pv_bytecode", [])
    fmt = lambda v: f"{v[1]} accepted, {v[3]} rejected, {v[5]} invalid, {v[7]} diagnostics" if v else "?"
    pvv = sh(pyverify, "--version").strip().replace("\n", "; ")
    print(f"## pyverify benchmark ({time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())})\n")
    print(f"Machine: {machine()}.  ")
    print(f"Build: {a.build} (RelWithDebInfo, -O2).  pyverify: {pvv}.  ")
    print(f"Corpus: {len(files)} pure-Python modules of {STDLIB}, read in place: "
          f"{nbytes / 1e6:.1f} MB, {nlines} lines.  ")
    print(f"Repeats: throughput {R} passes over the corpus (median, min–max), run latency {N} runs "
          f"(median, p99), process spawns {P} (median, min–max). The machine is shared with "
          f"other work: trust medians and ratios, not single samples.\n")
    print("| Section | What | Median | Spread | Ratio | Note |")
    print("|---|---|---|---|---|---|")
    for row in rows:
        print("| " + " | ".join(row) + " |")
    print()
    print(f"Verdicts on the corpus — both layers: {fmt(vb)}; AST layer: {fmt(va)}; "
          f"bytecode layer: {fmt(vc)}. (The stdlib uses dunders, `open`, `sys` ...: "
          f"rejection is the expected verdict. With both layers a file the AST layer rejects "
          f"is not compiled, which is why the bytecode-only row is the costlier one.)\n")
    print("| Target | Measured | Met |")
    print("|---|---|---|")
    for name, val, ok in tgt:
        print(f"| {name} | {val} | {'yes' if ok else '**no**'} |")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(raw, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
