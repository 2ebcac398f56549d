#!/usr/bin/env bash
# runtime.subid: per-run uids of a NON-root host from its subordinate range (runtime/subid.c).
# As root: make sure the unprivileged user pyverify-test exists with a subordinate uid and gid
# range (created once and kept, like any account: useradd gives a new user a range when
# /etc/subuid exists; one without gets the next free one with usermod), then run
# `test_subid runs` as that user with its ranges: two live runs, checked from outside.
# Skips (77) unless root, with newuidmap/newgidmap (Debian: uidmap) and setpriv, on a kernel
# that lets users create user namespaces.
set -u
bin=$1
tmpl=$2
user=pyverify-test

skip() { echo "SKIP: $*"; exit 77; }
[ "$(id -u)" = 0 ] || skip "needs root (to use the user $user)"
for t in newuidmap newgidmap setpriv useradd usermod; do
  command -v "$t" >/dev/null 2>&1 || skip "$t is not installed (newuidmap: Debian package uidmap)"
done
[ "$(cat /proc/sys/kernel/unprivileged_userns_clone 2>/dev/null || echo 1)" = 1 ] ||
  skip "kernel.unprivileged_userns_clone is 0"
[ "$(cat /proc/sys/user/max_user_namespaces 2>/dev/null || echo 1)" != 0 ] ||
  skip "user.max_user_namespaces is 0"

if ! id -u "$user" >/dev/null 2>&1; then
  useradd -M -d /nonexistent -s /usr/sbin/nologin -c "pyverify tests" "$user" ||
    { echo "FAIL: useradd $user"; exit 1; }
fi
uid=$(id -u "$user")
gid=$(id -g "$user")
range() { grep -E "^($user|$uid):[0-9]+:[0-9]+$" "$1" | head -n 1 | cut -d: -f2,3; }
if [ -z "$(range /etc/subuid)" ] || [ -z "$(range /etc/subgid)" ]; then
  touch /etc/subuid /etc/subgid
  next=$(awk -F: 'BEGIN { m = 100000 } NF == 3 && $2 + $3 > m { m = $2 + $3 } END { print m }' \
         /etc/subuid /etc/subgid)
  usermod --add-subuids "$next-$((next + 65535))" --add-subgids "$next-$((next + 65535))" "$user" ||
    { echo "FAIL: usermod --add-subuids for $user"; exit 1; }
fi
ur=$(range /etc/subuid)
gr=$(range /etc/subgid)
echo "user $user ($uid:$gid), subordinate uids ${ur/:/ +}, gids ${gr/:/ +}"

as_user() { setpriv --reuid="$uid" --regid="$gid" --init-groups --reset-env -- "$@"; }
as_user unshare --user true 2>/dev/null ||
  skip "$user cannot create a user namespace here (a container's seccomp profile?)"

# The user must reach both programs: copy them where it can when the build tree is private.
dir=$(mktemp -d /tmp/pyverify-subid-XXXXXX) || exit 1
trap 'rm -rf "$dir"' EXIT
cp "$bin" "$dir/test_subid" && cp "$tmpl" "$dir/pyverify-template" && chmod -R a+rX "$dir" ||
  { echo "FAIL: cannot copy the programs"; exit 1; }
cd / || exit 1
as_user env PYVERIFY_TEMPLATE="$dir/pyverify-template" ASAN_OPTIONS="${ASAN_OPTIONS:-}" \
  "$dir/test_subid" runs "${ur%%:*}" "${ur##*:}" "${gr%%:*}" "${gr##*:}"
