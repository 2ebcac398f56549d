"""The package's interface (issue 18): every function, its types and its errors."""
import os
import textwrap

import pytest

import pyverify
from pyverify import Policy, PolicyError


def test_version():
    assert pyverify.__version__ == "0.1.0"


def test_py_typed_ships():
    assert os.path.exists(os.path.join(os.path.dirname(pyverify.__file__), "py.typed"))


# ---- policies -------------------------------------------------------------------------------

def test_policy_default_is_shared():
    p = Policy.default()
    assert p is Policy.default()
    assert p.origin == "<default>"


def test_policy_cannot_be_constructed_directly():
    with pytest.raises(TypeError):
        Policy()


def test_policy_from_toml_changes_verdict():
    src = "import time\nprint(time.time() > 0)\n"
    assert not pyverify.check(src).ok
    pol = Policy.from_toml('[imports]\nextend-allow = ["time"]\n')
    assert pyverify.check(src, policy=pol).ok
    r = pyverify.run(src, policy=pol)
    assert (r.status, r.stdout) == ("ok", "True\n")


def test_policy_from_toml_broken():
    with pytest.raises(PolicyError) as e:
        Policy.from_toml("[names]\nnot_a_key = 1\n", origin="mine.toml")
    assert "mine.toml" in str(e.value) and "not_a_key" in str(e.value)
    with pytest.raises(PolicyError):
        Policy.from_toml("[imports\n")
    with pytest.raises(TypeError):
        Policy.from_toml(42)
    assert issubclass(PolicyError, ValueError)


def test_policy_from_file(tmp_path):
    f = tmp_path / "pyverify.toml"
    f.write_text('[imports]\nextend-allow = ["time"]\n')
    pol = Policy.from_file(f)
    assert pol.origin == str(f)
    assert pyverify.check("import time", policy=pol).ok
    with pytest.raises(PolicyError):
        Policy.from_file(tmp_path / "missing.toml")
    bad = tmp_path / "bad.toml"
    bad.write_text("[imports]\nallow = 3\n")
    with pytest.raises(PolicyError):
        Policy.from_file(bad)


def test_policy_from_pyproject(tmp_path):
    f = tmp_path / "pyproject.toml"
    f.write_text(textwrap.dedent("""\
        [project]
        name = "app"

        [tool.pyverify.imports]
        extend-allow = ["time"]

        [[tool.pyverify.overrides]]
        files = ["tests/**"]
        imports = { extend-allow = ["string"] }
        """))
    pol = Policy.from_file(str(f))
    assert pol.origin == f"{f} [tool.pyverify]"
    assert pyverify.check("import time", policy=pol).ok
    # overrides select by the checked file's path; a source given here has none
    assert not pyverify.check("import string", policy=pol).ok
    r = pyverify.run("import time\nprint(time.time() > 0)", policy=pol)
    assert (r.status, r.stdout) == ("ok", "True\n")


def test_policy_from_pyproject_without_table(tmp_path):
    f = tmp_path / "pyproject.toml"
    f.write_text('[project]\nname = "app"\n')
    with pytest.raises(PolicyError, match="tool.pyverify"):
        Policy.from_file(f)
    f.write_text('[tool.pyverify.imports]\nallow = "not a list"\n')
    with pytest.raises(PolicyError):
        Policy.from_file(f)


# ---- check ---------------------------------------------------------------------------------

def test_check_accepts():
    rep = pyverify.check("print(sum(range(10)))")
    assert rep.ok and rep.diagnostics == [] and rep.verdict == "accepted"


def test_check_rejects_with_diagnostics():
    rep = pyverify.check("x = 1\nimport os\n", filename="job.py")
    assert not rep.ok and rep.verdict == "rejected"
    d = rep.diagnostics[0]
    assert (d.code, d.line, d.col, d.end_line, d.end_col, d.layer) == ("PV400", 2, 8, 2, 10, "ast")
    assert "os" in d.message and d.hint


def test_check_expr_mode_and_globals():
    assert pyverify.check("a * b", mode="expr", globals=["a", "b"]).ok
    rep = pyverify.check("a * b", mode="expr")
    assert [d.code for d in rep.diagnostics] == ["PV205", "PV205"]
    assert not pyverify.check("x = 1", mode="expr").ok


def test_check_invalid_input():
    rep = pyverify.check(b"print(1)\x00")
    assert not rep.ok and rep.verdict == "invalid"
    assert rep.diagnostics[0].layer == "input"


def test_check_bytecode_layer_code():
    rep = pyverify.check("().__class__")
    assert {d.layer for d in rep.diagnostics} >= {"ast"}


def test_check_bad_arguments():
    with pytest.raises(TypeError):
        pyverify.check(42)
    with pytest.raises(TypeError):
        pyverify.check("1", policy="default")
    with pytest.raises(ValueError):
        pyverify.check("1", mode="eval")
    with pytest.raises(TypeError):
        pyverify.check("1", mode=None)
    with pytest.raises(ValueError):
        pyverify.check("1", filename="a\0b")
    with pytest.raises(TypeError):
        pyverify.check("1", globals="ab")


# ---- run ------------------------------------------------------------------------------------

def test_run_ok():
    r = pyverify.run("print(6 * 7)")
    assert r.status == "ok" and r.ok
    assert r.stdout == "42\n" and r.stderr == ""
    assert r.exception is None and r.result is None and r.exit_code == 0
    assert r.layers[:2] == ["ast", "bytecode"]
    assert {"seccomp", "python:builtins", "rlimits", "watchdog"} <= set(r.layers)
    assert r.wall_ms >= 0 and r.cpu_ms >= 0
    # the template has an empty environment: no step is reported unavailable because of it
    assert [d for d in r.diagnostics if d.code == "PV600"] == []


def test_run_expr_with_inputs():
    r = pyverify.run("price * qty * (1 - discount)", mode="expr",
                     inputs={"price": 10.0, "qty": 3, "discount": 0.5})
    assert (r.status, r.result) == ("ok", 15.0)
    r = pyverify.run("[x.upper() for x in names]", mode="expr", inputs={"names": ["a", "b"]})
    assert r.result == ["A", "B"]
    r = pyverify.run("{'k': (1, None)}", mode="expr")
    assert r.result == {"k": [1, None]}


def test_run_stdin():
    r = pyverify.run("print(input().upper())\nprint(input())", stdin="hello\nw\xe9lt\n")
    assert (r.status, r.stdout) == ("ok", "HELLO\nw\xe9lt\n")
    r = pyverify.run("print(input())", stdin=b"bytes\n")
    assert r.stdout == "bytes\n"


def test_run_exception():
    r = pyverify.run("x = 1\nraise ValueError('bad value')\n")
    assert r.status == "error"
    assert (r.exception.type, r.exception.message, r.exception.line) == ("ValueError", "bad value", 2)


def test_run_rejected_is_a_result():
    r = pyverify.run("import os\nos.system('id')")
    assert r.status == "rejected" and not r.ok
    assert r.diagnostics[0].code == "PV400"
    assert r.stdout == "" and r.wall_ms == 0


def test_run_limits():
    r = pyverify.run("while True:\n    pass\n", cpu=0.5, timeout=5)
    assert r.status == "cpu"
    r = pyverify.run("while True:\n    pass\n", cpu=5, timeout=0.3)
    assert r.status == "timeout"
    r = pyverify.run("x = 'a' * (400 * 1024 * 1024)\nprint(len(x))", memory_mb=64)
    assert r.status == "memory"
    r = pyverify.run("while True:\n    print('x' * 1000)\n", output_kb=4)
    assert r.status == "output" and r.stdout_truncated
    assert len(r.stdout) <= 4 * 1024


def test_run_bad_arguments():
    bad = [
        (TypeError, dict(timeout="1")), (ValueError, dict(timeout=0)),
        (ValueError, dict(timeout=float("nan"))), (TypeError, dict(cpu=True)),
        (ValueError, dict(cpu=-1)), (TypeError, dict(memory_mb=1.5)),
        (ValueError, dict(memory_mb=0)), (ValueError, dict(output_kb=-3)),
        (TypeError, dict(inputs=[1, 2])), (TypeError, dict(inputs={1: 2})),
        (ValueError, dict(inputs={"__builtins__": 1})), (ValueError, dict(inputs={"a b": 1})),
        (TypeError, dict(inputs={"a": object()})), (ValueError, dict(inputs={"a": float("inf")})),
        (TypeError, dict(stdin=3)), (ValueError, dict(mode="exec")),
        (TypeError, dict(policy=object())),
    ]
    for exc, kw in bad:
        with pytest.raises(exc):
            pyverify.run("print(1)", **kw)
    with pytest.raises(TypeError):
        pyverify.run(None)


def test_result_type_fields():
    r = pyverify.run("1 + 1", mode="expr")
    for name in ("status", "stdout", "stderr", "result", "exception", "diagnostics", "layers",
                 "cpu_ms", "wall_ms"):
        assert hasattr(r, name)
    with pytest.raises(Exception):
        r.status = "ok"  # frozen
