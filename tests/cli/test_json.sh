#!/bin/bash
# --format json: one document with every diagnostic field and a summary, parsed by Python.
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
printf 'x = 1\n' >ok.py
printf "s = '\xc3\xa9'; ().__class__\nimport os\n" >bad.py
printf 'x = 1\0\n' >nul.py
expect_status 2 "json run over accepted, rejected, invalid and missing files" -- \
    pv --format json ok.py bad.py nul.py missing.py
cp out doc.json
"$PY" - doc.json <<'PYEOF' >check.out 2>&1
import json, sys
doc = json.load(open(sys.argv[1]))
errors = []
def want(cond, what):
    if not cond:
        errors.append(what)
want(doc.get("pyverify") == "0.1.0", "pyverify version")
want(str(doc.get("python", "")).startswith("3.11"), "python version")
want(doc.get("policy") == "<default>", "policy origin")
files = doc["files"]
want([f["path"] for f in files] == ["ok.py", "bad.py", "nul.py", "missing.py"], "file order")
want([f["verdict"] for f in files] == ["accepted", "rejected", "invalid", "invalid"], "verdicts")
want(files[0]["diagnostics"] == [], "accepted file has no diagnostics")
want("error" in files[3] and "missing.py" in files[3]["error"], "missing file carries an error")
fields = ["code", "title", "severity", "layer", "message", "file", "line", "col",
          "end_line", "end_col", "hint"]
d = files[1]["diagnostics"]
want(len(d) == 2, "two diagnostics for bad.py")
for x in d + files[2]["diagnostics"]:
    want(sorted(x) == sorted(fields), f"fields of {x.get('code')}: {sorted(x)}")
    want(x["severity"] == "error", "severity")
    want(isinstance(x["line"], int) and isinstance(x["col"], int), "integer positions")
a, b = d
want((a["code"], a["line"], a["col"], a["end_line"], a["end_col"]) == ("PV300", 1, 13, 1, 22),
     f"PV300 position {a}")
want(a["layer"] == "ast" and a["file"] == "bad.py" and "__class__" in a["message"], "PV300 text")
want(a["title"] == "private or dunder attribute", "PV300 title")
want(a["hint"] and "_" in a["hint"], "PV300 hint")
want((b["code"], b["line"], b["col"]) == ("PV400", 2, 8), f"PV400 position {b}")
n = files[2]["diagnostics"]
want(len(n) == 1 and n[0]["code"] == "PV001" and n[0]["layer"] == "input"
     and (n[0]["line"], n[0]["col"]) == (1, 6), f"PV001 {n}")
want(doc["summary"] == {"files": 4, "accepted": 1, "rejected": 1, "invalid": 2,
                        "diagnostics": 3}, f"summary {doc['summary']}")
for e in errors:
    print("json:", e)
sys.exit(1 if errors else 0)
PYEOF
if [ $? -eq 0 ]; then pass "json document"; else fail "json document"; cat check.out >&2; cat doc.json >&2; fi

# The JSON document is the whole of stdout, even when every file is accepted.
expect_status 0 "json, accepted" -- pv --format json ok.py
if "$PY" -c 'import json,sys; d=json.load(open(sys.argv[1])); assert d["summary"]["accepted"]==1 and d["files"][0]["verdict"]=="accepted"' out; then
    pass "json for an accepted file"; else fail "json for an accepted file"; cat out >&2; fi
# Non-ASCII text is escaped, so the document is ASCII.
printf '\xc3\xa9t\xc3\xa9 = ().__class__\n' >u.py
expect_status 1 "json with non-ASCII source" -- pv --format json u.py
if LC_ALL=C grep -q '[^[:print:][:space:]]' out; then fail "json output is not ASCII"; else pass "json output is ASCII"; fi
"$PY" -c 'import json,sys; json.load(open(sys.argv[1]))' out || fail "json with non-ASCII does not parse"

finish
