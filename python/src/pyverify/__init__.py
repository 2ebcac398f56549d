"""pyverify: verify untrusted Python against a whitelist policy, and run what was verified
in a sandbox.

    import pyverify
    report = pyverify.check("print(6 * 7)")             # in this process
    result = pyverify.run("a * b", mode="expr", inputs={"a": 6, "b": 7})
    result.status, result.result                        # ("ok", 42)

``check()`` runs the static layers (AST and bytecode) in this process. ``run()`` verifies in
this process too, then hands the source to a template process that the package started once
(a fresh exec, never a fork of this process), which verifies it again with the same policy
and runs it in a sandboxed child. See python/README.md.
"""
from __future__ import annotations

import json
import math
import threading
from typing import Any, Callable, Mapping, Optional, Union

from . import _native
from ._types import (Diagnostic, ExceptionInfo, HostError, PolicyError, Report, Result,
                     ServiceError, SessionError, TemplateError)

__version__: str = _native.version
__all__ = ["__version__", "Policy", "PolicyError", "check", "run", "Report", "Diagnostic",
           "Result", "ExceptionInfo", "Client", "ServiceError", "TemplateError", "HostError",
           "Session", "SessionError"]

Source = Union[str, bytes]


class Policy:
    """A whitelist policy: the embedded default, or a rules file (see docs/rules.md).

    Build one with ``Policy.default()``, ``Policy.from_file(path)`` (a rules file such as
    ``pyverify.toml``, or a ``pyproject.toml`` with a ``[tool.pyverify]`` table) or
    ``Policy.from_toml(text)``. A broken policy raises ``PolicyError``."""

    __slots__ = ("_handle", "_text", "_origin")
    _default: Optional["Policy"] = None
    _default_lock = threading.Lock()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise TypeError("use Policy.default(), Policy.from_file() or Policy.from_toml()")

    @classmethod
    def _make(cls, text: Optional[bytes], origin: str) -> "Policy":
        self = object.__new__(cls)
        self._handle = _native.Policy(text, origin)
        self._text = text
        self._origin = origin
        return self

    @classmethod
    def default(cls) -> "Policy":
        """The embedded default policy (rules/default.toml)."""
        with cls._default_lock:
            if cls._default is None:
                cls._default = cls._make(None, "<default>")
            return cls._default

    @classmethod
    def from_toml(cls, text: Union[str, bytes], origin: str = "<string>") -> "Policy":
        """A policy from the text of a rules file."""
        if isinstance(text, str):
            text = text.encode("utf-8")
        if not isinstance(text, bytes):
            raise TypeError(f"policy text must be str or bytes, not {type(text).__name__}")
        if not isinstance(origin, str):
            raise TypeError("origin must be a str")
        return cls._make(text, origin)

    @classmethod
    def from_file(cls, path: Any) -> "Policy":
        """A policy from a rules file, or from the ``[tool.pyverify]`` table of a
        ``pyproject.toml``. As for the command line, ``overrides`` tables (which select
        policies by the checked file's path) are not part of the base policy and are not
        applied: a source given to ``check()``/``run()`` has no path."""
        import os

        path = os.fspath(path)
        if isinstance(path, bytes):
            path = os.fsdecode(path)
        try:
            with open(path, "rb") as f:
                raw = f.read()
        except OSError as e:
            raise PolicyError(f"{path}: {e.strerror or e}") from None
        is_pyproject = os.path.basename(path) == "pyproject.toml"
        if not is_pyproject and b"overrides" not in raw:
            return cls._make(raw, path)
        import tomllib

        try:
            doc = tomllib.loads(raw.decode("utf-8"))
        except (UnicodeDecodeError, tomllib.TOMLDecodeError) as e:
            raise PolicyError(f"{path}: {e}") from None
        origin = path
        if is_pyproject:
            tool = doc.get("tool")
            if not isinstance(tool, dict) or "pyverify" not in tool:
                raise PolicyError(f"{path}: no [tool.pyverify] table")
            doc = tool["pyverify"]
            origin = f"{path} [tool.pyverify]"
            if not isinstance(doc, dict):
                raise PolicyError(f"{origin}: must be a table")
        doc = {k: v for k, v in doc.items() if k != "overrides"}
        return cls._make(_dump_toml(doc, origin).encode("utf-8"), origin)

    @property
    def origin(self) -> str:
        """Where the policy came from: "<default>", a path, or the origin given."""
        return self._origin

    def __repr__(self) -> str:
        return f"<pyverify.Policy {self._origin!r}>"


def _toml_value(v: Any, where: str) -> str:
    # verifier/cli/config.c's _toml_value: the values a rules file has.
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, int):
        return str(v)
    if isinstance(v, str):
        return json.dumps(v, ensure_ascii=False)
    if isinstance(v, list):
        return "[" + ", ".join(_toml_value(x, where) for x in v) + "]"
    raise PolicyError(f"{where}: unsupported value {v!r}")


def _dump_toml(doc: Mapping[str, Any], where: str) -> str:
    # verifier/cli/config.c's _dump: a parsed rules document back to TOML for the loader,
    # which validates every key.
    lines = []
    if "extends" in doc:
        lines.append("extends = " + _toml_value(doc["extends"], where))
    for t, body in doc.items():
        if t == "extends":
            continue
        if not isinstance(body, dict):
            lines.append(f"{json.dumps(t)} = " + _toml_value(body, where))
            continue
        lines.append(f"[{json.dumps(t)}]")
        for k, v in body.items():
            lines.append(f"{json.dumps(k)} = " + _toml_value(v, f"{where} [{t}] {k}"))
    return "\n".join(lines) + "\n"


# ---- argument checks (TypeError for a wrong type, ValueError for a wrong value) -------------

def _source(source: Any) -> bytes:
    if isinstance(source, str):
        try:
            return source.encode("utf-8")
        except UnicodeEncodeError as e:
            raise ValueError(f"source is not encodable as UTF-8: {e}") from None
    if isinstance(source, (bytes, bytearray, memoryview)):
        return bytes(source)
    raise TypeError(f"source must be str or bytes, not {type(source).__name__}")


def _policy(policy: Any) -> Policy:
    if policy is None:
        return Policy.default()
    if not isinstance(policy, Policy):
        raise TypeError(f"policy must be a pyverify.Policy or None, not {type(policy).__name__}")
    return policy


def _mode(mode: Any) -> bool:
    if not isinstance(mode, str):
        raise TypeError("mode must be a str")
    if mode not in ("module", "expr"):
        raise ValueError(f'mode must be "module" or "expr", not {mode!r}')
    return mode == "expr"


def _filename(filename: Any) -> str:
    if not isinstance(filename, str):
        raise TypeError("filename must be a str")
    if "\0" in filename or not filename:
        raise ValueError("filename must be a non-empty str without NUL")
    return filename


def _inputs(inputs: Any) -> tuple[tuple[str, ...], Optional[bytes]]:
    if inputs is None:
        return (), None
    if not isinstance(inputs, Mapping):
        raise TypeError(f"inputs must be a mapping of names to data, not {type(inputs).__name__}")
    for k in inputs:
        if not isinstance(k, str):
            raise TypeError("input names must be str")
        if not k.isidentifier() or (k.startswith("__") and k.endswith("__")):
            raise ValueError(f"input name {k!r} must be an identifier and not a dunder")
    try:
        text = json.dumps(dict(inputs), allow_nan=False, ensure_ascii=False)
    except TypeError as e:
        raise TypeError(f"inputs must be JSON data: {e}") from None
    except ValueError as e:
        raise ValueError(f"inputs must be JSON data: {e}") from None
    return tuple(inputs), text.encode("utf-8")


def _stdin(stdin: Any) -> Optional[bytes]:
    if stdin is None:
        return None
    if isinstance(stdin, str):
        return stdin.encode("utf-8")
    if isinstance(stdin, (bytes, bytearray, memoryview)):
        return bytes(stdin)
    raise TypeError(f"stdin must be str, bytes or None, not {type(stdin).__name__}")


def _seconds(name: str, v: Any) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise TypeError(f"{name} must be a number of seconds")
    if not math.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a positive finite number of seconds")
    return float(v)


def _count(name: str, v: Any) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise TypeError(f"{name} must be an int")
    if v <= 0:
        raise ValueError(f"{name} must be positive")
    return v


# ---- check and run --------------------------------------------------------------------------

def _verify(src: bytes, pol: Policy, expr: bool, filename: str,
            globals_: tuple[str, ...]) -> tuple[str, list[Diagnostic]]:
    verdict, diags = _native.verify(pol._handle, src, filename, expr, globals_)
    return verdict, [Diagnostic._from_native(t) for t in diags]


def check(source: Source, *, policy: Optional[Policy] = None, mode: str = "module",
          filename: str = "<string>", globals: Any = ()) -> Report:
    """Verify a program with both static layers, in this process. ``globals`` names the
    inputs the host will bind (``run(inputs=...)`` passes its keys)."""
    src, pol, expr, fn = _source(source), _policy(policy), _mode(mode), _filename(filename)
    if isinstance(globals, str) or not all(isinstance(g, str) for g in globals):
        raise TypeError("globals must be an iterable of str")
    verdict, diags = _verify(src, pol, expr, fn, tuple(globals))
    return Report(ok=verdict == "accepted", diagnostics=diags, verdict=verdict)


def run(source: Source, *, policy: Optional[Policy] = None, mode: str = "module",
        inputs: Optional[Mapping[str, Any]] = None, stdin: Optional[Union[str, bytes]] = None,
        timeout: float = 2.0, cpu: float = 1.0, memory_mb: int = 256, output_kb: int = 64,
        host_functions: Optional[Mapping[str, Callable[..., Any]]] = None,
        filename: str = "<string>") -> Result:
    """Verify a program and, when accepted, run it in a sandbox; wait for it.

    A rejected program is a Result with status "rejected" and its diagnostics. ``inputs``
    become the program's globals (JSON data only); in mode "expr" ``Result.result`` is the
    expression's value. ``host_functions`` maps names the program may call to callables of
    this process: only JSON data crosses, both ways (see ``HostError``); they are called in
    this thread. The run happens in a template process (see the module's doc); this thread
    waits without holding the GIL."""
    src, pol, expr, fn = _source(source), _policy(policy), _mode(mode), _filename(filename)
    names, input_json = _inputs(inputs)
    hosts = _host_functions(host_functions, names)
    req = {
        "op": "run", "policy": (pol._text, pol._origin), "source": src, "filename": fn,
        "expr": expr, "globals": names, "input": input_json, "stdin": _stdin(stdin),
        "timeout": _seconds("timeout", timeout), "cpu": _seconds("cpu", cpu),
        "memory_mb": _count("memory_mb", memory_mb), "output_kb": _count("output_kb", output_kb),
        "host_names": tuple(hosts),
    }
    verdict, diags = _verify(src, pol, expr, fn, names + tuple(hosts))
    if verdict != "accepted":
        return Result._rejected(diags)
    return Result._from_template(_call_template(req, hosts))


def _host_functions(host_functions: Any, names: tuple[str, ...]) -> dict[str, Callable[..., Any]]:
    if host_functions is None:
        return {}
    if not isinstance(host_functions, Mapping):
        raise TypeError("host_functions must map names to callables")
    if host_functions and not hasattr(_native, "HAS_HOST_FUNCTIONS"):
        raise ValueError("this build of libpyverify has no host functions")
    out = {}
    for k, f in host_functions.items():
        if not isinstance(k, str):
            raise TypeError("host function names must be str")
        if not k.isidentifier() or k.startswith("_"):
            raise ValueError(f"host function name {k!r} must be an identifier without a leading _")
        if k in names:
            raise ValueError(f"{k!r} is both an input and a host function")
        if not callable(f):
            raise TypeError(f"host function {k!r} is not callable")
        out[k] = f
    return out


def _answer_host_call(hosts: Mapping[str, Callable[..., Any]], msg: Any) -> dict[str, Any]:
    """Call a host function for the program. Only data crosses: the arguments are JSON that
    the library validated, checked again here; the result must be JSON data."""
    def fail(text: str) -> dict[str, Any]:
        return {"op": "host_result", "ok": False, "text": text}

    name, args = msg.get("name"), msg.get("args")
    fn = hosts.get(name) if isinstance(name, str) else None
    if fn is None or not isinstance(args, bytes):
        return fail("unknown host function")
    try:
        payload = json.loads(args)
    except ValueError:
        return fail("arguments are not JSON")
    if (not isinstance(payload, dict) or not isinstance(payload.get("args", []), list)
            or not isinstance(payload.get("kwargs", {}), dict)
            or not all(isinstance(k, str) for k in payload.get("kwargs", {}))):
        return fail("arguments must be {args: [...], kwargs: {...}}")
    try:
        value = fn(*payload.get("args", []), **payload.get("kwargs", {}))
    except HostError as e:
        return fail(str(e))
    except Exception:
        return fail(f"host function {name} failed")
    try:
        text = json.dumps(value, allow_nan=False, ensure_ascii=False)
    except (TypeError, ValueError):
        return fail(f"host function {name} returned something that is not JSON data")
    return {"op": "host_result", "ok": True, "text": text}


def _exchange(t: Any, req: dict[str, Any], hosts: Mapping[str, Callable[..., Any]],
              called: list[bool]) -> Any:
    """One request to template `t` and its answer, serving host calls in between."""
    from ._template import read_frame, write_frame

    reply = t.call(req)
    while isinstance(reply, dict) and reply.get("op") == "host_call":
        called[0] = True
        ans = _answer_host_call(hosts, reply)
        try:
            write_frame(t.sock, ans)
            reply = read_frame(t.sock)
        except (OSError, EOFError, ValueError) as e:
            raise TemplateError(f"the template process {t.pid} failed: {e}") from None
        if reply is None:
            raise TemplateError(f"the template process {t.pid} exited")
    if not isinstance(reply, dict):
        raise TemplateError("the template answered something else")
    return reply


def _unwrap(reply: dict[str, Any]) -> dict[str, Any]:
    if reply.get("ok"):
        return reply["result"]
    kind, msg = reply.get("kind"), str(reply.get("error"))
    if kind == "policy":
        raise PolicyError(msg)
    if kind == "value":
        raise ValueError(msg)
    if kind == "session":
        raise SessionError(msg)
    raise TemplateError(msg)


def _call_template(req: dict[str, Any], hosts: Mapping[str, Callable[..., Any]]) -> dict[str, Any]:
    from ._pool import pool

    for attempt in (0, 1):
        p = pool()
        t = p.acquire()
        called = [False]
        try:
            reply = _exchange(t, req, hosts, called)
        except TemplateError:
            p.release(t, broken=True)
            if attempt or called[0]:
                raise  # a host function ran: a retry could repeat its effects
            continue  # the template died (killed, out of memory): once more with a new one
        except BaseException:
            p.release(t, broken=True)  # interrupted mid-frame: the stream is unusable
            raise
        p.release(t)
        return _unwrap(reply)
    raise TemplateError("unreachable")


from ._client import Client  # noqa: E402  (needs the types above)
from ._session import Session  # noqa: E402
