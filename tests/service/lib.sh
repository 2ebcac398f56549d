# lib.sh: helpers of the service tests (sourced; not a test).
#   $1 = the pyverify binary, $2 = the source directory, $3 = pv_loadtest.
set -u
PV=$(realpath -- "$1")
SRC=$(realpath -- "$2")
LOADTEST=$(realpath -- "$3")
FAILS=0
T=$(mktemp -d "${TMPDIR:-/tmp}/pv-serve-test.XXXXXX")
SERVERS=()
cleanup() {
    for p in "${SERVERS[@]}"; do kill -9 "$p" 2>/dev/null; done
    rm -rf "$T"
}
trap cleanup EXIT
fail() { echo "FAIL: $*" >&2; FAILS=$((FAILS + 1)); }
pass() { echo "ok: $*"; }
check() { # check DESCRIPTION -- command...
    local what=$1; shift 2
    if "$@"; then pass "$what"; else fail "$what"; fi
}

# start_server NAME [serve options...]: starts `pyverify serve` on a free loopback port
# (unless --listen is given) and waits for it; sets ADDR (host:port or unix:path) and PID.
start_server() {
    local name=$1; shift
    local listen=(--listen 127.0.0.1:0)
    for a in "$@"; do [[ $a == --listen* ]] && listen=(); done
    rm -f "$T/$name.ready"
    "$PV" serve "${listen[@]}" --ready-file "$T/$name.ready" "$@" 2>"$T/$name.log" &
    PID=$!
    SERVERS+=("$PID")
    for _ in $(seq 600); do
        [ -s "$T/$name.ready" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    if [ ! -s "$T/$name.ready" ]; then
        echo "server $name did not start:" >&2
        cat "$T/$name.log" >&2
        return 1
    fi
    ADDR=$(cat "$T/$name.ready")
}

# stop_server PID: SIGTERM, then its exit status in STOP_STATUS.
stop_server() {
    kill -TERM "$1"
    wait "$1"
    STOP_STATUS=$?
}

# The processes under PID (recursively), one per line.
descendants() {
    local p
    for p in $(pgrep -P "$1"); do
        echo "$p"
        descendants "$p"
    done
}

# Resident memory of PID and all its descendants, in KiB.
tree_rss_kb() {
    local total=0 p
    for p in "$1" $(descendants "$1"); do
        total=$((total + $(awk '/^VmRSS/ {print $2}' "/proc/$p/status" 2>/dev/null || echo 0)))
    done
    echo "$total"
}

# http METHOD URL [curl args...]: body in $T/body, headers in $T/headers, code in CODE.
# A POST says Content-Type: application/json, or $CT when set (CT= sends none).
http() {
    local m=$1 u=$2; shift 2
    local target=("http://$ADDR$u") ct=()
    if [[ $ADDR == unix:* ]]; then target=(--unix-socket "${ADDR#unix:}" "http://localhost$u"); fi
    [ "$m" = POST ] && ct=(-H "Content-Type: ${CT-application/json}")
    CODE=$(curl -s -m 60 -X "$m" -D "$T/headers" -o "$T/body" -w '%{http_code}' "${ct[@]}" "$@" "${target[@]}")
}
jq_() { /usr/bin/python3.11 -c "import json,sys; d=json.load(open('$T/body')); print($1)"; }
