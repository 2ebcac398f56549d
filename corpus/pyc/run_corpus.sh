#!/usr/bin/env bash
# run_corpus.sh PYVERIFY SRCDIR [WORKDIR]: the crafted-bytecode corpus, through the CLI.
#   1. make_corpus.py generates the cases (deterministically) into WORKDIR;
#   2. every `accepted` case passes `pyverify --pyc` and runs with `pyverify run --pyc`;
#   3. every `structure` case is refused by `pyverify --pyc-structure` with its rule code
#      among the diagnostics, and by `pyverify --pyc`; no case crashes the verifier;
#   4. every `policy` case passes --pyc-structure and is refused by --pyc with its code;
#   5. every rule code of the .pyc family (PV510-PV518, PV700-PV705) has a case;
#   6. the benign corpus compiled to .pyc verifies and runs with the same output, and the
#      fuzz regressions (corpus/pyc/regressions) verify without crashing.
set -u
PV=$1
SRC=$2
W=${3:-$(mktemp -d)}
PY=/usr/bin/python3.11
fails=0
fail() { echo "FAIL: $*" >&2; fails=$((fails + 1)); }

rm -rf "$W/cases"
"$PY" "$SRC/corpus/pyc/make_corpus.py" "$W/cases" >/dev/null || { echo "FAIL: make_corpus.py"; exit 1; }
# Determinism: a second run writes the same bytes.
"$PY" "$SRC/corpus/pyc/make_corpus.py" "$W/cases2" >/dev/null
if ! diff -r "$W/cases" "$W/cases2" >/dev/null; then fail "make_corpus.py is not deterministic"; fi
rm -rf "$W/cases2"

codes() { # the rule codes of a JSON report, one a line
    "$PY" -c 'import json,sys; d=json.load(sys.stdin)
for f in d["files"]:
    for x in f["diagnostics"]: print(x["code"])' <"$1" 2>/dev/null
}

n=0
seen=" "
while IFS=$'\t' read -r name expect code what; do
    n=$((n + 1))
    f="$W/cases/$name.pyc"
    "$PV" --pyc-structure --format json -j1 "$f" >"$W/s.json" 2>"$W/s.err"
    st=$?
    "$PV" --pyc --format json -j1 "$f" >"$W/p.json" 2>"$W/p.err"
    pt=$?
    if [ $st -gt 2 ] || [ $pt -gt 2 ]; then fail "$name: the verifier crashed (exit $st/$pt)"; continue; fi
    case $expect in
    accepted)
        [ $st -eq 0 ] && [ $pt -eq 0 ] || { fail "$name: not accepted ($st/$pt): $(codes "$W/p.json" | tr '\n' ' ')"; continue; }
        "$PV" run --pyc "$f" >"$W/run.out" 2>"$W/run.err"
        rt=$?
        [ $rt -eq 0 ] || fail "$name: run --pyc exit $rt: $(tail -2 "$W/run.err")"
        ;;
    structure)
        [ $st -ne 0 ] && [ $pt -ne 0 ] || { fail "$name: accepted ($st/$pt), expected $code ($what)"; continue; }
        codes "$W/s.json" | grep -qx "$code" || fail "$name: $code not reported ($what); got $(codes "$W/s.json" | tr '\n' ' ')"
        "$PV" run --pyc "$f" >/dev/null 2>&1
        rt=$?
        [ $rt -eq 1 ] || [ $rt -eq 2 ] || fail "$name: run --pyc exit $rt (expected a refusal)"
        seen="$seen$code "
        ;;
    policy)
        [ $st -eq 0 ] || { fail "$name: structurally refused: $(codes "$W/s.json" | tr '\n' ' ')"; continue; }
        [ $pt -eq 1 ] || { fail "$name: policy exit $pt, expected 1"; continue; }
        codes "$W/p.json" | grep -qx "$code" || fail "$name: $code not reported by the policy"
        ;;
    *) fail "$name: unknown expectation $expect" ;;
    esac
done <"$W/cases/cases.tsv"

# The benign corpus, compiled by CPython: every .pyc passes --pyc (structure and policy)
# and `run --pyc` reproduces the expected output exactly.
nb=0
mkdir -p "$W/benign"
for py in "$SRC"/corpus/benign/*.py; do
    b=$(basename "$py" .py)
    "$PY" -c 'import py_compile, sys
py_compile.compile(sys.argv[1], cfile=sys.argv[2], doraise=True,
                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)' "$py" "$W/benign/$b.pyc" \
        || { fail "benign $b: py_compile"; continue; }
    nb=$((nb + 1))
    "$PV" --pyc -j1 "$W/benign/$b.pyc" >"$W/b.out" 2>&1 || { fail "benign $b: not accepted: $(head -3 "$W/b.out")"; continue; }
    "$PV" run --pyc "$W/benign/$b.pyc" >"$W/b.out" 2>/dev/null || fail "benign $b: run --pyc failed"
    cmp -s "$W/b.out" "${py%.py}.out" || fail "benign $b: output differs from $b.out"
done
echo "benign corpus: $nb programs compiled to .pyc, verified and run"

# Fuzz regressions (corpus/pyc/regressions): inputs that once ended badly in fuzz_pyc;
# whatever their verdict, verifying them and running what is accepted must not crash.
for f in "$SRC"/corpus/pyc/regressions/*; do
    [ -f "$f" ] || continue
    for mode in --pyc-structure --pyc; do
        "$PV" $mode -q -j1 "$f" >/dev/null 2>&1
        rt=$?
        [ $rt -le 2 ] || fail "regression $(basename "$f") $mode: exit $rt"
    done
    "$PV" run --pyc "$f" >/dev/null 2>"$W/r.err"
    rt=$?
    { [ $rt -le 3 ] && ! grep -q "status=crashed" "$W/r.err"; } \
        || fail "regression $(basename "$f"): run --pyc exit $rt: $(tail -1 "$W/r.err")"
done

for c in PV507 PV510 PV511 PV512 PV513 PV514 PV515 PV516 PV517 PV518 PV700 PV701 PV702 PV703 PV704 PV705; do
    case $seen in *" $c "*) ;; *) fail "no corpus case for $c" ;; esac
done
echo "pyc corpus: $n cases, $fails failure(s)"
[ $fails -eq 0 ]
