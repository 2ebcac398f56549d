"""The template process: runs programs for the host, one at a time.

The host starts it with ``subprocess`` as a fresh ``exec`` of its interpreter (``-I``, an
empty environment, every descriptor closed but one end of a socketpair), so it holds none of
the host's memory: no secrets, no threads, no locks. It loads the policies it is sent and
keeps one warm runner (pv_runner) per policy, so each run forks a child that is already
inside most of its sandbox. For each request it verifies the source again with the same
policy and runs the code object that this verification produced (see README.md, "Design").

Protocol on the socket (both ways): frames of a 4-byte little-endian length and a marshal
of a dict of plain data (str, bytes, int, float, bool, None, tuples, lists, dicts). The
host and this process are the only writers; the sandboxed program never reaches the socket
(its child closes every descriptor it did not create).

    host -> template  {"op": "run", "policy": (text or None, origin), "source", "filename",
                       "expr", "globals", "input", "stdin", "timeout", "cpu", "memory_mb",
                       "output_kb", "host_names"}
                      {"op": "session_new", "policy", "memory_mb", "total_cpu",
                       "idle_timeout", "max_runs"}, then {"op": "session_run", ...as run}
    template -> host  {"ok": True, "result": {...}}  or  {"ok": False, "kind", "error"}
    during a run with host functions (issue 17), any number of:
    template -> host  {"op": "host_call", "name", "args": JSON bytes {"args", "kwargs"}}
    host -> template  {"op": "host_result", "ok": bool, "text": JSON of the result or a message}

End of file on the socket (the host closed it, or died) ends the process.
"""
from __future__ import annotations

import marshal
import os
import socket
import struct
import sys
from typing import Any, Optional

_HDR = struct.Struct("<I")
MAX_FRAME = 512 * 1024 * 1024
MAX_POLICIES = 8

# A runner's clean template (runtime/template.c): the runner execs this interpreter afresh,
# with an empty environment, to run the library's template loop; it alone forks the runs'
# children, so no child holds a copy of this process (which has read earlier requests).
_PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_CLEAN_TEMPLATE = [sys.executable, "-I", "-S", "-c",
                   "import sys; sys.path.append(sys.argv[1]); "
                   "from pyverify import _native; _native._template_main()", _PKG_PARENT]


def read_frame(sock: socket.socket) -> Optional[Any]:
    """One frame's object, or None at a clean end of file."""
    head = _recv_exact(sock, _HDR.size)
    if head is None:
        return None
    (n,) = _HDR.unpack(head)
    if n > MAX_FRAME:
        raise ValueError(f"frame of {n} bytes")
    body = _recv_exact(sock, n)
    if body is None:
        raise EOFError("end of file inside a frame")
    return marshal.loads(body)


def write_frame(sock: socket.socket, obj: Any) -> None:
    body = marshal.dumps(obj)
    sock.sendall(_HDR.pack(len(body)) + body)


def _recv_exact(sock: socket.socket, n: int) -> Optional[bytes]:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            if not buf:
                return None
            raise EOFError("end of file inside a frame")
        buf += chunk
    return bytes(buf)


class _Runners:
    """Policies and their warm runners, by (text, origin); the least recently used beyond
    MAX_POLICIES is freed (its waiting child is killed)."""

    def __init__(self, native: Any) -> None:
        self.native = native
        self.cache: dict[tuple[Optional[bytes], str], Any] = {}

    def get(self, key: tuple[Optional[bytes], str]) -> Any:
        rn = self.cache.pop(key, None)
        if rn is None:
            pol = self.native.Policy(key[0], key[1])
            rn = self.native.Runner(pol, template_argv=_CLEAN_TEMPLATE)
            while len(self.cache) >= MAX_POLICIES:
                self.cache.pop(next(iter(self.cache)))
        self.cache[key] = rn
        return rn


def _host_caller(sock: socket.socket, used: list[bool]) -> Any:
    """on_call(name, args_json) -> (ok, text) for the C trampoline: forwards one host call to
    the host process and waits for its answer. Only data crosses: the arguments are the JSON
    text the library validated; the answer must be a frame of the expected shape, else the
    channel is broken (the exception ends the run and this process)."""

    def on_call(name: str, args_json: bytes) -> tuple[bool, str]:
        used[0] = True
        try:
            write_frame(sock, {"op": "host_call", "name": name, "args": args_json})
            ans = read_frame(sock)
        except Exception as e:
            raise EOFError(f"host call: {e}") from None
        if (not isinstance(ans, dict) or ans.get("op") != "host_result"
                or not isinstance(ans.get("ok"), bool) or not isinstance(ans.get("text"), str)):
            raise EOFError("the host answered a host call with something else")
        return ans["ok"], ans["text"]

    return on_call


def _run_args(req: dict[str, Any]) -> tuple[Any, ...]:
    return (req["source"], req["filename"], req["expr"], tuple(req["globals"]), req["input"],
            req["stdin"], req["timeout"], req["cpu"], req["memory_mb"], req["output_kb"])


def serve(sock: socket.socket) -> None:
    from . import _native

    runners = _Runners(_native)
    session = None  # this template's session, when it is pinned to one
    served = False  # a request has been read (its data may be in this process)
    while True:
        req = read_frame(sock)
        if req is None:
            return
        first, served = not served, True
        used = [False]
        try:
            if not isinstance(req, dict):
                raise ValueError("unknown request")
            op = req.get("op")
            hosts = tuple(req.get("host_names") or ())
            extra = {"host_names": hosts, "on_call": _host_caller(sock, used)} if hosts else {}
            if op == "run":
                text, origin = req["policy"]
                rn = runners.get((text, origin))
                res = rn.run(*_run_args(req), **extra)
            elif op == "session_new" and session is None:
                text, origin = req["policy"]
                # fork_here only as this template's first request: it holds no other one
                session = _native.Session(_native.Policy(text, origin), req["memory_mb"],
                                          req["total_cpu"], req["idle_timeout"], req["max_runs"],
                                          fork_here=first)
                res = {}
            elif op == "session_run" and session is not None:
                try:
                    res = session.run(*_run_args(req), **extra)
                except RuntimeError:
                    if session.alive():
                        raise
                    write_frame(sock, {"ok": False, "kind": "session",
                                       "error": "the session has ended (a limit, the idle "
                                                "timeout, or a run that did not end ok/error)"})
                    continue
            else:
                raise ValueError(f"unknown request {op!r}")
            reply = {"ok": True, "result": res}
        except (EOFError, OSError):
            raise  # the channel to the host failed: end
        except _native.PolicyError as e:
            reply = {"ok": False, "kind": "policy", "error": str(e)}
        except (ValueError, TypeError) as e:
            reply = {"ok": False, "kind": "value", "error": str(e)}
        except Exception as e:  # reported to the host, which raises TemplateError
            reply = {"ok": False, "kind": "internal", "error": f"{type(e).__name__}: {e}"}
        write_frame(sock, reply)


def main(argv: list[str]) -> None:
    fd = int(argv[1])
    sock = socket.socket(fileno=fd)
    try:
        serve(sock)
    except (EOFError, OSError, ValueError):
        pass
    finally:
        sock.close()
    # The runners were freed when serve() returned (their waiting children killed); leave
    # without the interpreter's finalisation.
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main(sys.argv)
