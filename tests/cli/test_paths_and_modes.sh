#!/bin/bash
# Inputs and modes: a directory (sorted, *.py only, hidden directories and __pycache__
# skipped), `-` for standard input, --mode expr, --global, --layers.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
mkdir -p tree/sub tree/.hidden tree/__pycache__ tree/b_dir
printf '().__class__\n' >tree/z.py
printf '().__class__\n' >tree/a.py
printf '().__class__\n' >tree/sub/m.py
printf '().__class__\n' >tree/b_dir/k.py
printf '().__class__\n' >tree/.hidden/h.py
printf '().__class__\n' >tree/__pycache__/c.py
printf '().__class__\n' >tree/notes.txt
printf '().__class__\n' >tree/script.pyw
printf '().__class__\n' >tree/.dot.py
expect_status 1 "directory argument" -- pv tree
grep -E '^tree' out | cut -d: -f1 >got
printf 'tree/a.py\ntree/b_dir/k.py\ntree/sub/m.py\ntree/z.py\n' >expected
if cmp -s expected got; then pass "directory: sorted, *.py only, hidden and __pycache__ skipped"; else
    fail "directory walk"; diff expected got >&2; fi
expect_grep out "4 files checked" "four files counted"
# A trailing slash does not double the separator.
expect_status 1 "directory with a trailing slash" -- pv tree/
expect_grep out "tree/a.py:1:4: PV300" "path joined with one slash"
# An empty directory: nothing to check.
mkdir empty
pv empty >out 2>err
st=$?
if [ "$st" -eq 0 ] || [ "$st" -eq 2 ]; then pass "empty directory (exit $st)"; else fail "empty directory: exit $st"; fi
# A symbolic link to a directory is not followed (no loops).
ln -s .. tree/sub/up
expect_status 1 "symlink loop is not followed" -- pv tree

# Default excludes (like ruff's) and --exclude: only what a directory search finds.
mkdir -p ex/venv ex/.venv ex/build ex/dist ex/node_modules ex/site-packages ex/__pypackages__ \
         ex/.git ex/.tox ex/.mypy_cache ex/gen ex/src/gen ex/src/keep
printf 'x = 1\n' >ex/ok.py
printf 'x = 1\n' >ex/src/keep/k.py
for d in venv .venv build dist node_modules site-packages __pypackages__ .git .tox .mypy_cache \
         gen src/gen; do printf '().__class__\n' >"ex/$d/bad.py"; done
printf '().__class__\n' >ex/src/generated.py
expect_status 1 "without --exclude, gen/ is checked" -- pv ex
grep -E '^ex' out | cut -d: -f1 | sort -u >got
printf 'ex/gen/bad.py\nex/src/gen/bad.py\nex/src/generated.py\n' >expected
if cmp -s expected got; then pass "default excludes: venv, .venv, build, dist, node_modules, site-packages, ... skipped"
else fail "default excludes"; diff expected got >&2; fi
expect_status 0 "--exclude by name, repeated" -- pv --exclude gen --exclude 'generated*' ex
expect_grep out "All checks passed: 2 files" "excluded files are not counted"
expect_status 1 "--exclude with a slash matches the path" -- pv --exclude 'ex/gen/' ex
grep -E '^ex' out | cut -d: -f1 | sort -u >got
printf 'ex/src/gen/bad.py\nex/src/generated.py\n' >expected
if cmp -s expected got; then pass "'ex/gen/' excludes that directory only"; else fail "path exclude"; diff expected got >&2; fi
expect_status 1 "a file named on the command line is checked even when excluded" -- pv --exclude gen ex/gen/bad.py
expect_status 1 "a directory named on the command line is searched (venv)" -- pv ex/venv
expect_status 2 "--exclude ''" -- pv --exclude '' ex

# Symbolic links found in a directory search are not followed unless --follow-symlinks.
mkdir -p ln/src outside
printf 'x = 1\n' >ln/src/ok.py
printf '().__class__\n' >outside/bad.py
ln -s ../../outside ln/src/linkdir
ln -s ../../outside/bad.py ln/src/linkfile.py
ln -s .. ln/src/loop
expect_status 0 "symlinks not followed by default" -- pv ln
expect_grep out "All checks passed: 1 file" "only the regular file is checked"
expect_status 1 "--follow-symlinks" -- pv --follow-symlinks ln
grep -E '^ln' out | cut -d: -f1 | sort -u >got
printf 'ln/src/linkdir/bad.py\nln/src/linkfile.py\n' >expected
if cmp -s expected got; then pass "--follow-symlinks: linked file and directory checked, the loop searched once"
else fail "--follow-symlinks"; diff expected got >&2; fi
expect_grep out "3 files checked" "the loop adds no file"

# Standard input.
printf 'x = 1\n' | pv - >out 2>err
[ $? -eq 0 ] && pass "stdin accepted" || fail "stdin accepted"
printf 'x = ().__class__\n' | pv - >out 2>err
[ $? -eq 1 ] && pass "stdin rejected" || fail "stdin rejected"
expect_grep out "<stdin>:1:8: PV300" "stdin is named <stdin>"
printf 'x = 1\0\n' | pv - >out 2>err
[ $? -eq 2 ] && pass "stdin with a NUL byte" || fail "stdin with a NUL byte"

# Expression mode and host globals.
printf 'price * qty\n' >formula.py
expect_status 1 "expr without globals" -- pv --mode expr formula.py
expect_grep out "formula.py:1:1: PV205" "undefined price"
expect_status 0 "expr with --global price --global qty" -- pv --mode expr --global price --global qty formula.py
expect_status 1 "expr with one of two globals" -- pv --mode expr --global price formula.py
expect_grep out "formula.py:1:9: PV205" "undefined qty"
printf "__import__('os')\n" >imp.py
expect_status 1 "expr __import__" -- pv --mode expr imp.py
expect_grep out "imp.py:1:1: PV200" "__import__ is a dunder"
printf 'x = 1\n' >stmt.py
expect_status 1 "a statement in expr mode" -- pv --mode expr stmt.py
expect_grep out "PV005" "statement in expr mode is a syntax error"
expect_status 0 "the same statement in module mode" -- pv --mode module stmt.py
expect_status 2 "--global with a dunder" -- pv --mode expr --global __x__ formula.py
printf 'price * 2\n' | pv --mode expr --global price - >out 2>err
[ $? -eq 0 ] && pass "expr from stdin" || fail "expr from stdin"

# Layers: the escape is
# rejected by each layer alone, with that layer's code.
printf '().__class__\n' >esc.py
expect_status 1 "--layers ast" -- pv --layers ast esc.py
expect_grep out "PV300" "layer 1 code"
expect_status 1 "--layers bytecode" -- pv --layers bytecode esc.py
expect_grep out "PV503" "layer 2 code"
expect_no_grep out ": PV300 " "no layer 1 finding with --layers bytecode"
expect_status 1 "--layers ast,bytecode" -- pv --layers ast,bytecode esc.py
expect_status 1 "--layers bytecode,ast" -- pv --layers bytecode,ast esc.py
printf 'x = [1]\ny = x.copy()\n' >fine.py
expect_status 0 "--layers bytecode on an accepted file" -- pv --layers bytecode fine.py

finish
