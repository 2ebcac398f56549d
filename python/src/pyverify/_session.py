"""Session: runs that share the program's globals (an agent's code cells), in one sandboxed
child (pv_session, issue 17) of a template process pinned to the session."""
from __future__ import annotations

import os
import threading
from typing import Any, Callable, Mapping, Optional

from . import (_count, _exchange, _filename, _host_functions, _inputs, _mode,
               _policy, _seconds, _source, _unwrap, _verify, _native)
from ._types import Result, SessionError, TemplateError


class Session:
    """``with pyverify.Session() as s: s.run("x = 1"); s.run("print(x)")``.

    One sandboxed child keeps the program's globals from one run to the next. Each run is
    verified (here and again in the template) with the session's policy, knowing the names
    earlier runs defined. ``timeout``, ``cpu`` and ``output_kb`` are each run's (a run may
    override them); ``memory_mb``, ``total_cpu``, ``idle_timeout`` and ``max_runs`` are the
    whole session's. When a limit is hit, or a run ends other than "ok"/"error", the session
    ends: later runs raise ``SessionError``. Runs of one session are serialised."""

    def __init__(self, policy: Any = None, host_functions: Optional[Mapping[str, Callable[..., Any]]] = None,
                 timeout: float = 2.0, cpu: float = 1.0, memory_mb: int = 256,
                 output_kb: int = 64, total_cpu: float = 10.0, idle_timeout: float = 60.0,
                 max_runs: int = 100) -> None:
        if not hasattr(_native, "Session"):
            raise ValueError("this build of libpyverify has no sessions")
        self._policy = _policy(policy)
        self._hosts = _host_functions(host_functions, ())
        self._timeout = _seconds("timeout", timeout)
        self._cpu = _seconds("cpu", cpu)
        self._output_kb = _count("output_kb", output_kb)
        req = {"op": "session_new", "policy": (self._policy._text, self._policy._origin),
               "memory_mb": _count("memory_mb", memory_mb),
               "total_cpu": _seconds("total_cpu", total_cpu),
               "idle_timeout": _seconds("idle_timeout", idle_timeout),
               "max_runs": _count("max_runs", max_runs)}
        self._memory_mb = req["memory_mb"]
        self._lock = threading.Lock()
        self._defined: set[str] = set()
        self._pid = os.getpid()
        from ._pool import Template

        self._t: Optional[Template] = Template()  # its own, never shared with the pool
        try:
            _unwrap(_exchange(self._t, req, {}, [False]))
        except BaseException:
            self.close()
            raise

    def run(self, source: Any, *, mode: str = "module", inputs: Optional[Mapping[str, Any]] = None,
            timeout: Optional[float] = None, cpu: Optional[float] = None,
            output_kb: Optional[int] = None, filename: str = "<session>") -> Result:
        src, expr, fn = _source(source), _mode(mode), _filename(filename)
        names, input_json = _inputs(inputs)
        with self._lock:
            if self._t is None:
                raise SessionError("the session is closed")
            if os.getpid() != self._pid:  # a fork of the host must not share the channel
                raise SessionError("a session belongs to the process that created it")
            known = tuple(sorted(self._defined - set(names) - set(self._hosts))) + names
            req = {"op": "session_run", "source": src, "filename": fn, "expr": expr,
                   "globals": names, "input": input_json, "stdin": None,
                   "timeout": self._timeout if timeout is None else _seconds("timeout", timeout),
                   "cpu": self._cpu if cpu is None else _seconds("cpu", cpu),
                   "memory_mb": self._memory_mb,
                   "output_kb": self._output_kb if output_kb is None else _count("output_kb", output_kb),
                   "host_names": tuple(self._hosts)}
            verdict, diags = _verify(src, self._policy, expr, fn, known + tuple(self._hosts))
            # an attribute an earlier cell defined, a member of a module it imported (PV300,
            # PV302 alone): the template decides with the session's history (pv_session_verify)
            if verdict != "accepted" and not (verdict == "rejected" and diags and all(
                    d.code in ("PV300", "PV302", "PV503") for d in diags)):
                return Result._rejected(diags)
            try:
                raw = _unwrap(_exchange(self._t, req, self._hosts, [False]))
            except TemplateError:
                self._close_locked()
                raise SessionError("the session's template process failed") from None
            names_now = raw.get("session_globals")
            if isinstance(names_now, list) and all(isinstance(n, str) for n in names_now):
                self._defined = set(names_now)  # pv_session_global: what the library saw bound
            return Result._from_template(raw)

    def close(self) -> None:
        """End the session: its child is killed, nothing of it survives."""
        with self._lock:
            self._close_locked()

    def _close_locked(self) -> None:
        t, self._t = self._t, None
        if t is not None:
            t.close()

    def __enter__(self) -> "Session":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()

    def __del__(self) -> None:
        t = getattr(self, "_t", None)
        if t is not None:
            try:
                t.close(0.2)
            except Exception:
                pass

