#!/bin/bash
# Sessions of the service (issue 17): POST /v1/sessions, POST /v1/sessions/{id}/run,
# DELETE /v1/sessions/{id}. State kept across cells; two sessions isolated; another
# client's id is 404 (never 403); DELETE then 404; idle expiry then 404; the per-server
# maximum (503, Retry-After); a rejected cell and the session goes on; a cell over its CPU
# limit ends the session; /metrics; a graceful stop ends every session and leaves no
# process and no private directory.
#   test_sessions.sh PYVERIFY SRCDIR LOADTEST
. "$(dirname "$0")/lib.sh"
cat >"$T/clients.toml" <<'EOF'
[clients.alice]
token = "alice-token-0000000000000"
sessions = 2
[clients.bob]
token = "bob-token-00000000000000"
EOF
chmod 600 "$T/clients.toml"
ALICE=(-H "Authorization: Bearer alice-token-0000000000000")
BOB=(-H "Authorization: Bearer bob-token-00000000000000")
start_server s --workers 4 --reserve-workers 1 --max-sessions 2 --clients "$T/clients.toml" \
    || exit 1
py() { /usr/bin/python3 -c "import json,sys; d=json.load(open('$T/body')); print($1)" 2>/dev/null; }
# new_session [curl args...]: a session of alice's (or of the args' client); its id in SID
new_session() {
    local body=$1; shift
    http POST /v1/sessions "$@" --data-binary "$body"
    SID=$(py 'd["id"]')
}
cell() { # cell SID SOURCE [curl args...]
    local sid=$1 src=$2; shift 2
    http POST "/v1/sessions/$sid/run" "$@" --data-binary \
        "$(/usr/bin/python3 -c 'import json,sys; print(json.dumps({"source": sys.argv[1]}))' "$src")"
}

# --- state across cells, input --------------------------------------------------------------
new_session '{"input":{"x":41},"limits":{"idle_timeout_s":30}}' "${ALICE[@]}"
check "create: 201 with a 128-bit hex id and expires_in" -- \
    test "$CODE" = 201 -a "${#SID}" = 32 -a "$(py 'd["expires_in"]')" = 30.0
S1=$SID
[[ $S1 =~ ^[0-9a-f]{32}$ ]] || fail "the id is not 32 hex digits: '$S1'"
cell "$S1" 'y = x + 1' "${ALICE[@]}"
check "a cell runs (the input is bound)" -- test "$CODE" = 200 -a "$(py 'd["status"]')" = ok
cell "$S1" 'def twice(v):
    return 2 * v
print(twice(y))' "${ALICE[@]}"
check "a later cell sees the earlier cells' globals: 84" -- \
    test "$CODE" = 200 -a "$(py 'd["stdout"]')" = 84 -a "$(py 'd["session"]')" = open

# --- a rejected cell: the "rejected" answer, and the session goes on ------------------------
cell "$S1" 'import os
os.system("id")' "${ALICE[@]}"
check "a cell that fails verification is 'rejected' and the session stays open" -- \
    test "$CODE" = 200 -a "$(py 'd["status"]')" = rejected -a "$(py 'd["session"]')" = open
cell "$S1" 'print(twice(y) + 1)' "${ALICE[@]}"
check "... and the next cell runs in the same globals" -- test "$(py 'd["stdout"]')" = 85

# --- what earlier cells defined: known to the next cell's check (pv_session_verify) --------
cell "$S1" 'from dataclasses import field
f = field()
class Box:
    pass
b = Box()
b._weight = 3' "${ALICE[@]}"
cell "$S1" 'print(b._weight)' "${ALICE[@]}"
check "an attribute an earlier cell defined is accepted in a later one" -- \
    test "$(py 'd["status"]')" = ok -a "$(py 'd["stdout"]')" = 3
cell "$S1" 'f.name = "y"' "${ALICE[@]}"
check "a store into a library object bound in an earlier cell is rejected (PV307)" -- \
    test "$(py 'd["status"]')" = rejected -a "$(py '[x["code"] for x in d["diagnostics"]][0]')" = PV307

# --- isolation ------------------------------------------------------------------------------
new_session '{}' "${ALICE[@]}"
S2=$SID
check "a second session" -- test "$CODE" = 201 -a "$S2" != "$S1"
cell "$S2" 'y = "other"
print(y)' "${ALICE[@]}"
cell "$S1" 'print(y)' "${ALICE[@]}"
check "two sessions do not share globals" -- test "$(py 'd["stdout"]')" = 42
cell "$S2" 'print(x)' "${ALICE[@]}"
check "a name of another session is unknown here" -- test "$(py 'd["status"]')" != ok

# --- a session's worker is its own: the pool's runs go to the other workers ----------------
ok=0
for i in 1 2 3 4 5 6; do
    http POST /v1/run "${BOB[@]}" --data-binary "{\"source\":\"print($i)\"}"
    [ "$CODE" = 200 ] && [ "$(py 'd["stdout"]')" = "$i" ] && ok=$((ok + 1))
done
cell "$S1" 'print(y)' "${ALICE[@]}"
check "runs beside open sessions: 6 of 6 answered, and the session is intact ($ok)" -- \
    test "$ok" = 6 -a "$(py 'd["stdout"]')" = 42

# --- the per-server maximum -----------------------------------------------------------------
new_session '{}' "${BOB[@]}"
check "beyond --max-sessions: 503 with Retry-After and a clear message" -- \
    eval 'test "$CODE" = 503 && grep -qi "^Retry-After:" "$T/headers" && grep -q "max-sessions" "$T/body"'

# --- ownership ------------------------------------------------------------------------------
cell "$S1" 'print(y)' "${BOB[@]}"
check "another client's id: 404 (not 403)" -- test "$CODE" = 404
http DELETE "/v1/sessions/$S1" "${BOB[@]}"
check "another client's DELETE: 404" -- test "$CODE" = 404
cell "$S1" 'print(y)' "${ALICE[@]}"
check "... and the session is still its owner's" -- test "$(py 'd["stdout"]')" = 42
cell 0123456789abcdef0123456789abcdef 'print(1)' "${ALICE[@]}"
check "an unknown id: 404" -- test "$CODE" = 404

# --- paths are routed as sent: no unescaping (%00 used to cut the path) -------------------
http DELETE "/v1/sessions/$S2%00/run" "${ALICE[@]}"
check "DELETE of ID%00/run: 400, not a DELETE of ID" -- test "$CODE" = 400
cell "$S2" 'print(y)' "${ALICE[@]}"
check "... and session ID is still there" -- test "$CODE" = 200 -a "$(py 'd["stdout"]')" = other
http POST "/v1/%72un" "${ALICE[@]}" --data-binary '{"source":"print(1)"}'
check "a percent-encoded route: 400" -- test "$CODE" = 400

# --- DELETE ---------------------------------------------------------------------------------
http DELETE "/v1/sessions/$S2" "${ALICE[@]}"
check "DELETE: 204" -- test "$CODE" = 204
cell "$S2" 'print(1)' "${ALICE[@]}"
check "a run after DELETE: 404" -- test "$CODE" = 404
http DELETE "/v1/sessions/$S2" "${ALICE[@]}"
check "DELETE again: 404" -- test "$CODE" = 404

# --- a client's own maximum: bob's is 1 (by default half of --max-sessions 2) ---------------
new_session '{}' "${BOB[@]}"
SB=$SID
check "bob's first session: 201" -- test "$CODE" = 201
new_session '{}' "${BOB[@]}"
check "bob's second: 503 naming bob's own maximum, not the server's" -- \
    eval 'test "$CODE" = 503 && grep -q "client bob holds its maximum of 1" "$T/body"'
http DELETE "/v1/sessions/$SB" "${BOB[@]}"
check "bob's DELETE: 204" -- test "$CODE" = 204

# --- a cell over its CPU limit ends the session ---------------------------------------------
new_session '{}' "${ALICE[@]}"
S3=$SID
http POST "/v1/sessions/$S3/run" "${ALICE[@]}" --data-binary \
    '{"source":"while True:\n    pass","limits":{"cpu_s":0.3,"timeout_s":5}}'
check "a cell over its CPU limit: status cpu, the session has ended" -- \
    test "$CODE" = 200 -a "$(py 'd["status"]')" = cpu -a "$(py 'd["session"]')" = ended
cell "$S3" 'print(1)' "${ALICE[@]}"
check "a run after the limit: 404" -- test "$CODE" = 404

# --- idle expiry ----------------------------------------------------------------------------
new_session '{"limits":{"idle_timeout_s":0.5}}' "${ALICE[@]}"
S4=$SID
check "a session with a short idle timeout" -- test "$CODE" = 201
sleep 1.5
cell "$S4" 'print(1)' "${ALICE[@]}"
check "a run after the idle timeout: 404" -- test "$CODE" = 404

# --- metrics --------------------------------------------------------------------------------
http GET /metrics "${ALICE[@]}"
m() { awk -v k="$1" '$1 == k {print $2}' "$T/body"; }
check "metrics: open 1, created 5, refused 1 (+1 by the client's maximum), expired 1, ended by delete 2, limit 1" -- \
    test "$(m pyverify_sessions_open)/$(m pyverify_sessions_created_total)/$(m pyverify_sessions_refused_total)/$(m pyverify_sessions_refused_client_total)/$(m pyverify_sessions_expired_total)/$(m 'pyverify_sessions_ended_total{reason="delete"}')/$(m 'pyverify_sessions_ended_total{reason="limit"}')" = 1/5/1/1/1/2/1

# --- errors ---------------------------------------------------------------------------------
http POST /v1/sessions "${ALICE[@]}" --data-binary '{"limits":{"bogus":1}}'
check "an unknown limit: 400" -- test "$CODE" = 400
http POST /v1/sessions "${ALICE[@]}" --data-binary '{"input":{"__x__":1}}'
check "a dunder input: 400" -- test "$CODE" = 400
http GET "/v1/sessions/$S1" "${ALICE[@]}"
check "GET a session: 405" -- test "$CODE" = 405
http POST "/v1/sessions/$S1/run" "${ALICE[@]}" --data-binary '{"source":"print(1)","stdin":"x"}'
check "stdin in a session: 400" -- test "$CODE" = 400

# --- a session goes to a worker that held no other request --------------------------------
http POST /v1/verify "${ALICE[@]}" --data-binary '{"source":"x = 1"}'
new_session '{}' "${ALICE[@]}"
check "a session after a verification: a fresh worker takes it (201)" -- test "$CODE" = 201
http DELETE "/v1/sessions/$SID" "${ALICE[@]}"

# --- graceful stop: every session ends, no process and no directory is left -----------------
new_session '{}' "${BOB[@]}"
check "a second open session for the stop" -- test "$CODE" = 201
procs=$(descendants "$PID")
# the per-run uids of the sandboxed children (the sessions' and the warm ones): each
# private directory belongs to its child's uid
uids=$(for p in $procs; do awk '/^Uid:/ {print $2}' "/proc/$p/status" 2>/dev/null; done \
       | grep -vx '0\|65534' | sort -u)
check "the sandboxed children have per-run uids ($(echo "$uids" | wc -w))" -- test -n "$uids"
stop_server "$PID"
check "SIGTERM with sessions open: exit status 0" -- test "$STOP_STATUS" = 0
left=""
for p in $procs; do kill -0 "$p" 2>/dev/null && left="$left $p"; done
check "no process of the service is left ($(echo "$procs" | wc -w) before)" -- test -z "$left"
grep -q 'stopped' "$T/s.log" || fail "the server did not log its stop"
mine=""
for d in /tmp/pyverify-run-*; do
    [ -d "$d" ] || continue
    u=$(stat -c %u "$d" 2>/dev/null) || continue
    echo "$uids" | grep -qx "$u" && mine="$mine $d"
done
check "no private directory of theirs is left" -- test -z "$mine"
echo "$FAILS failed"
[ "$FAILS" = 0 ]
