#!/bin/bash
# --color auto|always|never and NO_COLOR, --quiet, --statistics, -j N (same output, in the
# same order, whatever N).
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
mkdir tree
for i in $(seq -w 1 24); do
    case $((10#$i % 3)) in
        0) printf 'x = %d\n' "$((10#$i))" >"tree/f$i.py" ;;
        1) printf 'import os\ny = ().__class__\n' >"tree/f$i.py" ;;
        2) printf 'z = eval("1")\n' >"tree/f$i.py" ;;
    esac
done
printf 'x = 1\0\n' >tree/g_nul.py
ESC=$(printf '\033')

expect_status 2 "text, -j 1" -- pv -j 1 tree
cp "$T/out" j1.out; cp "$T/err" j1.err
for j in 2 3 8; do
    expect_status 2 "text, -j $j" -- pv -j "$j" tree
    cmp -s j1.out "$T/out" && pass "-j $j: stdout identical to -j 1" || { fail "-j $j: stdout differs"; diff j1.out "$T/out" | head >&2; }
    cmp -s j1.err "$T/err" && pass "-j $j: stderr identical to -j 1" || fail "-j $j: stderr differs"
done
expect_status 2 "json, -j 4" -- pv -j 4 --format json tree
cp "$T/out" j4.json
expect_status 2 "json, -j 1" -- pv -j 1 --format json tree
cmp -s j4.json "$T/out" && pass "json identical for -j 1 and -j 4" || fail "json differs with -j"
expect_status 2 "--jobs 0 means the number of cores" -- pv --jobs 0 tree
cmp -s j1.out "$T/out" && pass "--jobs 0 output" || fail "--jobs 0 output differs"
expect_status 2 "-j bad" -- pv -j x tree
expect_grep "$T/err" "--jobs must be a number" "-j message"
# Standard input is read once, in the parent, even with -j.
printf 'import os\n' | expect_status 1 "stdin with -j 4" -- pv -j 4 - tree/f03.py
expect_grep "$T/out" "<stdin>:1:8: PV400" "stdin diagnostic"

# Colour: never on a pipe by default; always when asked, even with NO_COLOR; never wins.
expect_status 1 "auto colour on a pipe" -- pv tree/f01.py
expect_no_grep "$T/out" "$ESC[" "no escape codes on a pipe"
cp "$T/out" plain.out
expect_status 1 "--color always" -- pv --color always tree/f01.py
expect_grep "$T/out" "$ESC[1;31mPV400$ESC[0m" "the code in red"
expect_grep "$T/out" "$ESC[36mhint:$ESC[0m" "the hint in cyan"
sed "s/$ESC\[[0-9;]*m//g" "$T/out" >stripped
cmp -s stripped plain.out && pass "colour adds nothing but escapes" || fail "coloured text differs"
NO_COLOR=1 expect_status 1 "--color always beats NO_COLOR" -- pv --color always tree/f01.py
expect_grep "$T/out" "$ESC[" "escapes with --color always and NO_COLOR"
expect_status 1 "--color never" -- pv --color never tree/f01.py
expect_no_grep "$T/out" "$ESC[" "no escapes with --color never"
expect_status 1 "json is never coloured" -- pv --color always --format json tree/f01.py
expect_no_grep "$T/out" "$ESC[" "no escapes in json"
expect_status 2 "--color bad" -- pv --color sometimes tree/f01.py
if command -v script >/dev/null; then
    script -qec "$PV tree/f01.py" /dev/null >tty.out 2>&1 </dev/null
    grep -qF "$ESC[1;31m" tty.out && pass "auto: colour on a terminal" || fail "auto: no colour on a terminal"
    NO_COLOR=1 script -qec "$PV tree/f01.py" /dev/null >tty.out 2>&1 </dev/null
    grep -qF "$ESC[1;31m" tty.out && fail "NO_COLOR ignored on a terminal" || pass "NO_COLOR honoured on a terminal"
    NO_COLOR= script -qec "$PV tree/f01.py" /dev/null >tty.out 2>&1 </dev/null
    grep -qF "$ESC[1;31m" tty.out && pass "an empty NO_COLOR is ignored" || fail "empty NO_COLOR disabled colour"
fi

# --quiet: one line per diagnostic, no source, caret, hint or summary.
expect_status 1 "--quiet" -- pv --quiet tree/f01.py
printf "tree/f01.py:1:8: PV400 module 'os' is not allowed\ntree/f01.py:2:8: PV300 attribute '__class__' is private\n" >want
cmp -s want "$T/out" && pass "--quiet output" || { fail "--quiet output"; cat "$T/out" >&2; }
expect_status 0 "-q, accepted: no output" -- pv -q tree/f03.py
[ -s "$T/out" ] && fail "-q printed something for an accepted file" || pass "-q silent when accepted"

# --statistics: counts per code, most frequent first, after the summary.
expect_status 2 "--statistics" -- pv -q --statistics tree
tail -4 "$T/out" >stats
n300=$(grep -c ': PV300 ' "$T/out"); n400=$(grep -c ': PV400 ' "$T/out"); n202=$(grep -c ': PV202 ' "$T/out")
grep -Eq "^ +$n300  PV300  " stats && grep -Eq "^ +$n400  PV400  " stats && grep -Eq "^ +$n202  PV202  " stats \
    && grep -Eq "^ +1  PV001  " stats && pass "statistics counts" || { fail "statistics"; cat stats >&2; }
expect_status 2 "--statistics in json" -- pv --statistics --format json tree
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
s = d["statistics"]
assert s["PV300"] == 8 and s["PV400"] == 8 and s["PV202"] == 8 and s["PV001"] == 1, s
' "$T/out" && pass "json statistics" || fail "json statistics"
finish
