#!/bin/bash
# POST /v1/batch (issue 19): one child per batch, a result per item in order, a failing and
# an over-CPU item in the middle, a malformed item, limits, unknown fields, and the
# clean-worker rule (a batch goes only to a worker that has held no request).
#   test_batch.sh PYVERIFY SRCDIR LOADTEST
. "$(dirname "$0")/lib.sh"
start_server b --workers 1 --max-body 8000000 || exit 1
post() { curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data "$2" "http://$ADDR$1"; }

code=$(post /v1/batch '{"items":[{"source":"a*2","input":{"a":21}},{"source":"1/0"},
  {"nope":1},{"source":"sum(range(10**10))"},{"source":"open"},{"source":"[x]*2","input":{"x":"y"}}],
  "item_cpu_s":0.05,"limits":{"cpu_s":2,"timeout_s":5}}')
got=$(/usr/bin/python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))
print(d["status"], " ".join(r["status"] for r in d["results"]), json.dumps(d["results"][0]["value"]),
      d["results"][1]["exception"]["type"], json.dumps(d["results"][5]["value"]))' "$T/body" 2>&1)
want='partial ok error invalid cpu rejected ok 42 ZeroDivisionError ["y", "y"]'
[ "$code" = 200 ] && [ "$got" = "$want" ] && pass "batch: one result per item, in order" \
    || fail "batch: HTTP $code, got '$got' (want '$want'): $(head -c 400 "$T/body")"

code=$(post /v1/batch '{"items":[{"source":"1"}],"bogus":1}')
[ "$code" = 400 ] && grep -q 'unknown field' "$T/body" && pass "unknown field: 400" \
    || fail "unknown field: HTTP $code"
code=$(post /v1/batch '{"items":{"source":"1"}}')
[ "$code" = 400 ] && pass "items not an array: 400" || fail "items not an array: HTTP $code"
/usr/bin/python3 -c 'import json
print(json.dumps({"items": [{"source": "1"}] * 100001}))' >"$T/big.json"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Content-Type: application/json' --data-binary @"$T/big.json" "http://$ADDR/v1/batch")
[ "$code" = 413 ] && grep -q "more than 100000 items" "$T/body" && pass "over the item limit: 413" || fail "over the item limit: HTTP $code"

# a worker that verified something first holds that request: the dispatcher does not give
# it a batch but retires it, and the batch runs in the fresh worker the zygote forks
post /v1/verify '{"source":"1"}' >/dev/null
code=$(post /v1/batch '{"items":[{"source":"2"}]}')
[ "$code" = 200 ] && grep -q '"status":"ok"' "$T/body" \
    && pass "batch after a verify on a one-worker server: 200 (a fresh worker ran it)" \
    || fail "batch after a verify: HTTP $code: $(head -c 300 "$T/body")"
code=$(post /v1/batch '{"items":[{"source":"2"}]}')
[ "$code" = 200 ] && grep -q '"status":"ok"' "$T/body" && pass "batch in a fresh worker: 200" \
    || fail "batch in a fresh worker: HTTP $code"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://$ADDR/v1/batch")
[ "$code" = 405 ] && pass "GET /v1/batch: 405" || fail "GET /v1/batch: HTTP $code"
stop_server "$PID"
echo "$FAILS failed"
[ "$FAILS" = 0 ]
