#!/bin/bash
# Memory errors (not leaks: CPython keeps memory until exit by design) under valgrind, on
# an accepted, a rejected, an invalid and a deeply nested file, in text and JSON. Skipped
# when valgrind is not installed or the binary is built with ASan (the two do not mix).
source "$(dirname "$0")/lib.sh" "$@"

if ! command -v valgrind >/dev/null 2>&1; then
    echo "skip: valgrind is not installed"
    exit 0
fi
if nm -a "$PV" 2>/dev/null | grep -q '__asan_init'; then
    echo "skip: sanitizer build"
    exit 0
fi
cd "$T" || exit 1
printf 'import json\nclass A:\n    def __init__(self):\n        super().__init__()\nprint(json.dumps([A() is None, f"{1:>3}"]))\n' >ok.py
printf '().__class__.__bases__[0].__subclasses__()\nimport os\n' >bad.py
printf "x = '\xc3\xa9'\0\n" >nul.py
"$PY" -c 'print("x = " + "-" * 300 + "1")' >deep.py

vg() {
    timeout 100 valgrind -q --error-exitcode=99 --leak-check=no --track-origins=no \
        --suppressions=/dev/null "$PV" "$@" >out 2>err
}
check() {
    local want=$1 what=$2
    shift 2
    vg "$@"
    local got=$?
    if [ "$got" -eq 99 ]; then
        fail "$what: valgrind reported memory errors"; grep -v '^pyverify' err | head -40 >&2
    elif [ "$got" -ne "$want" ]; then
        fail "$what: exit $got, expected $want"; head -20 err >&2
    else
        pass "$what under valgrind (exit $got)"
    fi
}
check 0 "accepted file" ok.py
check 1 "rejected file" bad.py
check 2 "several files, json" --format json ok.py bad.py nul.py deep.py
finish
