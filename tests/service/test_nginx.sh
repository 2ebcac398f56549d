#!/usr/bin/env bash
# test_nginx.sh: examples/service/nginx.conf in front of two `pyverify serve` instances on
# loopback: requests are spread over both, every reply is right, and when one instance is
# stopped the other answers everything. Exits 77 (skipped) when nginx is not installed.
source "$(dirname "$0")/lib.sh" "$@"
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [ ! -x "$NGINX" ]; then
    echo "SKIP: nginx is not installed (apt-get install nginx-light)"
    exit 77
fi
free_port() {
    /usr/bin/python3.11 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
start_server a --workers 2 || exit 1
A=$ADDR; PA=$PID
start_server b --workers 2 || exit 1
B=$ADDR; PB=$PID
FRONT=127.0.0.1:$(free_port)
sed -e "s/127.0.0.1:8421/$A/" -e "s/127.0.0.1:8422/$B/" -e "s/127.0.0.1:8420/$FRONT/" \
    -e "s#/tmp/pyverify-nginx#$T/nginx#g" "$SRC/examples/service/nginx.conf" > "$T/nginx.conf"
"$NGINX" -t -c "$T/nginx.conf" -p "$T" 2>"$T/nginx-t.log" || { cat "$T/nginx-t.log"; fail "nginx -t"; }
"$NGINX" -c "$T/nginx.conf" -p "$T" -g 'daemon off;' 2>"$T/nginx.log" &
NPID=$!
SERVERS+=("$NPID")
for _ in $(seq 100); do curl -s -o /dev/null "http://$FRONT/healthz" && break; sleep 0.05; done

"$LOADTEST" load "http://$FRONT" 200 8 0 || fail "200 mixed runs through nginx"
ADDR=$A; http GET /metrics; na=$(awk '/^pyverify_runs_total/ {s += $2} END {print s}' "$T/body")
ADDR=$B; http GET /metrics; nb=$(awk '/^pyverify_runs_total/ {s += $2} END {print s}' "$T/body")
check "both instances served runs ($na + $nb = 200)" -- test "$na" -gt 0 -a "$nb" -gt 0 -a $((na + nb)) = 200

stop_server "$PB"
"$LOADTEST" load "http://$FRONT" 100 4 200 || fail "100 runs with one instance stopped"
ADDR=$A; http GET /metrics; na2=$(awk '/^pyverify_runs_total/ {s += $2} END {print s}' "$T/body")
check "with b stopped, a answered all 100 ($na -> $na2)" -- test $((na2 - na)) = 100
kill -QUIT "$NPID"; wait "$NPID" 2>/dev/null
stop_server "$PA"
echo "test_nginx: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
