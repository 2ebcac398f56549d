"""service_bench.py: the service rows of the benchmark (issue 8), called by bench.py.

Starts `pyverify serve` on a free loopback port (workers: twice the cores), then measures
with tests/service/pv_loadtest (C, libcurl, keep-alive connections, a thread per
connection; about 0.1 ms of its own CPU per request, so not the bottleneck):
  - latency of a trivial run through the service, one client, sequential (median, p99);
  - runs per second of trivial runs from 8 and 32 concurrent clients, and the CPU the whole
    service tree spent per run meanwhile.
The caller puts them beside `pyverify run` (whole process) and `python3 -I -c pass`
spawned with the same rlimits, measured in the same benchmark run.
"""
import os
import signal
import subprocess
import tempfile
import time


def _start(pyverify, tmp):
    ready = os.path.join(tmp, "serve.ready")
    log = open(os.path.join(tmp, "serve.log"), "w")
    p = subprocess.Popen([pyverify, "serve", "--listen", "127.0.0.1:0", "--ready-file", ready,
                          "--queue", "256"], stderr=log)
    for _ in range(600):
        if os.path.exists(ready) and os.path.getsize(ready) > 0:
            return p, "http://" + open(ready).read().strip()
        if p.poll() is not None:
            break
        time.sleep(0.05)
    p.kill()
    raise RuntimeError("pyverify serve did not start: " + open(log.name).read())


LAST = {}  # raw figures of the last call, for the issue-19 targets: "latency", "rate32"


def _tree_cpu_s(pid):
    """CPU seconds of pid's live tree, each process's own and that of the children it
    reaped: the service's CPU, sandboxed children included, on a loaded machine steadier
    than its wall-clock figures."""
    hz = os.sysconf("SC_CLK_TCK")
    total, todo = 0, [str(pid)]
    while todo:
        p = todo.pop()
        try:
            st = open(f"/proc/{p}/stat").read()
            for t in os.listdir(f"/proc/{p}/task"):
                todo += open(f"/proc/{p}/task/{t}/children").read().split()
        except OSError:
            continue
        total += sum(int(v) for v in st[st.rindex(")") + 2:].split()[11:15])
    return total / hz


def rows(build, pyverify, n, log, med, p99, ms, pyverify_run_s, spawn_s):
    loadtest = os.path.join(build, "tests", "service", "pv_loadtest")
    if not os.access(loadtest, os.X_OK):
        return [("Service", "(pv_loadtest not built)", "skipped", "", "", "")]
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        p, url = _start(pyverify, tmp)
        try:
            log(f"service latency: {n} runs")
            lat = [float(l.split()[1]) for l in subprocess.run(
                [loadtest, "latency", url, str(n)], check=True, capture_output=True,
                text=True).stdout.splitlines()]
            m = med(lat)
            LAST["latency"] = m
            out.append(("Service", "trivial run through `pyverify serve` (HTTP, one client)",
                        ms(m), f"p99 {ms(p99(lat))}, n={len(lat)}",
                        f"{pyverify_run_s / m:.1f}x faster than `pyverify run`",
                        f"{spawn_s / m:.1f}x faster than spawning `python3 -I -c pass`"))
            for clients in (8, 32):
                runs = max(200, n * 4)
                log(f"service rate: {runs} runs from {clients} clients")
                cpu0 = _tree_cpu_s(p.pid)
                rate = float(subprocess.run([loadtest, "rate", url, str(runs), str(clients)],
                                            check=True, capture_output=True,
                                            text=True).stdout.split()[1])
                cpu = (_tree_cpu_s(p.pid) - cpu0) / runs
                LAST[f"rate{clients}"] = rate
                out.append(("Service", f"trivial runs per second, {clients} keep-alive "
                            "connections (C client, pv_loadtest)",
                            f"{rate:.0f}/s", f"{runs} runs", "",
                            f"{os.cpu_count()} cores, {2 * (os.cpu_count() or 1)} workers; "
                            f"service CPU {ms(cpu)} per run (whole tree, children included)"))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
    return out
