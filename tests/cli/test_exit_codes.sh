#!/bin/bash
# Exit status of the checker: 0 all accepted, 1 a file rejected (a syntax error included),
# 2 usage and input errors (unreadable or missing file, NUL bytes, undecodable bytes, too
# large, broken rules file, bad option); 2 wins over 1.
source "$(dirname "$0")/lib.sh" "$@"

printf 'x = 1\nprint(x)\n' >"$T/ok.py"
printf '().__class__\n' >"$T/bad.py"
printf 'x = = 1\n' >"$T/syntax.py"
printf 'x = 1\0import os\n' >"$T/nul.py"
printf 'x = 1\ny = "\xff"\n' >"$T/undecodable.py"
printf '# -*- coding: utf-7 -*-\nx = 1\n' >"$T/utf7.py"
printf '[limits\n' >"$T/broken.toml"
printf '[limits]\nmax_source_bytes = 5\n' >"$T/small.toml"

expect_status 0 "accepted file" -- pv "$T/ok.py"
[ "$(cat "$T/out")" = "All checks passed: 1 file" ] || fail "an accepted file prints the one-line summary (got: $(cat "$T/out"))"
expect_status 1 "rejected file" -- pv "$T/bad.py"
expect_status 1 "syntax error is a rejection" -- pv "$T/syntax.py"
expect_grep "$T/out" "PV005" "syntax error reported as PV005"
expect_status 1 "utf-7 cookie is a rejection" -- pv "$T/utf7.py"
expect_grep "$T/out" "PV003" "utf-7 cookie reported as PV003"
expect_status 2 "NUL byte" -- pv "$T/nul.py"
expect_grep "$T/out" "nul.py:1:6: PV001" "NUL byte position"
expect_status 2 "undecodable bytes" -- pv "$T/undecodable.py"
expect_grep "$T/out" "undecodable.py:2:6: PV002" "undecodable byte position"
expect_status 2 "too large (rules limit)" -- pv --rules "$T/small.toml" "$T/ok.py"
expect_grep "$T/out" "PV004" "too large reported as PV004"
expect_status 2 "nonexistent file" -- pv "$T/does-not-exist.py"
expect_grep "$T/err" "does-not-exist.py" "nonexistent file named on stderr"
expect_status 2 "path through a regular file (ENOTDIR)" -- pv "$T/ok.py/x.py"
if [ "$(id -u)" -ne 0 ]; then
    cp "$T/ok.py" "$T/unreadable.py"
    chmod 000 "$T/unreadable.py"
    expect_status 2 "unreadable file" -- pv "$T/unreadable.py"
else
    echo "skip: unreadable file (running as root)"
fi
expect_status 2 "broken rules file" -- pv --rules "$T/broken.toml" "$T/ok.py"
expect_grep "$T/err" "broken.toml" "broken rules file named on stderr"
expect_status 2 "missing rules file" -- pv --rules "$T/nope.toml" "$T/ok.py"
expect_status 2 "unknown option" -- pv --no-such-option "$T/ok.py"
expect_status 2 "bad --mode" -- pv --mode statement "$T/ok.py"
expect_status 2 "bad --format" -- pv --format xml "$T/ok.py"
expect_status 2 "bad --layers" -- pv --layers none "$T/ok.py"
expect_status 2 "no paths" -- pv
expect_status 2 "--rules without a value" -- pv --rules

# Several files: the worst status wins, and every file is still checked.
expect_status 1 "accepted + rejected" -- pv "$T/ok.py" "$T/bad.py"
expect_status 2 "rejected + invalid" -- pv "$T/bad.py" "$T/nul.py"
expect_grep "$T/out" "bad.py:1:4: PV300" "the rejected file is still reported"
expect_status 2 "invalid + accepted (order)" -- pv "$T/nul.py" "$T/ok.py"
expect_status 2 "missing + rejected" -- pv "$T/does-not-exist.py" "$T/bad.py"
expect_grep "$T/out" "bad.py:1:4: PV300" "files after a missing one are still checked"

finish
