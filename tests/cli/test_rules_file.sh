#!/bin/bash
# --rules: a rules file changes the verdicts; a rules file that fails to load stops
# everything (exit 2) and leaves every input file untouched.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
printf 'x = 1\nx.foo\n' >attr.py
printf '().__class__\n' >esc.py
printf 'import string\nprint(string.digits)\n' >imp.py
sums() { sha256sum attr.py esc.py imp.py; stat -c '%n %s %Y' attr.py esc.py imp.py; }
sums >before

expect_status 1 "default policy rejects x.foo" -- pv attr.py
printf '[attributes]\nextend-allow = ["foo"]\n' >allow.toml
expect_status 0 "extend-allow makes x.foo accepted" -- pv --rules allow.toml attr.py
printf '[imports]\nextend-allow = ["string"]\n' >imp.toml
expect_status 1 "default rejects import string" -- pv imp.py
expect_status 0 "extend-allow imports" -- pv --rules imp.toml imp.py
printf '[attributes]\nextend-allow = ["gi_frame"]\n' >deny.toml
printf 'g = (i for i in [1])\ng.gi_frame\n' >gi.py
expect_status 1 "deny patterns win over allow" -- pv --rules deny.toml gi.py
expect_grep out "PV301" "gi_frame is PV301"
expect_status 1 "a valid rules file still rejects the escape" -- pv --rules allow.toml esc.py
printf 'extends = "none"\n' >none.toml
expect_status 1 "extends = none rejects everything" -- pv --layers ast --rules none.toml attr.py
expect_grep out "PV100" "PV100 under extends = none"
# JSON names the policy.
expect_status 0 "json names the rules file" -- pv --format json --rules allow.toml attr.py
expect_grep out '"policy": "allow.toml"' "policy origin in json"

i=0
for bad in '[limits\n' '[nodez]\nallow = []\n' '[nodes]\nallowed = []\n' \
           '[limits]\nmax_depth = "5"\n' '[limits]\nmax_depth = 10001\n' \
           "[names]\nextend-deny = ['(']\n" '[builtins]\nextend-allow = ["nope"]\n' \
           '[names]\nextend-special_methods = ["__getattr__"]\n' \
           '[imports]\nextend-allow = ["no_such_module_xyz"]\n' '[nodes]\nextend-allow = ["Foo"]\n' \
           '[bytecode]\nextend-opcodes = ["NOPE"]\n' 'x = "\377"\n' '[nodes]\0\n'; do
    i=$((i + 1))
    printf "$bad" >"broken$i.toml"
    expect_status 2 "broken rules file $i" -- pv --rules "broken$i.toml" attr.py esc.py imp.py
    expect_grep err "broken$i.toml" "broken rules file $i is named"
    if [ -s out ]; then fail "broken rules file $i: files were checked anyway"; cat out >&2; fi
    # JSON mode: no document for files that were never checked.
    pv --format json --rules "broken$i.toml" attr.py >out 2>err
    [ $? -eq 2 ] || fail "broken rules file $i (json): exit status"
done
# A misspelt table, key or name: "did you mean", with the key spelt as the file must spell it.
printf '[builtins]\nextend_allow = ["id"]\n' >typo1.toml
expect_status 2 "extend_allow" -- pv --rules typo1.toml attr.py
expect_grep err "unknown key 'extend_allow' in [builtins] (did you mean 'extend-allow'?) (known: allow, extend-allow)" "extend_allow: did you mean extend-allow"
printf '[limits]\nmax_dept = 3\n' >typo2.toml
expect_status 2 "max_dept" -- pv --rules typo2.toml attr.py
expect_grep err "(did you mean 'max_depth'?)" "max_dept: did you mean max_depth"
printf '[builtin]\nallow = []\n' >typo3.toml
expect_status 2 "[builtin]" -- pv --rules typo3.toml attr.py
expect_grep err "unknown table [builtin] (did you mean 'builtins'?)" "[builtin]: did you mean [builtins]"
printf '[builtins]\nallow = ["lenn"]\n' >typo4.toml
expect_status 2 "lenn" -- pv --rules typo4.toml attr.py
expect_grep err "'lenn' is not a builtin of this interpreter (did you mean 'len'?)" "lenn: did you mean len"
printf '[imports]\nzzzzzz = []\n' >typo5.toml
expect_status 2 "no close match" -- pv --rules typo5.toml attr.py
expect_no_grep err "did you mean" "no suggestion without a close match"

expect_status 2 "missing rules file" -- pv --rules nonexistent.toml attr.py
expect_status 2 "a directory as rules file" -- pv --rules . attr.py

sums >after
if cmp -s before after; then pass "input files unchanged (checksums, sizes, mtimes)"; else
    fail "input files changed"; diff before after >&2; fi
finish
