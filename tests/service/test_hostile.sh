#!/usr/bin/env bash
# test_hostile.sh: `pyverify serve` under hostile clients (issue 20), on the loopback only;
# every attack is bounded in connections and seconds (tests/service/hostile.py).
source "$(dirname "$0")/lib.sh" "$@"
H=(/usr/bin/python3 "$SRC/tests/service/hostile.py")

# --- connections: slowloris, deadlines, the reserve ------------------------------------
start_server conn --workers 2 --max-connections 128 --max-per-address 32 \
    --head-timeout 2 --body-timeout 2 --access-log "$T/conn.access" || exit 1
check "slowloris, 256 connections from one address: a benign client gets every answer" -- \
    "${H[@]}" slowloris "$ADDR" --conns 256 --sources 127.0.0.2 --seconds 4
check "slowloris, 256 connections from 8 addresses (past the reserve): every answer" -- \
    "${H[@]}" slowloris "$ADDR" --conns 256 --sources 127.0.0.2,127.0.0.3,127.0.0.4,127.0.0.5,127.0.0.6,127.0.0.7,127.0.0.8,127.0.0.9 --seconds 4
check "a head trickled a line every 0.3 s is cut at --head-timeout" -- \
    "${H[@]}" deadline "$ADDR" --what head --every 0.3 --expect-cut-within 3
check "a body trickled a byte every 0.3 s is cut at --body-timeout" -- \
    "${H[@]}" deadline "$ADDR" --what body --every 0.3 --expect-cut-within 3
http GET /metrics
check "metrics: connections cut by the reserve and by both deadlines are counted" -- \
    test "$(awk '/^pyverify_connections_cut_total/ {print ($2 > 0)}' "$T/body" | sort -u)" = 1
check "metrics: the library's messages are counted" -- \
    grep -q '^pyverify_http_library_messages_total [1-9]' "$T/body"
# the log does not grow with the attack: libmicrohttpd's messages are one line a minute
check "the log has a few lines, not one per refused connection ($(wc -l <"$T/conn.log"))" -- \
    test "$(wc -l <"$T/conn.log")" -lt 10
stop_server "$PID"

# --- clients: fair sharing, quotas ------------------------------------------------------
# 8 hostile clients (distinct tokens, two connections each) post maximum-limit loops back
# to back; the benign client runs a small program, one request at a time
{
    echo '[defaults]'; echo 'concurrent = 2'; echo 'queue = 4'
    for i in 1 2 3 4 5 6 7 8; do
        echo "[clients.hostile$i]"; echo "token = \"hostile-token-000000000$i\""
        echo "hostile-token-000000000$i" >>"$T/hostile.tokens"
    done
    echo '[clients.benign]'; echo 'token = "benign-token-0000000000"'
} >"$T/clients.toml"
chmod 600 "$T/clients.toml"
start_server fair --workers 4 --max-timeout 1 --max-cpu 0.5 --clients "$T/clients.toml" || exit 1
# the issue's bound is 100 ms; an AddressSanitizer build runs every worker several times slower
extra=100
if ldd "$PV" 2>/dev/null | grep -q libasan; then extra=400; echo "AddressSanitizer build: bound $extra ms"; fi
check "8 hostile clients saturate the workers: the benign client gets every answer, p50 under $extra ms beyond its run" -- \
    "${H[@]}" flood "$ADDR" --tokens "$T/hostile.tokens" --benign-token benign-token-0000000000 \
    --seconds 5 --per-client 2 --max-p50-extra-ms "$extra"
stop_server "$PID"

cat >"$T/quota.toml" <<'TOML'
[clients.one]
token = "one-token-00000000000000"
concurrent = 1
queue = 0
[clients.rate]
token = "rate-token-0000000000000"
rate = 1
burst = 2
[clients.small]
token_file = "SMALL_TOKEN"
max_cpu = 0.2
max_memory = 64
[anonymous]
concurrent = 1
TOML
printf 'small-token-00000000000\n' >"$T/small.token"
chmod 600 "$T/small.token" "$T/quota.toml"
sed -i "s|SMALL_TOKEN|$T/small.token|" "$T/quota.toml"
start_server quota --workers 3 --clients "$T/quota.toml" --access-log "$T/access.log" || exit 1
auth() { echo "Authorization: Bearer $1"; }
loop='{"source":"while True:\n    pass\n","limits":{"cpu_s":1,"timeout_s":3}}'
http POST /v1/run -H "$(auth one-token-00000000000000)" --data-binary "$loop" &
CURL=$!
sleep 0.4
http POST /v1/run -H "$(auth one-token-00000000000000)" --data-binary '{"source":"print(1)"}'
check "quota: concurrent 1 and queue 0: a second request while one runs is 429" -- test "$CODE" = 429
http POST /v1/run -H "$(auth rate-token-0000000000000)" --data-binary '{"source":"print(1)"}'
check "quota: another client is not affected (200)" -- test "$CODE" = 200
wait "$CURL"
codes=""
for i in 1 2 3 4; do
    http POST /v1/verify -H "$(auth rate-token-0000000000000)" --data-binary '{"source":"x = 1"}'
    codes="$codes$CODE "
done
check "quota: rate 1 burst 2 (after one run): quick requests get 200 then 429 ($codes)" -- \
    test "$(echo "$codes" | tr ' ' '\n' | grep -c 429)" -ge 2 -a "${codes%% *}" = 200
http POST /v1/run -H "$(auth small-token-00000000000)" --data-binary '{"source":"print(1)","limits":{"cpu_s":5,"memory_mb":1000}}'
check "quota: a client's maximums cap its limits (token_file)" -- \
    test "$(jq_ "d['status'], d['limits']['cpu_s'], d['limits']['memory_mb']")" = "ok 0.2 64"
http POST /v1/run --data-binary '{"source":"print(1)"}'
check "the anonymous client: a loopback request without a token runs" -- test "$CODE" = 200
http POST /v1/run -H "$(auth wrong-token-00000000000)" --data-binary '{"source":"print(1)"}'
check "a token of no client: 401" -- test "$CODE" = 401
http GET /metrics -H "$(auth one-token-00000000000000)"
check "metrics: requests by client and outcome" -- \
    grep -q '^pyverify_client_requests_total{client="one",outcome="queue"} 1$' "$T/body" &&
    grep -q '^pyverify_client_requests_total{client="rate",outcome="rate"} [1-9]' "$T/body"
http GET '/nope%22,%22client%22:%22one' -H "$(auth one-token-00000000000000)"
stop_server "$PID"
check "access log: one JSON line per answer, with time, client, path, status, run status, ms" -- \
    /usr/bin/python3 - "$T/access.log" <<'PY'
import json, sys
lines = [json.loads(l) for l in open(sys.argv[1])]
keys = ["time", "client", "method", "path", "status", "run_status", "ms", "id"]
ok = len(lines) >= 12 and all(list(d) == keys for d in lines)
has = lambda **kw: any(all(d[k] == v for k, v in kw.items()) for d in lines)
ok = ok and has(client="one", path="/v1/run", status=429, run_status=None)
ok = ok and has(client="small", path="/v1/run", status=200, run_status="ok")
ok = ok and has(client="one", path="/v1/run", status=200, run_status="cpu")
ok = ok and has(client=None, status=401) and has(client="anonymous", status=200)
ok = ok and has(client="rate", path="/v1/verify", status=429)
# nothing a client sends is copied: an unknown path is "other"
# (a percent-encoded path is a 400: paths are routed as sent)
ok = ok and has(path="other", status=400) and not any("nope" in json.dumps(d) for d in lines)
sys.exit(0 if ok else 1)
PY
check "access log: the whole slowloris phase wrote only answered requests" -- \
    test "$(grep -c '"path":"/healthz"' "$T/conn.access")" -gt 10

sed -i '/^\[anonymous\]/,$d' "$T/quota.toml"
start_server noanon --workers 1 --clients "$T/quota.toml" || exit 1
http POST /v1/run --data-binary '{"source":"print(1)"}'
check "no [anonymous] table: a request without a token is 401" -- test "$CODE" = 401
stop_server "$PID"
printf '[clients.a]\ntoken = "aaaaaaaaaaaaaaaaaaaa"\nconcurent = 1\n' >"$T/bad.toml"
chmod 600 "$T/bad.toml"
"$PV" serve --listen 127.0.0.1:0 --clients "$T/bad.toml" 2>"$T/err"
check "a clients file with an unknown key: exit 2 naming it" -- test $? = 2 && grep -q 'clients.a.concurent' "$T/err"
sed -i 's/concurent/concurrent/' "$T/bad.toml"
chmod 644 "$T/bad.toml"
"$PV" serve --listen 127.0.0.1:0 --clients "$T/bad.toml" 2>"$T/err"
check "a clients file with a token that others can read: exit 2" -- test $? = 2 && grep -q 'chmod 600' "$T/err"

echo "test_hostile: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
