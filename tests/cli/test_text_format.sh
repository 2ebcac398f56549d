#!/bin/bash
# Text output: `path:line:col: CODE message`, the source line, a caret under the span,
# `hint:`, then a summary line. Compared exactly (golden) for known inputs.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
printf 'import math\nx = math.pi\ny = ().__class__\n' >one.py
expect_status 1 "one violation" -- pv one.py
printf "one.py:3:8: PV300 attribute '__class__' is private\n    y = ().__class__\n           ^^^^^^^^^\n" >expected
head -3 out >got3
if cmp -s expected got3; then pass "diagnostic, source line and caret (golden)"; else
    fail "golden text differs"; diff expected got3 >&2; fi
if [ "$(sed -n 4p out | cut -c1-10)" = "    hint: " ]; then pass "hint is the 4th line"; else
    fail "hint is not the 4th line"; cat out >&2; fi
expect_grep out "    hint: attributes starting with '_' are not accessible" "PV300's hint text"
expect_grep out "pyverify: 1 file checked: 0 accepted, 1 rejected, 0 invalid; 1 diagnostic" "summary line"
# Every unindented line parses as path:line:col: CODE message, or is the summary.
if grep -vE '^(    |pyverify: )' out | grep -qvE '^[^:]+:[0-9]+:[0-9]+: PV[0-9]{3} .+'; then
    fail "a line is neither a diagnostic, an indented detail nor the summary"; cat out >&2
else pass "every unindented line is path:line:col: CODE message"; fi

# Caret columns are characters: multi-byte text and tabs before the span.
printf "s = '\xc3\xa9\xc3\xa9'; t = ().__class__\n" >mb.py
expect_status 1 "multi-byte line" -- pv mb.py
printf "mb.py:1:18: PV300 attribute '__class__' is private\n    s = '\xc3\xa9\xc3\xa9'; t = ().__class__\n%21s^^^^^^^^^\n" "" >expected
head -3 out >got3
if cmp -s expected got3; then pass "caret after multi-byte characters"; else
    fail "caret after multi-byte characters"; diff expected got3 >&2; fi
printf 'if 1:\n\tx = ().__class__\n' >tab.py
expect_status 1 "tab-indented line" -- pv tab.py
printf "tab.py:2:9: PV300 attribute '__class__' is private\n    \tx = ().__class__\n    \t       ^^^^^^^^^\n" >expected
head -3 out >got3
if cmp -s expected got3; then pass "caret after a tab keeps the tab"; else
    fail "caret after a tab"; diff expected got3 >&2; fi

# Diagnostics of several files come in file order, each in source order.
printf 'import os\n' >a.py
printf 'x = y\n().__class__\n' >b.py
expect_status 1 "two files" -- pv a.py b.py
grep -E '^[^ ]' out | grep -v '^pyverify:' | cut -d' ' -f1,2 >got
printf 'a.py:1:8: PV400\nb.py:1:5: PV205\nb.py:2:4: PV300\n' >expected
if cmp -s expected got; then pass "file order, then source order"; else
    fail "diagnostic order"; diff expected got >&2; fi
expect_grep out "pyverify: 2 files checked: 0 accepted, 2 rejected, 0 invalid; 3 diagnostics" "summary of two files"

# An input diagnostic without a position (too large) has no source line and no caret.
printf '[limits]\nmax_source_bytes = 3\n' >small.toml
expect_status 2 "too large" -- pv --rules small.toml a.py
expect_grep out "a.py:0:0: PV004" "PV004 without a position"
expect_no_grep out "^" "no caret without a position"

# Every file accepted: one summary line; with -q nothing at all.
printf 'x = 1\n' >ok.py
cp ok.py ok2.py
expect_status 0 "accepted" -- pv ok.py
if [ "$(cat out)" = "All checks passed: 1 file" ] && [ ! -s err ]; then pass "one summary line when accepted"
else fail "output for an accepted file"; cat out err >&2; fi
expect_status 0 "two accepted" -- pv ok.py ok2.py
expect_grep out "All checks passed: 2 files" "the summary counts the files"
expect_status 0 "accepted, -q" -- pv -q ok.py
if [ -s out ]; then fail "output for an accepted file with -q"; cat out >&2; else pass "silent when accepted with -q"; fi

finish
