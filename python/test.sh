#!/usr/bin/env bash
# python/test.sh [PYVERIFY_CLI]: the Python package's test, as CI runs it (.ci/test).
# Installs the package as a user would (python/README.md: a venv with the system's site
# packages, pip install --no-build-isolation, offline) for Debian's /usr/bin/python3 and runs
# the pytest suite with it; then, when `python3` on PATH is another CPython 3.11 (pyenv's),
# installs it there too and runs the examples with it. PYVERIFY_CLI (default build/pyverify)
# is the command the corpus and service tests compare with.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$HERE")
CLI=$(realpath "${1:-$ROOT/build/pyverify}")
WORK=${PV_PY_WORK:-$ROOT/build/python-test}
rm -rf "$WORK"
mkdir -p "$WORK"

install() { # install NAME PYTHON: a venv at $WORK/NAME with the package installed
    "$2" -m venv --system-site-packages "$WORK/$1"
    "$WORK/$1/bin/pip" install -q --no-build-isolation --no-index "$HERE"
}

install debian /usr/bin/python3
# the tests import the installed package (run from outside the source tree)
(cd "$WORK" && PYVERIFY_CLI=$CLI "$WORK/debian/bin/python" -m pytest -q -p no:cacheprovider \
    --rootdir "$HERE" "$HERE/tests")

other=$(command -v python3 || true)
if [ -n "$other" ] && [ "$(realpath "$other")" != "$(realpath /usr/bin/python3)" ] &&
   "$other" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
    echo "== python/: another CPython 3.11 ($other, $("$other" -c 'import sys; print(sys.version.split()[0])'))"
    install other "$other"
    for ex in formula grader plugin; do
        (cd "$WORK" && "$WORK/other/bin/python" "$HERE/examples/$ex.py") | cmp - "$HERE/examples/$ex.out"
    done
    echo "examples: same output"
fi
