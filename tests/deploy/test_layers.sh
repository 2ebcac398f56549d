#!/bin/bash
# `pyverify serve --require-layers` (issue 21) and the container seccomp profile
# deploy/docker/seccomp.json, applied for real by pv_seccomp_exec (a container runtime's
# seccomp step, nothing else):
#   - an unknown layer name: exit 2 and a message that lists the known names;
#   - under the shipped profile, --require-layers all starts, and a run has every layer
#     (namespaces, fs:pivot_root, fs:landlock, seccomp);
#   - under "docker-default": the shipped profile with the calls Docker's default denies
#     to a container without CAP_SYS_ADMIN removed (unshare, mount, umount2, pivot_root;
#     clone without namespace flags), --require-layers all refuses to start, exit 2, naming
#     namespace:user and fs:pivot_root; the default (base) starts and its runs lack them.
#   $1 = the pyverify binary, $2 = the source directory, $3 = pv_seccomp_exec.
source "$(dirname "$0")/../service/lib.sh" "$@"
SECX=$LOADTEST
PROFILE=$SRC/deploy/docker/seccomp.json

# serve_under PROFILE NAME [serve options]: like start_server, under the profile.
serve_under() {
    local prof=$1 name=$2; shift 2
    rm -f "$T/$name.ready"
    "$SECX" "$prof" "$PV" serve --listen 127.0.0.1:0 --workers 1 --ready-file "$T/$name.ready" \
        "$@" 2>"$T/$name.log" &
    PID=$!
    SERVERS+=("$PID")
    for _ in $(seq 600); do
        [ -s "$T/$name.ready" ] && break
        kill -0 "$PID" 2>/dev/null || break
        sleep 0.05
    done
    [ -s "$T/$name.ready" ] || return 1
    ADDR=$(cat "$T/$name.ready")
}
run_layers() { # the layers of a run, one line, space-separated
    http POST /v1/run -H 'Content-Type: application/json' \
        -d '{"source": "print(sum(range(10)))"}'
    [ "$CODE" = 200 ] && jq_ '" ".join(d["layers"])'
}

"$PV" serve --require-layers seccomp,bogus 2>"$T/err"
rc=$?
check "unknown layer: exit 2" -- test "$rc" = 2
check "unknown layer: the message names it and the known ones" -- \
    grep -q "unknown layer 'bogus' (known: none, base, namespaces, all, .*fs:pivot_root" "$T/err"
"$PV" serve --require-layers '' 2>"$T/err"
check "empty list: exit 2" -- test $? = 2

"$SECX" "$PROFILE" /bin/true 2>"$T/err"
if [ $? -ne 0 ]; then
    echo "the profile cannot be applied here: $(cat "$T/err")"; exit 77
fi
# Docker's default, for what the sandbox needs: no unshare, mount, umount2, pivot_root.
/usr/bin/python3 - "$PROFILE" "$T/docker-default.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
gone = {"unshare", "mount", "umount2", "pivot_root"}
rules = []
for r in p["syscalls"]:
    r["names"] = [n for n in r["names"] if n not in gone]
    if r["names"]:
        rules.append(r)
for r in rules:
    if r["names"] == ["clone"]:
        r["args"][0]["value"] = 0x7E020000  # no namespace flag at all, as Docker's default
p["syscalls"] = rules
json.dump(p, open(sys.argv[2], "w"))
PY
if serve_under "$T/docker-default.json" strict --require-layers all; then
    fail "docker-default: --require-layers all started"
    stop_server "$PID"
    st=$STOP_STATUS
else
    pass "docker-default: --require-layers all does not start"
    wait "$PID"
    st=$?
fi
check "docker-default: exit 2" -- test "$st" = 2
check "docker-default: the message names namespace:user" -- \
    grep -q "pyverify serve: --require-layers: unavailable here .*namespace:user" "$T/strict.log"
check "docker-default: the message names fs:pivot_root" -- grep -q "fs:pivot_root (" "$T/strict.log"

if serve_under "$T/docker-default.json" default; then
    pass "docker-default: the default (base) starts"
    l=$(run_layers)
    [[ " $l " == *" seccomp "* && " $l " != *" namespace:user "* ]] \
        && pass "docker-default: runs have seccomp, no user namespace" \
        || fail "docker-default: layers '$l' (code $CODE)"
    stop_server "$PID"
else
    fail "docker-default: the default did not start"; cat "$T/default.log" >&2
fi

# Can this machine give a run every layer at all (user namespaces, Landlock)?
full=1
"$PV" serve --listen 127.0.0.1:0 --require-layers all --workers 1 \
    --ready-file "$T/probe.ready" 2>"$T/probe.log" &
probe=$!
for _ in $(seq 600); do
    [ -s "$T/probe.ready" ] && break
    kill -0 "$probe" 2>/dev/null || break
    sleep 0.05
done
if [ -s "$T/probe.ready" ]; then
    kill -TERM "$probe"
    wait "$probe"
else
    full=0
    echo "skipped: the shipped profile's full set (this machine cannot give every layer: $(cat "$T/probe.log"))"
fi

if [ "$full" = 0 ]; then
    :
elif serve_under "$PROFILE" shipped --require-layers all; then
    pass "shipped profile: --require-layers all starts"
    l=$(run_layers)
    for want in namespace:user namespace:pid namespace:net namespace:mount fs:pivot_root \
                fs:landlock no_new_privs seccomp; do
        [[ " $l " == *" $want "* ]] && pass "shipped profile: a run has $want" \
            || fail "shipped profile: a run lacks $want (layers: $l; code $CODE)"
    done
    http POST /v1/run -H 'Content-Type: application/json' -d '{"source": "print(6 * 7)"}'
    check "shipped profile: the run's output" -- grep -q '"stdout": *"42\\n"' "$T/body"
    stop_server "$PID"
    check "shipped profile: SIGTERM stops it, exit 0" -- test "$STOP_STATUS" = 0
else
    fail "shipped profile: --require-layers all did not start"; cat "$T/shipped.log" >&2
fi

echo "test_layers: $FAILS failure(s)"
[ "$FAILS" -eq 0 ]
