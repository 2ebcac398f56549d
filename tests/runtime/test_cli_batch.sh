#!/bin/bash
# `pyverify run --batch FILE.jsonl` (issue 19): one result per line, a malformed line is the
# item's "invalid" status, a failing or over-CPU item leaves the others running, the exit
# statuses, and the item-count limit.
#   test_cli_batch.sh PYVERIFY
set -u
PV=${1:?usage: test_cli_batch.sh PYVERIFY}
T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
fails=0
pass() { echo "ok: $*"; }
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }
field() { /usr/bin/python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    print(d["index"], d["status"], json.dumps(d.get("value")), (d.get("exception") or {}).get("type"))' "$1"; }

cat >"$T/mixed.jsonl" <<'J'
{"source": "a + b", "input": {"a": 1, "b": 2}}
{"source": "a / b", "input": {"a": 1, "b": 0}}
this is not json
{"source": "sum(range(10 ** 10))"}
{"src": "1"}

{"source": "open('/etc/passwd')"}
{"source": "[x] * 2", "input": {"x": "y"}}
J
"$PV" run --batch --item-cpu 0.05 "$T/mixed.jsonl" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 1 ] && pass "mixed batch: exit 1" || fail "mixed batch: exit $rc (want 1): $(cat "$T/err")"
field "$T/out" >"$T/got"
cat >"$T/want" <<'W'
0 ok 3 None
1 error null ZeroDivisionError
2 invalid null None
3 cpu null None
4 invalid null None
5 rejected null None
6 ok ["y", "y"] None
W
if cmp -s "$T/got" "$T/want"; then pass "mixed batch: one result per line, in order"
else fail "mixed batch results differ:"; diff "$T/got" "$T/want" >&2; fi
grep -q '"line":7' "$T/out" && pass "blank line skipped, lines numbered" || fail "line numbers"

printf '{"source": "x * 2", "input": {"x": %d}}\n' 1 2 3 >"$T/ok.jsonl"
"$PV" run --batch "$T/ok.jsonl" >"$T/out" 2>/dev/null
rc=$?
[ "$rc" = 0 ] && [ "$(grep -c '"status":"ok"' "$T/out")" = 3 ] && pass "all ok: exit 0" \
    || fail "all ok: exit $rc"

# over the item limit: refused before anything runs
/usr/bin/python3 -c 'import sys
sys.stdout.write("{\"source\": \"1\"}\n" * 100001)' >"$T/big.jsonl"
"$PV" run --batch "$T/big.jsonl" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 2 ] && [ ! -s "$T/out" ] && grep -q "more than 100000 items" "$T/err" \
    && pass "over the item limit: exit 2, nothing run" || fail "item limit: exit $rc"

"$PV" run --batch --json "$T/ok.jsonl" >/dev/null 2>&1
[ $? = 2 ] && pass "--batch --json: usage error" || fail "--batch --json accepted"
"$PV" run --item-cpu 1 "$T/ok.jsonl" >/dev/null 2>&1
[ $? = 2 ] && pass "--item-cpu without --batch: usage error" || fail "--item-cpu alone accepted"

echo "$fails failed"
[ "$fails" = 0 ]
