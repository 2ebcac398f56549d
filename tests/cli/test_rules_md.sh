#!/bin/bash
# docs/rules.md is the current output of docs/gen-rules-md.sh (the --explain text of every
# rule in verifier/rules.def), and every SARIF rule's helpUri names one of its headings.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
if bash "$SRC/docs/gen-rules-md.sh" "$PV" >rules.md 2>gen.err && cmp -s rules.md "$SRC/docs/rules.md"; then
    pass "docs/rules.md is up to date ($(grep -c '^## PV' rules.md) rules)"
else
    fail "docs/rules.md is stale: run docs/gen-rules-md.sh build/pyverify > docs/rules.md"
    diff "$SRC/docs/rules.md" rules.md | head -20 >&2; cat gen.err >&2
fi
[ "$(grep -c '^## PV' rules.md)" = "$(pv --list-rules | wc -l)" ] \
    && pass "one heading per rule code" || fail "headings and --list-rules differ"
printf 'x = ().__class__\n' >e.py
pv --format sarif e.py >sarif.json
"$PY" - sarif.json "$SRC/docs/rules.md" <<'PYEOF' && pass "every SARIF helpUri names a heading of docs/rules.md" || fail "SARIF helpUri"
import json, re, sys
rules = json.load(open(sys.argv[1]))["runs"][0]["tool"]["driver"]["rules"]
anchors = {h.lower() for h in re.findall(r"^## (PV\d{3})$", open(sys.argv[2]).read(), re.M)}
base = "https://github.com/pyverify/pyverify/blob/main/docs/rules.md#"
bad = [r["id"] for r in rules if r.get("helpUri") != base + r["id"].lower() or r["id"].lower() not in anchors]
assert rules and not bad, bad
PYEOF
finish
