#!/usr/bin/python3
"""check_dockerfile.py: a static check of a Dockerfile where no daemon can build it (CI has
none; hadolint is not in Debian). Parses the instructions (line continuations, comments,
parser directives), and checks: every instruction is a known one; the first is FROM (ARG
aside); every COPY --from names an earlier stage; exec-form (JSON array) arguments are
valid JSON arrays of strings; the final stage sets a USER that is not root; every file the
build stage COPYs from the context exists. Exit 0, or 1 with the problems.

  check_dockerfile.py DOCKERFILE CONTEXT
"""
import json
import os
import re
import sys

KNOWN = {"FROM", "RUN", "CMD", "LABEL", "EXPOSE", "ENV", "ADD", "COPY", "ENTRYPOINT", "VOLUME",
         "USER", "WORKDIR", "ARG", "ONBUILD", "STOPSIGNAL", "HEALTHCHECK", "SHELL", "MAINTAINER"}


def instructions(text):
    out, cur, start = [], "", 0
    for n, line in enumerate(text.splitlines(), 1):
        s = line.strip()
        if not cur and (not s or s.startswith("#")):
            continue
        if cur and s.startswith("#"):
            continue  # comment lines inside a continuation are dropped
        if not cur:
            start = n
        if s.endswith("\\"):
            cur += s[:-1] + " "
            continue
        cur += s
        word, _, rest = cur.partition(" ")
        out.append((start, word.upper(), rest.strip()))
        cur = ""
    if cur:
        out.append((start, "<unterminated>", cur))
    return out


def main():
    path, ctx = sys.argv[1], sys.argv[2]
    errs, stages, user = [], [], None
    ins = instructions(open(path, encoding="utf-8").read())
    first = next((i for i in ins if i[1] != "ARG"), None)
    if not first or first[1] != "FROM":
        errs.append("the first instruction (after ARG) must be FROM")
    for n, word, rest in ins:
        where = f"{path}:{n}"
        if word not in KNOWN:
            errs.append(f"{where}: unknown instruction {word}")
            continue
        if word == "FROM":
            m = re.fullmatch(r"(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?", rest, re.I)
            if not m:
                errs.append(f"{where}: FROM image [AS name]")
                continue
            stages.append(m.group(2) or str(len(stages)))
            user = None
        if word == "USER":
            user = rest.split(":")[0]
        if word in ("CMD", "ENTRYPOINT", "RUN", "SHELL") and rest.startswith("["):
            try:
                v = json.loads(rest)
                if not isinstance(v, list) or not all(isinstance(x, str) for x in v):
                    raise ValueError
            except ValueError:
                errs.append(f"{where}: {word}: the exec form must be a JSON array of strings")
        if word in ("COPY", "ADD"):
            args = rest.split()
            frm = [a.split("=", 1)[1] for a in args if a.startswith("--from=")]
            srcs = [a for a in args if not a.startswith("--")][:-1]
            if frm and frm[0] not in stages[:-1]:
                errs.append(f"{where}: COPY --from={frm[0]}: no earlier stage has that name")
            if not frm:
                for s in srcs:
                    if "*" not in s and not os.path.exists(os.path.join(ctx, s)):
                        errs.append(f"{where}: COPY {s}: not in the build context {ctx}")
    if user in (None, "root", "0"):
        errs.append(f"{path}: the final stage runs as root (USER {user})")
    for e in errs:
        print(e, file=sys.stderr)
    if not errs:
        print(f"ok: {path}: {len(ins)} instructions, stages {stages}, final USER {user}")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
