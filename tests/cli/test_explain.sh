#!/bin/bash
# --explain, --list-rules, --print-rules, --version, --help.
source "$(dirname "$0")/lib.sh" "$@"

expect_status 0 "--explain PV300" -- pv --explain PV300
expect_grep "$T/out" "PV300: private or dunder attribute" "explain title"
expect_grep "$T/out" "().__class__.__bases__[0].__subclasses__()" "explain example"
expect_grep "$T/out" "hint:" "explain hint"
expect_grep "$T/out" "verdict: rejected (exit 1)" "explain verdict"
expect_status 0 "--explain pv001 (lower case)" -- pv --explain pv001
expect_grep "$T/out" "PV001: source contains a NUL byte" "explain PV001"
expect_grep "$T/out" "exit 2" "PV001 exits 2"
expect_status 2 "--explain PV999" -- pv --explain PV999
expect_grep "$T/err" "PV999" "unknown code named"
[ -s "$T/out" ] && fail "--explain PV999 printed on stdout"
expect_status 2 "--explain without a code" -- pv --explain

# Every rule of --list-rules can be explained.
expect_status 0 "--list-rules" -- pv --list-rules
cp "$T/out" "$T/list"
n=0
while read -r code title; do
    n=$((n + 1))
    if ! echo "$code" | grep -qE '^PV[0-9]{3}$'; then fail "list-rules line: $code $title"; continue; fi
    if ! pv --explain "$code" >"$T/ex" 2>&1 || ! grep -qF "$code: $title" "$T/ex"; then
        fail "--explain $code"
    fi
done <"$T/list"
[ "$n" -ge 39 ] && pass "$n rules listed and explained" || fail "only $n rules listed"
for c in PV001 PV005 PV100 PV103 PV203 PV300 PV304 PV403 PV500; do
    grep -q "^$c " "$T/list" || fail "--list-rules lacks $c"
done

expect_status 0 "--print-rules" -- pv --print-rules
if cmp -s "$T/out" "$SRC/rules/default.toml"; then pass "--print-rules is rules/default.toml byte for byte"
else fail "--print-rules differs from rules/default.toml"; cmp "$T/out" "$SRC/rules/default.toml" >&2; fi
# The printed rules load as a rules file and behave as the default.
printf '().__class__\n' >"$T/bad.py"
expect_status 1 "printed rules as --rules" -- pv --rules "$T/out" "$T/bad.py"
cp "$T/out" "$T/printed.toml" 2>/dev/null

expect_status 0 "--version" -- pv --version
expect_grep "$T/out" "3.11" "--version mentions CPython 3.11"
expect_grep "$T/out" "pyverify 0.1.0" "--version names pyverify"
expect_status 0 "--help" -- pv --help
expect_grep "$T/out" "usage: pyverify" "--help usage"

finish
