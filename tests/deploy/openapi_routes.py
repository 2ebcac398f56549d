#!/usr/bin/python3
"""openapi_routes.py: docs/openapi.yaml and the service agree, both ways (issue 21).

  openapi_routes.py SPEC SERVICE_DIR [PYVERIFY]

1. Sources: the routes the front end matches (string literals that are paths: "/v1/...",
   "/healthz", "/metrics", in SERVICE_DIR/*.c) and the status codes it answers (the code
   argument of error(), respond(), fail_reply(), finish(), `http = N`, `? N : M`), against
   the spec's paths and the codes of its responses (404: components.responses.NotFound,
   the answer to any other path).
2. A running server (PYVERIFY given): every documented path and method answers (not 404);
   the other method gets 405 where documented; an unknown path 404; without the token
   401, an invalid JSON body 400, a body over --max-body 413, where documented; and 200.
Each difference is printed as what to add where, e.g.
  docs/openapi.yaml lacks the route /v1/batch (service/batch.c)
"""
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request

import yaml

METHODS = {"get", "post", "put", "delete", "patch", "head", "options"}


def spec_routes(spec):
    routes = {}
    codes = set()
    for path, item in spec.get("paths", {}).items():
        for m, op in item.items():
            if m not in METHODS:
                continue
            rc = {int(c) for c in op.get("responses", {}) if re.fullmatch(r"[1-5]\d\d", str(c))}
            routes.setdefault(path, {})[m.upper()] = rc
            codes |= rc
    if "NotFound" in spec.get("components", {}).get("responses", {}):
        codes.add(404)
    return routes, codes


def source_routes(srcdir):
    routes, codes = {}, {}
    call = re.compile(r"\b(?:error|respond|fail_reply|finish)\s*\(([^;]*?)\)\s*;", re.S)
    for f in sorted(glob.glob(os.path.join(srcdir, "*.c"))):
        text = open(f, encoding="utf-8").read()
        rel = os.path.relpath(f, os.path.dirname(os.path.abspath(srcdir)))
        for lit in re.findall(r'"(/v1/[A-Za-z0-9_/{}.-]*|/healthz|/metrics)"', text):
            routes.setdefault(lit, rel)
        found = set()
        for args in call.findall(text):
            found |= {int(x) for x in re.findall(r"(?<![\w.])([1-5]\d\d)(?![\w.])", args)}
        found |= {int(x) for x in re.findall(r"\bhttp\s*=\s*([1-5]\d\d)\b", text)}
        for a, b in re.findall(r"\?\s*([1-5]\d\d)\s*:\s*([1-5]\d\d)\b", text):
            found |= {int(a), int(b)}
        for c in found:
            codes.setdefault(c, rel)
    return routes, codes


def path_matches(lit, path):
    """A source literal matches a spec path; "/v1/sessions/" matches "/v1/sessions/{id}"."""
    if lit == path:
        return True
    rx = re.sub(r"\\{[^}]*\\}", "[^/]+", re.escape(path))
    return bool(re.fullmatch(rx, lit)) or (lit.endswith("/") and path.startswith(lit))


def compare(spec_file, srcdir):
    spec = yaml.safe_load(open(spec_file, encoding="utf-8"))
    sroutes, scodes = spec_routes(spec)
    croutes, ccodes = source_routes(srcdir)
    errs = []
    for lit, where in sorted(croutes.items()):
        if not any(path_matches(lit, p) for p in sroutes):
            errs.append(f"{spec_file} lacks the route {lit} ({where})")
    for p in sorted(sroutes):
        if not any(path_matches(lit, p) for lit in croutes):
            errs.append(f"{spec_file} has the route {p}, which the service does not match")
    for c, where in sorted(ccodes.items()):
        if c not in scodes:
            errs.append(f"{spec_file} lacks the status code {c} ({where} answers it)")
    for c in sorted(scodes - set(ccodes)):
        errs.append(f"{spec_file} documents the status code {c}, which the service never answers")
    return spec, sroutes, errs


def probe(pv, sroutes):
    errs = []
    tmp = tempfile.mkdtemp(prefix="pv-openapi-")
    token = "t" * 32
    tf = os.path.join(tmp, "token")
    with open(tf, "w") as f:
        f.write(token + "\n")
    os.chmod(tf, 0o600)
    ready = os.path.join(tmp, "ready")
    proc = subprocess.Popen([pv, "serve", "--listen", "127.0.0.1:0", "--workers", "3", "--max-sessions", "2",
                             "--max-body", "4096", "--token-file", tf, "--ready-file", ready],
                            stderr=subprocess.DEVNULL)
    try:
        for _ in range(600):
            if os.path.exists(ready) and os.path.getsize(ready) or proc.poll() is not None:
                break
            time.sleep(0.05)
        addr = open(ready).read().strip()

        def req(method, path, body=None, auth=True):
            r = urllib.request.Request(f"http://{addr}{path}", data=body, method=method)
            if auth:
                r.add_header("Authorization", "Bearer " + token)
            if body is not None:
                r.add_header("Content-Type", "application/json")
            try:
                with urllib.request.urlopen(r, timeout=60) as resp:
                    return resp.status
            except urllib.error.HTTPError as e:
                return e.code

        good = json.dumps({"source": "x = 1\n"}).encode()
        batch_body = json.dumps({"items": [{"source": "1 + 1"}]}).encode()
        for path, ops in sroutes.items():
            if "{" in path:
                continue  # templated paths: covered by the source comparison only
            for m, codes in ops.items():
                body = (batch_body if path == "/v1/batch" else b"{}" if path == "/v1/sessions"
                        else good) if m == "POST" else None
                ok = min(c for c in codes if 200 <= c < 300)  # 201 for POST /v1/sessions
                got = req(m, path, body)
                for _ in range(100):  # a worker replaced after a 400 makes /healthz 503 briefly
                    if got != 503 or path != "/healthz":
                        break
                    time.sleep(0.05)
                    got = req(m, path, body)
                if got not in codes or got == 404:
                    errs.append(f"{m} {path}: answered {got}, documented {sorted(codes)}")
                elif got != ok:
                    errs.append(f"{m} {path}: answered {got}, expected {ok}")
                other = "GET" if m == "POST" else "POST"
                if 405 in codes and other not in ops:
                    got = req(other, path, b"{}" if other == "POST" else None)
                    if got != 405:
                        errs.append(f"{other} {path}: answered {got}, expected 405")
                if 401 in codes and req(m, path, body, auth=False) != 401:
                    errs.append(f"{m} {path} without the token: not 401")
                if 401 not in codes and req(m, path, body, auth=False) == 401:
                    errs.append(f"{m} {path} without the token: 401, which the spec does not list")
                if m == "POST" and 400 in codes and req(m, path, b"{not json") != 400:
                    errs.append(f"{m} {path} with a body that is not JSON: not 400")
                if m == "POST" and 413 in codes and req(m, path, b"x" * 5000) != 413:
                    errs.append(f"{m} {path} with a body over --max-body: not 413")
        if req("GET", "/no/such/path") != 404:
            errs.append("GET /no/such/path: not 404")
    finally:
        proc.terminate()
        proc.wait(timeout=60)
        for f in os.listdir(tmp):
            os.unlink(os.path.join(tmp, f))
        os.rmdir(tmp)
    return errs


def main():
    if len(sys.argv) not in (3, 4):
        print(__doc__, file=sys.stderr)
        return 2
    _, sroutes, errs = compare(sys.argv[1], sys.argv[2])
    if len(sys.argv) == 4:
        errs += probe(sys.argv[3], sroutes)
    for e in errs:
        print("MISMATCH: " + e)
    n = sum(len(v) for v in sroutes.values())
    print(f"openapi_routes: {n} operations, {len(errs)} mismatch(es)")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
