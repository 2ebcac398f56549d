# lib.sh: shared helpers of the CLI integration tests (sourced by test_*.sh, not a test).
# Usage in a test: source "$(dirname "$0")/lib.sh" "$@"
#   $1 = the pyverify binary, $2 = the source directory.
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 PYVERIFY_BINARY SOURCE_DIR" >&2
    exit 2
fi
PV=$(realpath -- "$1")
SRC=$(realpath -- "$2")
PY=/usr/bin/python3.11
[ -x "$PY" ] || PY=python3
FAILS=0
T=$(mktemp -d "${TMPDIR:-/tmp}/pv-cli-test.XXXXXX")
trap 'rm -rf "$T"' EXIT
# The whole script is bounded by ctest's TIMEOUT; each call is bounded too.
pv() { timeout 120 "$PV" "$@"; }

fail() {
    echo "FAIL: $*" >&2
    FAILS=$((FAILS + 1))
}
pass() { echo "ok: $*"; }

# expect_status WANT DESCRIPTION -- command...
# Runs the command with stdout to $T/out and stderr to $T/err and checks its exit status.
expect_status() {
    local want=$1 what=$2
    shift 3
    "$@" >"$T/out" 2>"$T/err"
    local got=$?
    if [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"
        sed 's/^/    stdout: /' "$T/out" | head -20 >&2
        sed 's/^/    stderr: /' "$T/err" | head -20 >&2
        return 1
    fi
    pass "$what (exit $got)"
    return 0
}

# expect_grep FILE PATTERN DESCRIPTION: a fixed-string match in FILE.
expect_grep() {
    if grep -qF -- "$2" "$1"; then
        pass "$3"
    else
        fail "$3: '$2' not found in:"
        sed 's/^/    | /' "$1" | head -30 >&2
    fi
}

expect_no_grep() {
    if grep -qF -- "$2" "$1"; then
        fail "$3: '$2' unexpectedly found in:"
        sed 's/^/    | /' "$1" | head -30 >&2
    else
        pass "$3"
    fi
}

finish() {
    if [ "$FAILS" -ne 0 ]; then
        echo "$FAILS check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}
