#!/bin/bash
# Configuration discovery: pyverify.toml or [tool.pyverify] in pyproject.toml, found by
# walking up from each file; [[overrides]] globs relative to the configuration file, applied
# in order (later wins); --rules switches discovery off; --show-config says where each
# file's policy came from; a broken configuration is an input error (exit 2).
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
mkdir -p proj/plugins/sub proj/scripts proj/other/deep proj/plain proj/lib
cd proj || exit 1
cat >pyproject.toml <<'TOML'
[project]
name = "demo"

[tool.pyverify]
extends = "default"

[tool.pyverify.builtins]
extend-allow = ["id"]

# plugins/ is stricter: only math may be imported.
[[tool.pyverify.overrides]]
files = ["plugins/**"]
[tool.pyverify.overrides.imports]
allow = ["math"]

# ... and plugins/sub/ may also use json (extend-: appends to the list as it stands).
[[tool.pyverify.overrides]]
files = ["plugins/sub/"]
[tool.pyverify.overrides.imports]
extend-allow = ["json"]

# scripts/*.py may also use string; * does not cross '/'.
[[tool.pyverify.overrides]]
files = ["scripts/*.py"]
[tool.pyverify.overrides.imports]
extend-allow = ["string"]
TOML
prog='import math, json, re, string\nx = id(1)\n'
for f in plugins/p.py plugins/sub/q.py scripts/s.py scripts/x/deeper.py other/o.py \
         other/deep/d.py plain/n.py lib/l.py; do
    mkdir -p "$(dirname "$f")"
    printf "$prog" >"$f"
done
# other/deep has its own pyverify.toml: the nearest configuration wins, whole.
printf '[builtins]\nextend-allow = ["id"]\n[imports]\nallow = ["string"]\n' >other/deep/pyverify.toml
# plain/ has a pyproject.toml without [tool.pyverify]: passed over, as ruff does.
printf '[project]\nname = "plain"\n' >plain/pyproject.toml
# lib/ has both: pyverify.toml wins.
printf '[tool.pyverify.imports]\nallow = []\n' >lib/pyproject.toml
printf '[imports]\nextend-allow = ["string"]\n[builtins]\nextend-allow = ["id"]\n' >lib/pyverify.toml

expect_status 0 "--show-config" -- pv --show-config plugins/p.py plugins/sub/q.py scripts/s.py \
    scripts/x/deeper.py other/o.py other/deep/d.py plain/n.py lib/l.py
cp "$T/out" show
expect_grep show "plugins/p.py: $T/proj/pyproject.toml [tool.pyverify] + overrides #1 (plugins/**)" "plugins/** override"
expect_grep show "plugins/sub/q.py: $T/proj/pyproject.toml [tool.pyverify] + overrides #1 (plugins/**) + overrides #2 (plugins/sub/)" "both overrides, in order"
expect_grep show "scripts/s.py: $T/proj/pyproject.toml [tool.pyverify] + overrides #3 (scripts/*.py)" "scripts override"
grep -qx "scripts/x/deeper.py: $T/proj/pyproject.toml \[tool.pyverify\]" show && pass "deeper file: no override" || fail "deeper file got an override"
expect_grep show "other/deep/d.py: $T/proj/other/deep/pyverify.toml" "nearest pyverify.toml"
grep -qx "plain/n.py: $T/proj/pyproject.toml \[tool.pyverify\]" show && pass "pyproject.toml without [tool.pyverify] is passed over" || fail "plain/"
expect_grep show "lib/l.py: $T/proj/lib/pyverify.toml" "pyverify.toml wins over pyproject.toml in one directory"

# What each policy lets through (one line per finding with -q).
expect_status 1 "check the tree" -- pv -q plugins scripts other plain lib
cp "$T/out" res
want() { if grep -qF -- "$1" res; then pass "$2"; else fail "$2: '$1' missing"; sed 's/^/    | /' res >&2; fi; }
wantnot() { if grep -qF -- "$1" res; then fail "$2: '$1' found"; else pass "$2"; fi; }
want "plugins/p.py:1:14: PV400 module 'json'" "plugins: json refused"
want "plugins/p.py:1:20: PV400 module 're'" "plugins: re refused (allow replaced)"
wantnot "plugins/p.py:1:8:" "plugins: math allowed"
wantnot "plugins/p.py:2:" "plugins: id allowed (base config applies under overrides)"
wantnot "plugins/sub/q.py:1:14:" "plugins/sub: json allowed by the later override"
want "plugins/sub/q.py:1:20: PV400 module 're'" "plugins/sub: re still refused"
wantnot "scripts/s.py:1:24:" "scripts: string allowed"
want "scripts/x/deeper.py:1:24: PV400 module 'string'" "scripts/x: string refused"
want "other/deep/d.py:1:8: PV400 module 'math'" "other/deep: its own imports list"
wantnot "other/deep/d.py:1:24:" "other/deep: string allowed"
wantnot "other/o.py:2:" "other: the project policy (id allowed)"
wantnot "lib/l.py:1:24:" "lib: pyverify.toml used"
wantnot "lib/l.py:1:8:" "lib: pyverify.toml, not pyproject's empty import list"

# --rules overrides discovery for every file.
expect_status 1 "--rules switches discovery off" -- pv -q --rules /dev/null other/o.py
expect_grep "$T/out" "other/o.py:2:5: PV202 'id' is not an allowed builtin" "--rules: the default policy"
expect_status 0 "--show-config with --rules" -- pv --rules /dev/null --show-config other/o.py
expect_grep "$T/out" "other/o.py: /dev/null" "--show-config names the rules file"

# Standard input and --show-config without a path use the current directory.
(cd plugins && expect_status 0 "--show-config, no path" -- pv --show-config)
expect_grep "$T/out" ".: $T/proj/pyproject.toml [tool.pyverify] + overrides #1 (plugins/**)" "the current directory"
(cd plugins && printf 'import re\n' | expect_status 1 "stdin takes the current directory's policy" -- pv -q -)
expect_grep "$T/out" "<stdin>:1:8: PV400 module 're'" "stdin under plugins/"

# `pyverify run` finds the same policy as the checker (--rules still switches it off).
printf 'x = id(1)\nprint("ran", x > 0)\n' >other/run_id.py
expect_status 0 "run: pyproject.toml's extend-allow id applies" -- pv run other/run_id.py
expect_grep "$T/out" "ran True" "run: the program ran under the discovered policy"
expect_status 1 "run --rules /dev/null: the default policy" -- pv run --rules /dev/null other/run_id.py
expect_grep "$T/err" "PV202" "run --rules: id refused"
printf 'import json\nprint(json.dumps(1))\n' >plugins/run_json.py
expect_status 1 "run: the plugins/** override refuses json" -- pv run plugins/run_json.py
expect_grep "$T/err" "PV400 module 'json'" "run: override applied"
(cd other && printf 'print(id(1) > 0)\n' | expect_status 0 "run -: the current directory's policy" -- pv run -)

# JSON names each file's policy; outside any configuration, the default.
expect_status 1 "json with several policies" -- pv --format json plugins/p.py other/o.py
"$PY" -c '
import json, sys
d = json.load(open(sys.argv[1]))
assert d["policy"] == "<several>", d["policy"]
assert d["files"][0]["policy"].endswith("+ overrides #1 (plugins/**)"), d["files"][0]
assert d["files"][1]["policy"].endswith("pyproject.toml [tool.pyverify]"), d["files"][1]
' "$T/out" && pass "json policy fields" || fail "json policy fields"
mkdir "$T/free" && printf 'x = 1\n' >"$T/free/f.py"
expect_status 0 "no configuration: the default policy" -- pv --show-config "$T/free/f.py"
expect_grep "$T/out" "f.py: <default>" "default origin"

# Broken configurations: exit 2, the message once, other files still checked.
mkdir -p "$T/bad1/a" "$T/bad2"
printf '[tool.pyverify.bogus]\nx = 1\n' >"$T/bad1/pyproject.toml"
printf 'x = 1\n' >"$T/bad1/a/one.py"; printf 'x = 2\n' >"$T/bad1/a/two.py"
expect_status 2 "unknown table in [tool.pyverify]" -- pv "$T/bad1/a/one.py" "$T/bad1/a/two.py" "$T/free/f.py"
expect_grep "$T/err" "pyproject.toml [tool.pyverify]: unknown table [bogus]" "the loader's message"
[ "$(grep -c 'unknown table' "$T/err")" = 1 ] && pass "reported once" || fail "reported $(grep -c 'unknown table' "$T/err") times"
expect_status 2 "run: a broken configuration is exit 2" -- pv run "$T/bad1/a/one.py"
expect_grep "$T/err" "unknown table [bogus]" "run: the configuration error"
printf '[tool.pyverify\n' >"$T/bad2/pyproject.toml"; printf 'x = 1\n' >"$T/bad2/b.py"
printf 'x = 1\n' >"$T/bad2/c.py"
expect_status 2 "invalid TOML in pyproject.toml" -- pv "$T/bad2/b.py" "$T/bad2/c.py"
expect_grep "$T/err" "bad2/pyproject.toml: Expected ']'" "tomllib's message"
[ "$(grep -c "Expected ']'" "$T/err")" = 1 ] && pass "TOML error reported once" || fail "TOML error reported $(grep -c "Expected ']'" "$T/err") times"
printf '[[overrides]]\nfiles = "x"\n' >"$T/bad2/pyverify.toml"
expect_status 2 "overrides files must be a list" -- pv "$T/bad2/b.py"
expect_grep "$T/err" "files must be a non-empty list of globs" "overrides message"
printf '[[overrides]]\nfiles = ["*.py"]\nextends = "none"\n' >"$T/bad2/pyverify.toml"
expect_status 2 "extends inside an override" -- pv "$T/bad2/b.py"
expect_grep "$T/err" "extends is not allowed in an override" "extends message"
printf '[[overrides]]\nfiles = ["*.py"]\n[overrides.limits]\nmax_depth = 99999999\n' >"$T/bad2/pyverify.toml"
expect_status 2 "override values are validated by the rules loader" -- pv "$T/bad2/b.py"
expect_grep "$T/err" "exceeds the ceiling" "ceiling message"
printf '[tool]\nx = 1\n' >"$T/bad2/pyverify.toml"
expect_status 2 "a [tool] table in pyverify.toml is refused" -- pv "$T/bad2/b.py"

# Paths are walked up lexically, as os.path.abspath() spells them ('..' after a symbolic link
# is not resolved), whether or not a candidate file exists (config.c answers the no-candidate
# case in C, the rest in Python): both must see the same directories.
mkdir -p "$T/lex/cfg/sub"
printf '[builtins]\nextend-allow = ["id"]\n' >"$T/lex/cfg/pyverify.toml"
printf 'x = id(1)\n' >"$T/lex/cfg/f.py"
ln -s "$T/lex/cfg/sub" "$T/lex/link"
(cd "$T/lex" && pv --show-config link/../f.py ./cfg/./f.py cfg//f.py cfg/sub/../f.py link/ link) >"$T/out" 2>"$T/err"
expect_grep "$T/out" "link/../f.py: <default>" "'..' after a symbolic link: lexical, no configuration"
expect_grep "$T/out" "./cfg/./f.py: $T/lex/cfg/pyverify.toml" "'.' components"
expect_grep "$T/out" "cfg//f.py: $T/lex/cfg/pyverify.toml" "doubled slash"
expect_grep "$T/out" "cfg/sub/../f.py: $T/lex/cfg/pyverify.toml" "'..' without a link"
expect_grep "$T/out" "link/: <default>" "a symbolic link to a directory, walked from the link"
(cd "$T/lex" && pv link/../f.py) >"$T/out" 2>&1
[ $? -eq 1 ] && pass "link/../f.py checked with the default policy (id refused)" || fail "link/../f.py: $(cat "$T/out")"
(cd "$T/lex/cfg" && pv f.py) >"$T/out" 2>&1
[ $? -eq 0 ] && pass "f.py from its directory gets cfg/pyverify.toml" || fail "f.py: $(cat "$T/out")"
finish
