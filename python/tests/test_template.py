"""The template processes: never a fork of the host, restarted when killed, shut down with
the interpreter, concurrent runs from threads without holding the GIL."""
import os
import signal
import subprocess
import sys
import threading
import time

import pyverify
from pyverify import _pool


def _template_pids():
    pyverify.run("pass")
    return _pool.pool().pids()


def test_template_is_a_fresh_exec_without_the_hosts_environment(tmp_path):
    os.environ["PYVERIFY_TEST_SECRET"] = "hunter2"
    secret = tmp_path / "secret"
    secret.write_text("hunter2")
    held = open(secret)  # inheritable or not, it must not reach a template
    os.set_inheritable(held.fileno(), True)
    _pool._shutdown()  # new templates, started while the file is open
    try:
        for pid in _template_pids():
            with open(f"/proc/{pid}/environ", "rb") as f:
                assert f.read() == b""  # an empty environment, not the host's
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                argv = f.read().split(b"\0")
            assert argv[0] == sys.executable.encode() and argv[1:3] == [b"-I", b"-S"]
            with open(f"/proc/{pid}/status") as f:
                ppid = [ln for ln in f if ln.startswith("PPid:")][0].split()[1]
            assert int(ppid) == os.getpid()
            # only its own descriptors: none of the host's files
            links = [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]
            assert str(secret) not in links
            assert str(secret) in [os.readlink(f"/proc/self/fd/{held.fileno()}")]
    finally:
        held.close()
        del os.environ["PYVERIFY_TEST_SECRET"]


def test_the_host_is_never_forked():
    forks = []
    os.register_at_fork(before=lambda: forks.append(1))
    for _ in range(3):
        assert pyverify.run("print(1)").status == "ok"
    assert forks == []


def test_killed_template_is_replaced():
    pids = _template_pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    r = pyverify.run("print('after kill')")
    assert (r.status, r.stdout) == ("ok", "after kill\n")
    assert not set(pids) & set(_pool.pool().pids())


def test_killed_during_a_run_is_reported_or_retried():
    def killer():
        time.sleep(0.3)
        for pid in _pool.pool()._busy_pids_for_tests():
            os.kill(pid, signal.SIGKILL)
    # a long run whose template dies: the next run still works
    pyverify.run("pass")
    t = threading.Thread(target=killer)
    t.start()
    try:
        pyverify.run("while True:\n    pass\n", timeout=1.5, cpu=5)
    except pyverify.TemplateError:
        pass
    t.join()
    assert pyverify.run("print(2)").stdout == "2\n"


def test_concurrent_runs_from_8_threads():
    out = {}

    def work(i):
        r = pyverify.run("print(n * n)", inputs={"n": i})
        out[i] = (r.status, r.stdout)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8) for _ in range(1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {i: ("ok", f"{i * i}\n") for i in range(8)}
    assert len(_pool.pool().pids()) <= _pool.pool().limit


def test_waiting_releases_the_gil():
    ticks = []
    stop = threading.Event()

    def ticker():
        while not stop.is_set():
            ticks.append(1)
            time.sleep(0.01)

    t = threading.Thread(target=ticker)
    t.start()
    try:
        r = pyverify.run("while True:\n    pass\n", timeout=0.6, cpu=5)
    finally:
        stop.set()
        t.join()
    assert r.status == "timeout"
    assert len(ticks) >= 20  # the other thread ran while this one waited


def test_templates_end_with_the_interpreter():
    code = ("import pyverify\nfrom pyverify import _pool\n"
            "print(pyverify.run('print(1)').stdout.strip())\n"
            "print(*_pool.pool().pids())\n")
    p = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                       env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)})
    assert p.returncode == 0, p.stderr
    lines = p.stdout.split("\n")
    assert lines[0] == "1"
    pids = [int(x) for x in lines[1].split()]
    assert pids
    deadline = time.time() + 5
    while time.time() < deadline and any(os.path.exists(f"/proc/{pid}") for pid in pids):
        time.sleep(0.05)
    assert not any(os.path.exists(f"/proc/{pid}") for pid in pids)


def test_a_forked_host_child_gets_its_own_templates():
    pyverify.run("pass")
    parent_pids = set(_pool.pool().pids())
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the test forks; pyverify must cope with a host that does
        try:
            os.close(r)
            res = pyverify.run("print(5)")
            mine = set(_pool.pool().pids())
            ok = res.stdout == "5\n" and not (mine & parent_pids)
            os.write(w, b"1" if ok else b"0")
        finally:
            os._exit(0)
    os.close(w)
    got = os.read(r, 1)
    os.close(r)
    os.waitpid(pid, 0)
    assert got == b"1"
    assert pyverify.run("print(6)").stdout == "6\n"


def test_runs_come_from_a_clean_template():
    # the package's runner execs a fresh interpreter as its pv_runner template (runtime/
    # template.c), so a run's child is not a copy of the process that read earlier requests
    r = pyverify.run("print(1)")
    assert r.status == "ok"
    assert "template" in r.layers
    assert not [d for d in r.diagnostics if d.code == "PV600"], r.diagnostics
