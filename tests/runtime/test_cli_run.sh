#!/usr/bin/env bash
# test_cli_run.sh PYVERIFY SRCDIR: `pyverify run` end to end: exit codes, the one-line
# status, the --json contract (exact field set), every status, and --unsafe-no-verify
# attacks contained by the runtime layers. JSON is checked with python3.
set -u
PV=$1
T=$(mktemp -d /tmp/pv-cli-run.XXXXXX)
trap 'rm -rf "$T"' EXIT
fails=0
command -v python3 >/dev/null || { echo "FAIL: python3 is required"; exit 1; }

fail() { echo "FAIL: $*"; fails=$((fails + 1)); }

# run NAME EXPECTED_EXIT ARGS...: runs pyverify run, keeps stdout/stderr in $T/NAME.{out,err}
run() {
    local name=$1 want=$2
    shift 2
    "$PV" run "$@" >"$T/$name.out" 2>"$T/$name.err"
    local got=$?
    [ "$got" = "$want" ] || fail "$name: exit $got, expected $want ($(head -c 300 "$T/$name.err"))"
}

# jcheck NAME PY_EXPR: the --json output of NAME (exactly one JSON object on one line), as
# `d`, satisfies the Python expression; kill(d) is the first PV601 message.
jcheck() {
    python3 - "$T/$1.out" "$2" <<'PY' || fail "$1: '$2' is not true: $(head -c 400 "$T/$1.out")"
import json, re, sys
lines = open(sys.argv[1], encoding="utf-8").read().splitlines()
assert len(lines) == 1, "expected one line of JSON"
d = json.loads(lines[0])
def kill(d):
    return [x["message"] for x in d["diagnostics"] if x["code"] == "PV601"][0]
sys.exit(0 if eval(sys.argv[2]) else 1)
PY
}

cat >"$T/time.toml" <<'EOF'
[imports]
extend-allow = ["time"]
EOF
cat >"$T/sys.toml" <<'EOF'
[imports]
extend-allow = ["sys"]
[attributes]
extend-allow = ["read"]
EOF
printf 'import math\nprint("hi", math.isqrt(49))\n' >"$T/ok.py"
printf 'import os\nos.system("id")\n' >"$T/rejected.py"
printf 'x = 1\ny = x // 0\n' >"$T/zero.py"
printf 'while True:\n    pass\n' >"$T/cpu.py"
printf 'import time\nprint("before", flush=True)\ntime.sleep(10)\n' >"$T/sleep.py"
printf 'x = [0] * (10 ** 9)\n' >"$T/mem.py"
printf 'while True:\n    print("x" * 1000)\n' >"$T/flood.py"
printf 'def f(n):\n    return f(n + 1)\nf(0)\n' >"$T/rec.py"
printf 'g = (x for x in [0])\nfor i in range(100000):\n    g = (x for x in g)\nfor x in g:\n    pass\n' >"$T/gen.py"
printf 'import sys\nprint(sys.stdin.read().upper())\n' >"$T/stdin.py"
printf 'x * 2 + len(items)' >"$T/expr.py"
printf 'hello\n' >"$T/stdin.txt"

# ---- ok, text mode: output passed through, one status line on stderr
run ok 0 "$T/ok.py"
grep -qx 'hi 7' "$T/ok.out" || fail "ok: stdout"
grep -q '^pyverify run: status=ok exit_code=0 ' "$T/ok.err" || fail "ok: status line"

# ---- ok, --json: exactly the contract's fields
run ok_json 0 --json "$T/ok.py"
jcheck ok_json 'list(d) == ["status","exit_code","signal","stdout","stderr","stdout_truncated","stderr_truncated","cpu_ms","wall_ms","max_rss_kb","exception","result","diagnostics","layers"]'
jcheck ok_json 'd["status"] == "ok" and d["exit_code"] == 0 and d["stdout"] == "hi 7\n" and d["exception"] is None and d["result"] is None'
jcheck ok_json 'set(["ast", "bytecode", "rlimits", "watchdog", "python:audit"]) <= set(d["layers"])'
jcheck ok_json 'd["wall_ms"] >= 0 and d["cpu_ms"] >= 0 and d["max_rss_kb"] > 0'
[ "$(wc -l <"$T/ok_json.out")" = 1 ] || fail "ok_json: more than one line on stdout"

# ---- rejected: exit 1, nothing ran
run rejected 1 "$T/rejected.py"
grep -q 'status=rejected' "$T/rejected.err" || fail "rejected: status line"
run rejected_json 1 --json "$T/rejected.py"
jcheck rejected_json 'd["status"] == "rejected" and len(d["diagnostics"]) > 0 and d["diagnostics"][0]["code"] and d["diagnostics"][0]["layer"] and d["exit_code"] is None'

# ---- usage and input errors: exit 2
run usage_nofile 2
run usage_badopt 2 --bogus "$T/ok.py"
run usage_timeout 2 --timeout abc "$T/ok.py"
run usage_timeout_neg 2 --timeout -1 "$T/ok.py"
run usage_memory 2 --memory 12x "$T/ok.py"
run usage_mode 2 --mode statement "$T/ok.py"
run usage_missing 2 "$T/does-not-exist.py"
run input_array 2 --input '[1, 2]' "$T/ok.py"
run input_badjson 2 --input '{x' "$T/ok.py"
run input_dunder 2 --input '{"__builtins__": 1}' "$T/ok.py"
run usage_stdin_twice 2 --stdin - -

# ---- error: uncaught exception, with its line
run zero 3 --json "$T/zero.py"
jcheck zero 'd["status"] == "error" and d["exit_code"] == 1 and d["exception"]["type"] == "ZeroDivisionError" and d["exception"]["line"] == 2 and len(d["exception"]["message"]) > 0'
jcheck zero 'd["stderr"].startswith("Traceback (most recent call last):\n") and d["stderr"].endswith("ZeroDivisionError: integer division or modulo by zero\n")'
run zero_text 3 "$T/zero.py"
grep -q 'status=error .*exception=ZeroDivisionError' "$T/zero_text.err" || fail "zero_text: status line"

# ---- expression mode, --input globals, result
run expr 0 --json --mode expr --input '{"x": 20, "items": [1, 2]}' "$T/expr.py"
jcheck expr 'd["status"] == "ok" and d["result"] == 42'
run expr_text 0 --mode expr --input '{"x": 20, "items": []}' "$T/expr.py"
grep -qx '40' "$T/expr_text.out" || fail "expr_text: result on stdout"

# ---- --stdin
run stdin 0 --json --rules "$T/sys.toml" --stdin "$T/stdin.txt" "$T/stdin.py"
jcheck stdin 'd["stdout"] == "HELLO\n\n"'
run stdin_null 0 --json --rules "$T/sys.toml" "$T/stdin.py"
jcheck stdin_null 'd["stdout"] == "\n"'
# input() under the default policy reads the --stdin file line by line; without --stdin,
# EOFError (its stdin is /dev/null)
printf 'name = input("name? ")\nn = int(input())\nprint("hello", name, n * 2)\n' >"$T/input.py"
printf 'bob\n21\n' >"$T/input.txt"
run input 0 --json --stdin "$T/input.txt" "$T/input.py"
jcheck input 'd["status"] == "ok" and d["stdout"] == "name? hello bob 42\n"'
run input_text 0 --stdin "$T/input.txt" "$T/input.py"
[ "$(cat "$T/input_text.out")" = "name? hello bob 42" ] || fail "input_text: $(cat "$T/input_text.out")"
run input_eof 3 --json "$T/input.py"
jcheck input_eof 'd["status"] == "error" and d["exception"]["type"] == "EOFError"'

# ---- limits
run cpu 3 --json --cpu 0.5 --timeout 10 "$T/cpu.py"
jcheck cpu 'd["status"] == "cpu" and d["cpu_ms"] >= 400'
run timeout 3 --json --rules "$T/time.toml" --timeout 0.5 "$T/sleep.py"
jcheck timeout 'd["status"] == "timeout" and 450 <= d["wall_ms"] < 3000 and d["stdout"] == "before\n"'
run memory 3 --json "$T/mem.py"
jcheck memory 'd["status"] == "memory" and d["exception"]["type"] == "MemoryError"'
run memory_small 0 --json --memory 64 --mode expr "$T/expr.py" --input '{"x": 1, "items": [1]}'
jcheck memory_small 'd["status"] == "ok" and d["result"] == 3'
run flood 3 --json --output 8 "$T/flood.py"
jcheck flood 'd["status"] == "output" and d["stdout_truncated"] is True and len(d["stdout"]) == 8192'
run recursion 3 --json "$T/rec.py"
jcheck recursion 'd["status"] == "error" and d["exception"]["type"] == "RecursionError" and "more times]" in d["stderr"] and len(d["stderr"]) < 2000'
run crash 3 --json --cpu 5 --timeout 10 "$T/gen.py"
jcheck crash 'd["status"] == "crashed" and d["signal"] == 11'

# ---- --unsafe-no-verify: loud, no static layers, attacks contained by the runtime
run unsafe_ok 0 --json --unsafe-no-verify "$T/ok.py"
grep -q 'WARNING: --unsafe-no-verify' "$T/unsafe_ok.err" || fail "unsafe_ok: no warning"
jcheck unsafe_ok '"ast" not in d["layers"] and "seccomp" in d["layers"] and "PV602" in [x["code"] for x in d["diagnostics"]]'
attack() { # attack NAME STATUS PROGRAM
    printf '%s\n' "$3" >"$T/$1.py"
    run "$1" "$( [ "$2" = ok ] && echo 0 || echo 3 )" --json --unsafe-no-verify "$T/$1.py"
    jcheck "$1" "d['status'] == '$2'"
}
# the program escapes the Python layer's namespace by an object-graph walk (no verifier to
# stop it) and reaches the real os module's globals; the audit hook and seccomp remain
G="def os_globals():
    for c in ().__class__.__base__.__subclasses__():
        if c.__name__ == '_wrap_close':
            return c.__init__.__globals__
G = os_globals()"
attack read_file killed "$G
print(G['__builtins__']['open']('/etc/hostname').read())"
jcheck read_file 'kill(d).startswith("audit: open")'
attack read_file_plain error "print(open('/etc/hostname').read())"
attack write_file killed "$G
G['__builtins__']['open']('pwned.txt', 'w').write('x')"
attack run_command killed "$G
G['system']('touch /tmp/pyverify-cli-pwned')"
attack socket killed "$G
s = G['__builtins__']['__import__']('socket').socket()"
jcheck socket 'kill(d).startswith("audit: import: socket")'
attack fork killed "$G
G['fork']()"
jcheck fork 'kill(d).startswith("audit: os.fork")'
attack kill_parent killed "$G
G['kill'](G['getppid'](), 9)"
jcheck kill_parent 're.match("audit: os.kill|seccomp", kill(d))'
attack environment ok "$G
print(dict(G['environ']))"
jcheck environment 'd["stdout"] == "{}\n"'
attack builtins_self error "print.__self__.open('/etc/hostname')"
attack frame killed "g = (x for x in [1])
print(g.gi_frame.f_back)"
jcheck frame 'kill(d).startswith("audit: object.__getattr__")'
attack import_os error "import os"
[ -e /tmp/pyverify-cli-pwned ] && fail "a command ran"

# a host with an empty environment (env -i; the Python package's template process): the
# environment step has nothing to wipe on the stack, which is not a failure to report
printf 'print(1)\n' >"$T/empty_env.py"
env -i "$PV" run --json "$T/empty_env.py" >"$T/empty_env.out" 2>"$T/empty_env.err"
jcheck empty_env 'd["status"] == "ok" and not [x for x in d["diagnostics"] if x["code"] == "PV600" and x["message"].startswith("environment")]'

if [ "$fails" -ne 0 ]; then
    echo "$fails failure(s)"
    exit 1
fi
echo "all pyverify run CLI checks passed"
