"""host_functions and Session (issue 17's library features, through the package)."""
import threading

import pytest

import pyverify
from pyverify import _native

needs_host = pytest.mark.skipif(not hasattr(_native, "HAS_HOST_FUNCTIONS"),
                                reason="libpyverify without host functions (issue 17)")
needs_session = pytest.mark.skipif(not hasattr(_native, "Session"),
                                   reason="libpyverify without sessions (issue 17)")


@needs_host
def test_host_function_round_trip():
    calls = []

    def lookup(key, default=None):
        calls.append((key, default))
        return {"a": 1, "b": [2, 3]}.get(key, default)

    r = pyverify.run("print(lookup('a'), lookup('b'), lookup(key='z', default=7))",
                     host_functions={"lookup": lookup})
    assert (r.status, r.stdout) == ("ok", "1 [2, 3] 7\n")
    assert calls == [("a", None), ("b", None), ("z", 7)]
    assert threading.current_thread() is threading.main_thread()


@needs_host
def test_host_function_in_an_expression_with_inputs():
    r = pyverify.run("double(x) + 1", mode="expr", inputs={"x": 20},
                     host_functions={"double": lambda v: v * 2})
    assert (r.status, r.result) == ("ok", 41)


@needs_host
def test_host_errors_reach_the_program_as_data_only():
    def secret():
        raise RuntimeError("password=hunter2")

    def refuse():
        raise pyverify.HostError("not for you")

    r = pyverify.run("secret()", host_functions={"secret": secret})
    assert r.status == "error" and "hunter2" not in (r.exception.message + r.stderr)
    r = pyverify.run("refuse()", host_functions={"refuse": refuse})
    assert r.status == "error" and "not for you" in r.exception.message
    # a result that is not data never reaches the program
    r = pyverify.run("f()", host_functions={"f": lambda: object()})
    assert r.status == "error" and "not JSON data" in r.exception.message


@needs_host
def test_host_functions_bad_arguments():
    with pytest.raises(TypeError):
        pyverify.run("f()", host_functions=[len])
    with pytest.raises(TypeError):
        pyverify.run("f()", host_functions={"f": 3})
    with pytest.raises(ValueError):
        pyverify.run("f()", host_functions={"_f": len})
    with pytest.raises(ValueError):
        pyverify.run("f()", inputs={"f": 1}, host_functions={"f": len})


@needs_session
def test_session_keeps_state():
    with pyverify.Session() as s:
        assert s.run("x = 41\ndef inc(v):\n    return v + 1\n").status == "ok"
        r = s.run("print(inc(x))")
        assert (r.status, r.stdout) == ("ok", "42\n")
        # the session's own template forks its child: no layer missing, no "template" note
        assert not [d for d in r.diagnostics if d.code == "PV600"], r.diagnostics
        r = s.run("inc(x) * 2", mode="expr")
        assert (r.status, r.result) == ("ok", 84)
        assert s.run("import os").status == "rejected"
    with pytest.raises(pyverify.SessionError):
        s.run("print(1)")


@needs_session
def test_session_cell_checked_with_what_earlier_cells_bound():
    # red team: verified alone, with `f` a plain global, the store passed both static layers
    with pyverify.Session() as s:
        assert s.run("from dataclasses import field\nf = field()").status == "ok"
        r = s.run("x = 1\nf.name = 'y'")
        assert (r.status, r.diagnostics[0].code, r.diagnostics[0].line) == ("rejected", "PV307", 2)
        r = s.run("print(f.name)")
        assert (r.status, r.stdout) == ("ok", "None\n")


@needs_session
def test_session_cell_uses_what_earlier_cells_defined():
    with pyverify.Session() as s:
        assert s.run("import functools\nclass P:\n    def __init__(self):\n"
                     "        self.weight = 2\n").status == "ok"
        r = s.run("print(P().weight, functools.reduce(lambda a, b: a + b, [1, 2]))")
        assert (r.status, r.stdout) == ("ok", "2 3\n")
        r = s.run("print(P().height)")  # defined nowhere: still refused
        assert (r.status, r.diagnostics[0].code) == ("rejected", "PV302")


@needs_session
def test_session_ends_after_a_limit():
    with pyverify.Session(timeout=0.5, cpu=5) as s:
        assert s.run("while True:\n    pass\n").status == "timeout"
        with pytest.raises(pyverify.SessionError):
            s.run("print(1)")


@needs_session
@needs_host
def test_session_with_host_functions():
    log = []
    with pyverify.Session(host_functions={"emit": log.append}) as s:
        s.run("n = 2\nemit(n)")
        s.run("emit(n * 21)")
    assert log == [2, 42]


@needs_host
def test_host_functions_from_8_threads_run_in_their_own_thread():
    out = {}

    def work(i):
        me = threading.current_thread()
        seen = []

        def whoami():
            seen.append(threading.current_thread() is me)
            return i

        r = pyverify.run("print(whoami() * 2)", host_functions={"whoami": whoami})
        out[i] = (r.status, r.stdout, seen)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert out == {i: ("ok", f"{i * 2}\n", [True]) for i in range(8)}


@needs_host
def test_host_call_flood_ends_the_run():
    r = pyverify.run("while True:\n    f()\n", host_functions={"f": lambda: 1}, timeout=10, cpu=5)
    assert r.status == "host_limit"
    assert pyverify.run("print(f())", host_functions={"f": lambda: 3}).stdout == "3\n"


@needs_host
def test_template_killed_during_a_host_call_is_not_retried():
    import os
    import signal

    from pyverify import _pool

    calls = []

    def slow():
        calls.append(1)
        for pid in _pool.pool()._busy_pids_for_tests():
            os.kill(pid, signal.SIGKILL)
        return 1

    with pytest.raises(pyverify.TemplateError):
        pyverify.run("f()", host_functions={"f": slow})
    assert calls == [1]  # not run a second time
    assert pyverify.run("print(1)").stdout == "1\n"
