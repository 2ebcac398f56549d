#!/bin/bash
# The pre-commit hook, through Debian's real pre-commit and without network: a throw-away
# hooks repository (file://) holding this checkout's .pre-commit-hooks.yaml, a project
# repository whose .pre-commit-config.yaml points at it, then a commit adding an attack file
# (refused, with the diagnostic) and one adding a benign file (goes through). The project
# also has a [tool.pyverify] policy in pyproject.toml that the hook must pick up.
source "$(dirname "$0")/lib.sh" "$@"

command -v pre-commit >/dev/null || { fail "pre-commit is not installed (apt package pre-commit)"; finish; }
command -v git >/dev/null || { fail "git is not installed"; finish; }
cd "$T" || exit 1
mkdir bin home
ln -s "$PV" bin/pyverify
export PATH=$T/bin:$PATH HOME=$T/home PRE_COMMIT_HOME=$T/pc-cache GIT_CONFIG_NOSYSTEM=1
export GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.invalid GIT_COMMITTER_NAME=t
export GIT_COMMITTER_EMAIL=t@example.invalid PRE_COMMIT_COLOR=never
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE
g() { timeout 120 git "$@"; }

# The hooks repository: a temporary copy of this checkout's hook manifest.
mkdir hooks
cp "$SRC/.pre-commit-hooks.yaml" "$SRC/README.md" hooks/
(cd hooks && g init -q -b main && g add . && g commit -q -m hooks) || { fail "hooks repo"; finish; }
rev=$(cd hooks && git rev-parse HEAD)

mkdir proj
cd proj || exit 1
g init -q -b main
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: file://$T/hooks
    rev: $rev
    hooks:
      - id: pyverify
YAML
# The project's policy: the default plus one builtin, 'id'.
cat >pyproject.toml <<'TOML'
[project]
name = "demo"

[tool.pyverify.builtins]
extend-allow = ["id"]
TOML
g add .pre-commit-config.yaml pyproject.toml && g commit -q -m config --no-verify
expect_status 0 "pre-commit install" -- timeout 120 pre-commit install

printf 'def f(x):\n    return ().__class__.__bases__[0].__subclasses__()\n' >attack.py
g add attack.py
expect_status 1 "a commit adding an attack file is refused" -- g commit -m attack
cat "$T/out" "$T/err" >commit.log
expect_grep commit.log "attack.py:2:15: PV300 attribute '__class__' is private" "the diagnostic is shown"
expect_grep commit.log "pyverify (whitelist verifier for untrusted Python)" "the hook ran"
if g rev-parse -q --verify HEAD~1 >/dev/null; then fail "the attack was committed"; else pass "nothing committed"; fi
g rm -q --cached attack.py && rm attack.py

printf 'def key(x):\n    return (id(x), sorted([x]))\n' >benign.py
g add benign.py
expect_status 0 "a commit adding a benign file goes through (id allowed by pyproject.toml)" -- g commit -m benign
cat "$T/out" "$T/err" >commit.log
expect_grep commit.log "Passed" "the hook passed"
[ "$(git log --format=%s -1)" = benign ] && pass "the benign file is committed" || fail "benign commit missing"

# The same file is refused without the project policy: the hook used pyproject.toml.
expect_status 1 "the benign file breaks the default policy" -- pv --rules /dev/null benign.py
expect_grep "$T/out" "PV202" "id is not a default builtin"

# A non-Python file is not passed to the hook.
printf 'not python ().__class__\n' >notes.txt
g add notes.txt
expect_status 0 "a commit of a non-Python file skips the hook" -- g commit -m notes
finish
