"""The same verdicts and diagnostics as the `pyverify` command on the whole corpus, and the
benign programs' exact output through run()."""
import glob
import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pyverify


def _corpus_files(root):
    files = []
    for d in ("benign", "escapes", "runtime", "contain", "host"):
        files += sorted(glob.glob(os.path.join(root, "corpus", d, "*.py")))
    return files


def test_same_verdicts_as_the_cli(root, cli):
    files = _corpus_files(root)
    assert len(files) > 400
    p = subprocess.run([cli, "--format", "json", *files], capture_output=True, timeout=600,
                       cwd=root)
    doc = json.loads(p.stdout)
    by_path = {os.path.join(root, f["path"]) if not os.path.isabs(f["path"]) else f["path"]: f
               for f in doc["files"]}
    assert len(by_path) == len(files)
    mismatches = []
    for path in files:
        with open(path, "rb") as fh:
            src = fh.read()
        rep = pyverify.check(src, filename=path)
        want = by_path[path]
        got = (rep.verdict, [(d.code, d.layer, d.line, d.col, d.end_line, d.end_col, d.message)
                             for d in rep.diagnostics])
        exp = (want["verdict"], [(d["code"], d["layer"], d["line"], d["col"], d["end_line"],
                                  d["end_col"], d["message"]) for d in want["diagnostics"]])
        if got != exp:
            mismatches.append((os.path.relpath(path, root), got, exp))
    assert mismatches == []


def test_benign_outputs(root):
    files = sorted(glob.glob(os.path.join(root, "corpus", "benign", "*.py")))
    assert len(files) > 50

    def one(path):
        with open(path, "rb") as fh:
            src = fh.read()
        with open(path[:-3] + ".out", "rb") as fh:
            want = fh.read().decode("utf-8")
        r = pyverify.run(src, filename=path, timeout=10, cpu=5)
        return os.path.basename(path), (r.status, r.stdout, r.stderr), ("ok", want, "")

    with ThreadPoolExecutor(4) as ex:
        results = list(ex.map(one, files))
    assert [(n, got) for n, got, want in results if got != want] == []
