"""Template processes of the host: started once, reused, restarted when they die.

Never fork the host: a template is started with ``subprocess`` (an exec of this interpreter,
``-I -S``, an empty environment, ``close_fds``), holds none of the host's memory, and talks
to the host over a private socketpair. Each template runs one program at a time; the pool
grows on demand up to ``os.cpu_count()`` templates (at least 2), so that threads of the host
run concurrently. Waiting for a template's answer is a blocking ``recv`` that releases the
GIL.
"""
from __future__ import annotations

import atexit
import os
import socket
import subprocess
import sys
import threading
from typing import Any, Optional

from ._template import read_frame, write_frame
from ._types import TemplateError

_PKG_PARENT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The template imports this package from where the host found it, and nothing else from
# the host's environment (-I: no PYTHON* variables, no user site, no current directory;
# -S: no site-packages). Appended, so that the standard library wins over anything there.
_BOOT = ("import sys; sys.path.append(sys.argv[1]); "
         "from pyverify import _template; _template.main(sys.argv[1:])")


class Template:
    """One template process and the host's end of its socketpair."""

    def __init__(self) -> None:
        host_end, child_end = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            self.proc = subprocess.Popen(
                [sys.executable, "-I", "-S", "-c", _BOOT, _PKG_PARENT, str(child_end.fileno())],
                stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=None,
                pass_fds=(child_end.fileno(),), close_fds=True, env={}, cwd="/",
                start_new_session=True)
        except BaseException:
            host_end.close()
            raise
        finally:
            child_end.close()
        self.sock = host_end
        self.pid = self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def call(self, req: dict[str, Any]) -> Any:
        """Send a request and wait for its answer. TemplateError if the process died."""
        try:
            write_frame(self.sock, req)
            reply = read_frame(self.sock)
        except (OSError, EOFError, ValueError) as e:
            raise TemplateError(f"the template process {self.pid} failed: {e}") from None
        if reply is None:
            raise TemplateError(f"the template process {self.pid} exited")
        return reply

    def close(self, wait: float = 1.0) -> None:
        try:
            self.sock.close()  # end of file: the template frees its runners and exits
        except OSError:
            pass
        try:
            self.proc.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()


class Pool:
    """Idle templates, grown on demand up to `limit`."""

    def __init__(self, limit: Optional[int] = None) -> None:
        self.limit = limit or max(2, os.cpu_count() or 2)
        self.cond = threading.Condition()
        self.idle: list[Template] = []
        self.busy: set[Template] = set()
        self.count = 0  # templates alive, idle or in use
        self.closed = False

    def acquire(self) -> Template:
        with self.cond:
            while True:
                if self.closed:
                    raise TemplateError("pyverify is shut down")
                while self.idle:
                    t = self.idle.pop()
                    if t.alive():
                        self.busy.add(t)
                        return t
                    self.count -= 1
                    t.close(0)
                if self.count < self.limit:
                    self.count += 1
                    break
                self.cond.wait()
        try:
            t = Template()
        except BaseException:
            with self.cond:
                self.count -= 1
                self.cond.notify()
            raise
        with self.cond:
            self.busy.add(t)
        return t

    def release(self, t: Template, broken: bool = False) -> None:
        with self.cond:
            self.busy.discard(t)
            if broken or self.closed:
                self.count -= 1
            else:
                self.idle.append(t)
            self.cond.notify()
        if broken or self.closed:
            t.close(0.2)

    def close(self) -> None:
        with self.cond:
            self.closed = True
            idle, self.idle = self.idle, []
            self.count -= len(idle)
            self.cond.notify_all()
        for t in idle:
            t.close()

    def _busy_pids_for_tests(self) -> list[int]:
        with self.cond:
            return [t.pid for t in self.busy]

    def pids(self) -> list[int]:
        """The idle templates' process ids (for tests)."""
        with self.cond:
            return [t.pid for t in self.idle]


_lock = threading.Lock()
_pool: Optional[Pool] = None


def pool() -> Pool:
    global _pool
    p = _pool
    if p is not None:
        return p
    with _lock:
        if _pool is None:
            _pool = Pool()
        return _pool


def _shutdown() -> None:
    global _pool
    with _lock:
        p, _pool = _pool, None
    if p is not None:
        p.close()


def _after_fork_in_child() -> None:
    # A process forked from the host (not by pyverify) must not share the host's templates:
    # it gets its own pool on first use. The inherited sockets are closed in this process
    # only (the parent keeps its ends).
    global _pool, _lock
    _lock = threading.Lock()
    p, _pool = _pool, None
    if p is not None:
        for t in p.idle:
            try:
                t.sock.close()
            except OSError:
                pass


atexit.register(_shutdown)
os.register_at_fork(after_in_child=_after_fork_in_child)
