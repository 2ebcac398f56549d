#!/usr/bin/env bash
# test_hostile.sh: `pyverify serve` under hostile clients (issue 20), on the loopback only;
# every attack is bounded in connections and seconds (tests/service/hostile.py).
source "$(dirname "$0")/lib.sh" "$@"
H=(/usr/bin/python3 "$SRC/tests/service/hostile.py")

# --- connections: slowloris, deadlines, the reserve ------------------------------------
start_server conn --workers 2 --max-connections 128 --max-per-address 32 \
    --head-timeout 2 --body-timeout 2 || exit 1
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

echo "test_hostile: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
