#!/bin/bash
# --format sarif: the log validates against the official SARIF 2.1.0 JSON schema (taken from
# the npm package @microsoft/jest-sarif, fetched here with npm, never written by hand) with
# Debian's python3-jsonschema, and carries what GitHub code scanning needs: rules with help
# text, results with a rule, a message and a region.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
SCHEMA_PKG=@microsoft/jest-sarif@1.0.0-beta.0
command -v npm >/dev/null || { fail "npm is needed to fetch the SARIF schema"; finish; }
"$PY" -c 'import jsonschema' 2>/dev/null || { fail "python3-jsonschema is not installed"; finish; }
mkdir npm-cache
if ! timeout 180 npm pack --silent --cache "$T/npm-cache" "$SCHEMA_PKG" >pack.out 2>pack.err; then
    fail "npm pack $SCHEMA_PKG"; cat pack.err >&2; finish
fi
tar xzf "$(tail -1 pack.out)" package/lib/schemas/sarif-2.1.0-rtm.5.json || { fail "schema not in the package"; finish; }
SCHEMA=$T/package/lib/schemas/sarif-2.1.0-rtm.5.json
pass "fetched the SARIF 2.1.0 schema from $SCHEMA_PKG"

mkdir src
printf 'x = 1\n' >src/ok.py
printf "s = '\xc3\xa9'; ().__class__\nimport os\n" >src/bad.py
printf 'y = 1\0\n' >"src/n u l.py"
printf 'eval("1")\n' >$'src/caf\xc3\xa9.py'
expect_status 2 "sarif over accepted, rejected, invalid and missing files" -- \
    pv --format sarif src/ok.py src/bad.py "src/n u l.py" $'src/caf\xc3\xa9.py' src/missing.py
cp out log.sarif
expect_status 1 "sarif of a rejected file, absolute path" -- pv --format sarif "$T/src/bad.py"
cp out abs.sarif
expect_status 0 "sarif of an accepted file" -- pv --format sarif src/ok.py
cp out ok.sarif

"$PY" - "$SCHEMA" log.sarif abs.sarif ok.sarif <<'PYEOF' >check.out 2>&1
import json, sys
import jsonschema
schema = json.load(open(sys.argv[1]))
cls = jsonschema.validators.validator_for(schema)
cls.check_schema(schema)
errors = []
def want(cond, what):
    if not cond:
        errors.append(what)
docs = {}
for p in sys.argv[2:]:
    doc = json.load(open(p))
    docs[p] = doc
    v = cls(schema)
    errs = sorted(v.iter_errors(doc), key=lambda e: list(e.path))
    for e in errs[:5]:
        errors.append(f"{p}: schema: {list(e.path)}: {e.message[:200]}")
    want(doc["version"] == "2.1.0", f"{p}: version")
    run = doc["runs"][0]
    drv = run["tool"]["driver"]
    want(drv["name"] == "pyverify" and drv["version"] == "0.1.0", f"{p}: driver")
    ids = [r["id"] for r in drv["rules"]]
    want("PV300" in ids and "PV400" in ids and "PV001" in ids, f"{p}: rule catalogue")
    for r in drv["rules"]:
        want(r["help"]["text"] and r["shortDescription"]["text"] and r["fullDescription"]["text"],
             f"{p}: help text of {r['id']}")
    for res in run["results"]:
        want(ids[res["ruleIndex"]] == res["ruleId"], f"{p}: ruleIndex of {res['ruleId']}")
        want(res["message"]["text"], f"{p}: message")
        loc = res["locations"][0]["physicalLocation"]
        want(loc["region"]["startLine"] >= 1 and loc["region"]["startColumn"] >= 1, f"{p}: region")
log = docs["log.sarif"]["runs"][0]
got = [(r["ruleId"], r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        r["locations"][0]["physicalLocation"]["region"]["startLine"],
        r["locations"][0]["physicalLocation"]["region"]["startColumn"]) for r in log["results"]]
want(got == [("PV300", "src/bad.py", 1, 13), ("PV400", "src/bad.py", 2, 8),
             ("PV001", "src/n%20u%20l.py", 1, 6), ("PV202", "src/caf%C3%A9.py", 1, 1)],
     f"results {got}")
r0 = log["results"][0]["locations"][0]["physicalLocation"]["region"]
want((r0.get("endLine"), r0.get("endColumn")) == (1, 22), f"PV300 end {r0}")
want(log["columnKind"] == "unicodeCodePoints", "columnKind")
inv = log["invocations"][0]
want(inv["executionSuccessful"] is False, "an input error is an unsuccessful execution")
notes = inv["toolExecutionNotifications"]
want(len(notes) == 1 and "missing.py" in notes[0]["message"]["text"]
     and notes[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "src/missing.py",
     f"missing file notification {notes}")
a = docs["abs.sarif"]["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
want(a.startswith("file:///") and a.endswith("/src/bad.py"), f"absolute uri {a}")
ok = docs["ok.sarif"]["runs"][0]
want(ok["results"] == [] and ok["invocations"][0]["executionSuccessful"] is True, "accepted run")
for e in errors:
    print("sarif:", e)
sys.exit(1 if errors else 0)
PYEOF
if [ $? -eq 0 ]; then pass "SARIF logs validate against sarif-2.1.0-rtm.5.json and carry rules, regions"
else fail "SARIF validation"; cat check.out >&2; fi

# A deliberately broken log must fail validation: the check itself is alive.
"$PY" - "$SCHEMA" <<'PYEOF' >/dev/null 2>&1
import json, sys, jsonschema
s = json.load(open(sys.argv[1]))
jsonschema.validators.validator_for(s)(s).validate({"version": "2.1.0", "runs": [{"tool": {}}]})
PYEOF
if [ $? -ne 0 ]; then pass "a broken log fails validation"; else fail "schema accepted a broken log"; fi

finish
