"""service_bench.py: the service rows of the benchmark (issue 8), called by bench.py.

Starts `pyverify serve` on a free loopback port (workers: twice the cores), then measures
with tests/service/pv_loadtest (libcurl, keep-alive connections):
  - latency of a trivial run through the service, one client, sequential (median, p99);
  - runs per second of trivial runs from 8 and 32 concurrent clients.
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
                rate = float(subprocess.run([loadtest, "rate", url, str(runs), str(clients)],
                                            check=True, capture_output=True,
                                            text=True).stdout.split()[1])
                LAST[f"rate{clients}"] = rate
                out.append(("Service", f"trivial runs per second, {clients} clients",
                            f"{rate:.0f}/s", f"{runs} runs", "",
                            f"{os.cpu_count()} cores, {2 * (os.cpu_count() or 1)} workers"))
        finally:
            p.send_signal(signal.SIGTERM)
            p.wait(timeout=60)
    return out
