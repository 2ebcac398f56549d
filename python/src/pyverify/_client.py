"""Client: the same ``run()`` and ``check()``, answered by a `pyverify serve` instance over
HTTP (standard library only). The service verifies with its own policy (`--rules`)."""
from __future__ import annotations

import json
from typing import Any, Mapping, Optional, Union

from ._types import Diagnostic, Report, Result, ServiceError


class Client:
    """A `pyverify serve` endpoint, e.g. ``Client("http://127.0.0.1:8421", token=...)``."""

    def __init__(self, url: str, token: Optional[str] = None, *, timeout: float = 30.0) -> None:
        from urllib.parse import urlsplit

        if not isinstance(url, str):
            raise TypeError("url must be a str")
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError(f"url must be an http:// or https:// URL, not {url!r}")
        if token is not None and (not isinstance(token, str)):
            raise TypeError("token must be a str or None")
        if token is not None and (not token or any(c in token for c in "\r\n")):
            raise ValueError("token must be a non-empty single line")
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"<pyverify.Client {self.url!r}>"

    def _post(self, path: str, body: dict[str, Any], timeout: float) -> Any:
        import urllib.error
        import urllib.request

        data = json.dumps(body).encode("utf-8")
        req = urllib.request.Request(self.url + path, data=data, method="POST",
                                     headers={"Content-Type": "application/json"})
        if self.token is not None:
            req.add_header("Authorization", f"Bearer {self.token}")
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            text = e.read().decode("utf-8", "replace")
            try:
                msg = str(json.loads(text).get("error", text))
            except (ValueError, AttributeError):
                msg = text.strip() or e.reason
            raise ServiceError(e.code, msg) from None
        except (urllib.error.URLError, OSError) as e:
            raise ServiceError(0, f"{self.url}: {getattr(e, 'reason', e)}") from None
        try:
            doc = json.loads(raw)
        except ValueError:
            raise ServiceError(200, "the answer is not JSON") from None
        if not isinstance(doc, dict):
            raise ServiceError(200, "the answer is not a JSON object")
        return doc

    def run(self, source: Union[str, bytes], *, mode: str = "module",
            inputs: Optional[Mapping[str, Any]] = None, stdin: Optional[str] = None,
            timeout: float = 2.0, cpu: float = 1.0, memory_mb: int = 256,
            output_kb: int = 64, filename: str = "<string>") -> Result:
        """POST /v1/run: the same Result as ``pyverify.run()`` (the service's limits cap the
        ones asked for)."""
        from . import _filename, _mode, _count, _seconds

        body: dict[str, Any] = {"source": _text(source, "source"), "filename": _filename(filename),
                                "mode": "expr" if _mode(mode) else "module"}
        if inputs is not None:
            from . import _inputs

            _inputs(inputs)  # the same checks as run()
            body["input"] = dict(inputs)
        if stdin is not None:
            body["stdin"] = _text(stdin, "stdin")
        body["limits"] = {"timeout_s": _seconds("timeout", timeout), "cpu_s": _seconds("cpu", cpu),
                          "memory_mb": _count("memory_mb", memory_mb),
                          "output_kb": _count("output_kb", output_kb)}
        doc = self._post("/v1/run", body, self.timeout + float(timeout))
        if "status" not in doc:
            raise ServiceError(200, "the answer has no status")
        return Result._from_json(doc)

    def check(self, source: Union[str, bytes], *, mode: str = "module",
              filename: str = "<string>") -> Report:
        """POST /v1/verify: the service's verdict and diagnostics."""
        from . import _filename, _mode

        body = {"source": _text(source, "source"), "filename": _filename(filename),
                "mode": "expr" if _mode(mode) else "module"}
        doc = self._post("/v1/verify", body, self.timeout)
        verdict = str(doc.get("verdict", "invalid"))
        return Report(ok=verdict == "accepted", verdict=verdict,
                      diagnostics=[Diagnostic._from_json(d) for d in doc.get("diagnostics") or []])


def _text(v: Any, name: str) -> str:
    if isinstance(v, bytes):
        try:
            return v.decode("utf-8")
        except UnicodeDecodeError:
            raise ValueError(f"{name} must be UTF-8 to travel in JSON") from None
    if not isinstance(v, str):
        raise TypeError(f"{name} must be str or bytes, not {type(v).__name__}")
    return v
