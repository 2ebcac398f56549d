"""The package's value types: Diagnostic, Report, ExceptionInfo, Result, and its errors."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Mapping, Optional, Sequence

from . import _native

PolicyError = _native.PolicyError


class TemplateError(RuntimeError):
    """The template process that runs programs failed (it is restarted for the next run)."""


class HostError(Exception):
    """Raise it in a host function to give the program a message: the program sees
    HostError(message). Any other exception of a host function reaches the program only as
    "host function NAME failed" (its details stay in the host)."""


class SessionError(RuntimeError):
    """The session has ended (a session limit, the idle timeout, a run that did not end "ok"
    or "error", or close()); make a new one."""


class ServiceError(RuntimeError):
    """`pyverify serve` answered with an error (``status`` is the HTTP status, 0 when the
    service could not be reached)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"HTTP {status}: {message}" if status else message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Diagnostic:
    """One finding. Positions are 1-based; columns count code points; ``end_col`` is
    exclusive; ``line`` 0 means "no position". ``layer`` is "input", "ast", "bytecode" or
    "runtime"."""

    code: str
    message: str
    line: int
    col: int
    end_line: int
    end_col: int
    hint: Optional[str]
    layer: str
    severity: str = "error"
    title: str = ""

    @classmethod
    def _from_native(cls, t: Sequence[Any]) -> "Diagnostic":
        code, title, severity, layer, message, line, col, end_line, end_col, hint = t
        return cls(code, message, line, col, end_line, end_col, hint, layer, severity, title)

    @classmethod
    def _from_json(cls, d: Mapping[str, Any]) -> "Diagnostic":
        return cls(str(d.get("code", "")), str(d.get("message", "")), int(d.get("line") or 0),
                   int(d.get("col") or 0), int(d.get("end_line") or 0),
                   int(d.get("end_col") or 0), d.get("hint"), str(d.get("layer", "")),
                   str(d.get("severity", "error")), str(d.get("title", "")))

    def __str__(self) -> str:
        return f"{self.line}:{self.col}: {self.code} {self.message}"


@dataclass(frozen=True)
class Report:
    """What ``check()`` found. ``ok`` is True when every layer accepted the program;
    ``verdict`` is "accepted", "rejected" or "invalid" (could not be checked)."""

    ok: bool
    diagnostics: list[Diagnostic]
    verdict: str = "accepted"


@dataclass(frozen=True)
class ExceptionInfo:
    """The program's uncaught exception: its type name, message and line (0: unknown)."""

    type: str
    message: str
    line: int


@dataclass(frozen=True)
class Result:
    """How a run ended. ``status`` is "ok", "rejected", "error" (uncaught exception),
    "timeout", "cpu", "memory", "output", "crashed" or "killed". ``result`` is the value of
    an expression (mode="expr"), decoded from JSON. ``layers`` are the layers that were
    active. A rejected program has status "rejected" and its diagnostics."""

    status: str
    stdout: str = ""
    stderr: str = ""
    result: Any = None
    exception: Optional[ExceptionInfo] = None
    diagnostics: list[Diagnostic] = field(default_factory=list)
    layers: list[str] = field(default_factory=list)
    cpu_ms: int = 0
    wall_ms: int = 0
    exit_code: Optional[int] = None
    signal: Optional[int] = None
    stdout_truncated: bool = False
    stderr_truncated: bool = False
    max_rss_kb: int = 0

    @property
    def ok(self) -> bool:
        return self.status == "ok"

    @classmethod
    def _rejected(cls, diagnostics: list[Diagnostic]) -> "Result":
        return cls(status="rejected", diagnostics=diagnostics, layers=["ast", "bytecode"])

    @classmethod
    def _from_template(cls, d: Mapping[str, Any]) -> "Result":
        """From the template's answer: the fields of `pyverify run --json`, with the same
        runtime diagnostics (PV600 for a layer that was unavailable, PV601 for a kill)."""
        diags = [Diagnostic._from_native(t) for t in d["diagnostics"]]
        if d["status"] == "rejected":
            return cls._rejected(diags)
        for step, reason in d["skipped"]:
            diags.append(_runtime_diag("PV600", "note", f"{step}: {reason}"))
        if d["kill_reason"]:
            diags.append(_runtime_diag("PV601", "error", d["kill_reason"]))
        exc = d["exception"]
        return cls(
            status=d["status"],
            stdout=d["stdout"].decode("utf-8", "replace"),
            stderr=d["stderr"].decode("utf-8", "replace"),
            result=_json_value(d["result"]),
            exception=ExceptionInfo(exc[0], exc[1] or "", exc[2]) if exc else None,
            diagnostics=diags,
            layers=["ast", "bytecode", *d["layers"]],
            cpu_ms=d["cpu_ms"], wall_ms=d["wall_ms"], exit_code=d["exit_code"],
            signal=d["signal"], stdout_truncated=d["stdout_truncated"],
            stderr_truncated=d["stderr_truncated"], max_rss_kb=d["max_rss_kb"])

    @classmethod
    def _from_json(cls, d: Mapping[str, Any]) -> "Result":
        """From the JSON document of `pyverify run --json` / POST /v1/run."""
        exc = d.get("exception")
        return cls(
            status=str(d["status"]),
            stdout=str(d.get("stdout") or ""),
            stderr=str(d.get("stderr") or ""),
            result=d.get("result"),
            exception=(ExceptionInfo(str(exc.get("type", "")), str(exc.get("message", "")),
                                     int(exc.get("line") or 0))
                       if isinstance(exc, dict) else None),
            diagnostics=[Diagnostic._from_json(x) for x in d.get("diagnostics") or []],
            layers=[str(x) for x in d.get("layers") or []],
            cpu_ms=int(d.get("cpu_ms") or 0), wall_ms=int(d.get("wall_ms") or 0),
            exit_code=d.get("exit_code"), signal=d.get("signal"),
            stdout_truncated=bool(d.get("stdout_truncated")),
            stderr_truncated=bool(d.get("stderr_truncated")),
            max_rss_kb=int(d.get("max_rss_kb") or 0))


_RULES: dict[str, tuple[str, Optional[str]]] = {}


def _runtime_diag(code: str, severity: str, message: str) -> Diagnostic:
    if not _RULES:
        for c, title, hint, _layer in _native.rules():
            _RULES[c] = (title, hint)
    title, hint = _RULES.get(code, ("", None))
    return Diagnostic(code, message, 0, 0, 0, 0, hint, "runtime", severity, title)


def _json_value(text: Optional[str]) -> Any:
    """The expression's value: JSON text from the runtime (unencodable values arrive as the
    JSON string of their repr)."""
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return text
