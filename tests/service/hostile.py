#!/usr/bin/python3
"""hostile.py: hostile clients of `pyverify serve` (issue 20), with a benign client whose
every answer is checked and timed. Loopback only; every loop is bounded in count and time.

  hostile.py slowloris HOST:PORT --conns N --sources A,B,.. --seconds S
      N connections (spread over the source addresses, all in 127.0.0.0/8) that send a
      request head one line a second and never finish it; a closed one is reopened (at
      most 20 N openings). Meanwhile a benign client from 127.0.0.1 opens a new
      connection per request and alternates GET /healthz and POST /v1/run.
  hostile.py deadline HOST:PORT --what head|body --every SEC --expect-cut-within SEC
      One connection that trickles its head (or its body): exit 0 when the server cuts
      it within the given time.
  hostile.py flood HOST:PORT --tokens FILE --seconds S --benign-token T
      One thread per hostile token (one per line of FILE) posting maximum-limit loops
      back to back; the benign client (token T) runs a small program sequentially and
      must get 200 for every request.

Prints a summary line `benign: N requests, F failures, p50 X ms, p99 Y ms[, ...]`.
"""
import argparse
import http.client
import json
import socket
import statistics
import sys
import threading
import time


def parse_addr(a):
    host, port = a.rsplit(":", 1)
    assert host.startswith("127."), "loopback only"
    return host, int(port)


def pct(xs, p):
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]


class Benign:
    """Sequential requests, each on a new connection (it must get in, whoever stalls)."""

    def __init__(self, addr, token=None, run_source="print(6 * 7)\n", healthz=True):
        self.addr, self.token, self.src, self.healthz = addr, token, run_source, healthz
        self.lat, self.extra, self.fail, self.n = [], [], [], 0
        self.stop = threading.Event()

    def one(self, i):
        host, port = self.addr
        c = http.client.HTTPConnection(host, port, timeout=30, source_address=("127.0.0.1", 0))
        hdr = {"Content-Type": "application/json"}
        if self.token:
            hdr["Authorization"] = "Bearer " + self.token
        t0 = time.monotonic()
        try:
            if self.healthz and i % 2 == 0:
                c.request("GET", "/healthz")
                r = c.getresponse()
                body = r.read()
                ok = r.status == 200
                wall = 0.0
            else:
                c.request("POST", "/v1/run", body=json.dumps({"source": self.src}), headers=hdr)
                r = c.getresponse()
                body = r.read()
                d = json.loads(body) if r.status == 200 else {}
                ok = r.status == 200 and d.get("status") == "ok" and d.get("stdout") == "42\n"
                wall = d.get("wall_ms", 0) / 1000.0
            dt = time.monotonic() - t0
            self.lat.append(dt)
            self.extra.append(dt - wall)
            if not ok:
                self.fail.append(f"{r.status} {body[:120]!r}")
        except Exception as e:  # a reset, a refused connection, a timeout
            self.fail.append(repr(e))
        finally:
            c.close()
        self.n += 1

    def run(self, seconds, max_requests=2000, pause=0.02):
        end = time.monotonic() + seconds
        i = 0
        while time.monotonic() < end and i < max_requests and not self.stop.is_set():
            self.one(i)
            i += 1
            time.sleep(pause)

    def summary(self):
        ms = lambda x: f"{x * 1000:.1f}"
        s = (f"benign: {self.n} requests, {len(self.fail)} failures, p50 {ms(pct(self.lat, 50))} ms, "
             f"p99 {ms(pct(self.lat, 99))} ms, p50 beyond its own run {ms(pct(self.extra, 50))} ms")
        for f in self.fail[:5]:
            s += "\n  failure: " + f
        return s


def slowloris(a):
    addr = parse_addr(a.addr)
    sources = a.sources.split(",")
    assert all(s.startswith("127.") for s in sources)
    conns = [None] * a.conns
    opened = 0
    stop = time.monotonic() + a.seconds
    benign = Benign(addr)
    t = threading.Thread(target=benign.run, args=(a.seconds,))
    started = False
    lines = 0
    while time.monotonic() < stop:
        for i in range(a.conns):
            s = conns[i]
            if s is None:
                if opened >= 20 * a.conns:
                    continue
                opened += 1
                try:
                    s = socket.socket()
                    s.setblocking(True)
                    s.settimeout(0.5)
                    s.bind((sources[i % len(sources)], 0))
                    s.connect(addr)
                    s.sendall(b"POST /v1/run HTTP/1.1\r\nHost: x\r\n")
                    s.setblocking(False)
                    conns[i] = s
                except OSError:
                    s.close()
                continue
            try:
                s.send(b"X-a: b\r\n")
                lines += 1
                if s.recv(1, socket.MSG_PEEK) == b"":
                    raise OSError("closed")
            except BlockingIOError:
                pass
            except OSError:
                s.close()
                conns[i] = None
        if not started:  # the benign client starts once the attack is in place
            time.sleep(0.5)
            t.start()
            started = True
        time.sleep(a.every)
    benign.stop.set()
    t.join()
    held = sum(1 for s in conns if s is not None)
    for s in conns:
        if s:
            s.close()
    print(f"slowloris: {a.conns} connections from {len(sources)} address(es), {opened} openings, "
          f"{held} held at the end")
    print(benign.summary())
    return 1 if benign.fail else 0


def deadline(a):
    addr = parse_addr(a.addr)
    s = socket.create_connection(addr, timeout=a.expect_cut_within + 5)
    t0 = time.monotonic()
    if a.what == "body":
        s.sendall(b"POST /v1/run HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  b"Content-Length: 1000\r\n\r\n")
    else:
        s.sendall(b"POST /v1/run HTTP/1.1\r\n")
    s.setblocking(False)
    cut = None
    for _ in range(int((a.expect_cut_within + 3) / a.every) + 1):
        try:
            s.send(b"{" if a.what == "body" else b"X-a: b\r\n")
            if s.recv(4096) == b"":
                cut = time.monotonic() - t0
                break
        except BlockingIOError:
            pass
        except OSError:
            cut = time.monotonic() - t0
            break
        time.sleep(a.every)
    s.close()
    print(f"deadline: {a.what} trickled every {a.every} s; cut after "
          f"{'never' if cut is None else f'{cut:.2f} s'}")
    return 0 if cut is not None and cut <= a.expect_cut_within else 1


def flood(a):
    addr = parse_addr(a.addr)
    tokens = [l.strip() for l in open(a.tokens) if l.strip()]
    stop = threading.Event()
    codes = {}
    lock = threading.Lock()

    def hostile(tok, k):
        body = json.dumps({"source": "while True:\n    pass\n",
                           "limits": {"timeout_s": 3600, "cpu_s": 3600, "memory_mb": 100000}})
        n = 0
        while not stop.is_set() and n < 10000:
            n += 1
            c = http.client.HTTPConnection(addr[0], addr[1], timeout=60,
                                           source_address=(f"127.0.1.{k + 1}", 0))
            try:
                c.request("POST", "/v1/run", body=body,
                          headers={"Content-Type": "application/json",
                                   "Authorization": "Bearer " + tok})
                r = c.getresponse()
                r.read()
                with lock:
                    codes[r.status] = codes.get(r.status, 0) + 1
                if r.status == 429:
                    time.sleep(0.01)
            except Exception:
                with lock:
                    codes["error"] = codes.get("error", 0) + 1
                time.sleep(0.01)
            finally:
                c.close()

    ts = []
    for k, tok in enumerate(tokens):
        for j in range(a.per_client):
            ts.append(threading.Thread(target=hostile, args=(tok, k)))
    for t in ts:
        t.start()
    time.sleep(a.warmup)
    benign = Benign(addr, token=a.benign_token, healthz=False)
    benign.run(a.seconds, pause=0.05)
    stop.set()
    for t in ts:
        t.join()
    print(f"flood: {len(tokens)} hostile clients x {a.per_client} connections; their answers: "
          + ", ".join(f"{k}: {v}" for k, v in sorted(codes.items(), key=str)))
    print(benign.summary())
    bad = bool(benign.fail)
    if a.max_p50_extra_ms is not None and pct(benign.extra, 50) * 1000 > a.max_p50_extra_ms:
        print(f"benign p50 beyond its own run is over {a.max_p50_extra_ms} ms")
        bad = True
    return 1 if bad else 0


def main():
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("slowloris")
    s.add_argument("addr")
    s.add_argument("--conns", type=int, default=256)
    s.add_argument("--sources", default="127.0.0.2")
    s.add_argument("--seconds", type=float, default=6)
    s.add_argument("--every", type=float, default=1.0)
    d = sub.add_parser("deadline")
    d.add_argument("addr")
    d.add_argument("--what", choices=["head", "body"], default="head")
    d.add_argument("--every", type=float, default=0.2)
    d.add_argument("--expect-cut-within", type=float, default=2.0)
    f = sub.add_parser("flood")
    f.add_argument("addr")
    f.add_argument("--tokens", required=True)
    f.add_argument("--benign-token", required=True)
    f.add_argument("--seconds", type=float, default=6)
    f.add_argument("--warmup", type=float, default=1.0)
    f.add_argument("--per-client", type=int, default=2)
    f.add_argument("--max-p50-extra-ms", type=float, default=None)
    a = p.parse_args()
    a.seconds = min(a.seconds, 60) if hasattr(a, "seconds") else None
    return {"slowloris": slowloris, "deadline": deadline, "flood": flood}[a.cmd](a)


if __name__ == "__main__":
    sys.exit(main())
