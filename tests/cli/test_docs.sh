#!/bin/bash
# The documentation matches the program: every option of `pyverify --help` is in
# pyverify(1)'s OPTIONS and the other way round, the same for the run, serve and corpus
# subcommands and their sections, each option documented once; --help names the
# subcommands; README's package list is .ci/deps's and it names every rule family; every table and key of the rules loader's
# SCHEMA is in pyverify-rules(5); --version names pyverify's and CPython's versions; the man
# pages render without warnings (when man-db is installed).
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
expect_status 0 "--help" -- pv --help
cp "$T/out" help.txt
# Options of --help: the long names in the option list (lines starting with spaces and '-').
grep -E '^  +-' help.txt | grep -oE -- '--[a-z][a-z-]*' | sort -u >help.opts
grep -oE -- '-[a-z],' help.txt | tr -d , | sort -u >help.short
# Options of the man page: the .TP entries of the OPTIONS section, roff escapes removed.
sed -n '/^\.SH OPTIONS/,/^\.SH /p' "$SRC/docs/pyverify.1" | grep -A1 '^\.TP' | grep -v '^\.TP\|^--' \
    | sed 's/\\-/-/g; s/\\f[BIRP]//g' >man.entries
grep -oE -- '--[a-z][a-z-]*' man.entries | sort -u >man.opts
grep -oE -- '(^|[ "])-[a-z]\b' man.entries | tr -d ' "' | sort -u >man.short
if [ -s help.opts ] && cmp -s help.opts man.opts; then pass "--help and pyverify(1) list the same $(wc -l <help.opts) long options"
else fail "long options differ (< --help, > man):"; diff help.opts man.opts >&2; fi
if cmp -s help.short man.short; then pass "short options agree: $(tr '\n' ' ' <help.short)"
else fail "short options differ:"; diff help.short man.short >&2; fi
# `pyverify serve --help` and the SERVICE section list the same options.
pv serve --help >serve.txt
sed -n '1,/^Verifies/p' serve.txt | grep -oE -- '--[a-z][a-z-]*' | sort -u >serve.opts
sed -n '/^\.SH SERVICE/,/^\.SH /p' "$SRC/docs/pyverify.1" | grep -A1 '^\.T[PQ]' | grep -v '^\.T[PQ]\|^--' \
    | sed 's/\\-/-/g; s/\\f[BIRP]//g' | grep -oE -- '--[a-z][a-z-]*' | sort -u >man.serve
if [ -s serve.opts ] && cmp -s serve.opts man.serve; then pass "serve --help and the SERVICE section list the same $(wc -l <serve.opts) options"
else fail "serve options differ (< --help, > man):"; diff serve.opts man.serve >&2; fi
# `pyverify run --help` and `pyverify corpus --help` (option lists: lines starting with
# spaces and '-') and the RUN and CORPUS sections list the same options.
for sub in run:RUN corpus:CORPUS; do
    cmd=${sub%%:*} sec=${sub#*:}
    pv "$cmd" --help >"$cmd.txt" || fail "$cmd --help: exit status"
    grep -E '^  +-' "$cmd.txt" | grep -oE -- '--[a-z][a-z-]*' | sort -u >"$cmd.opts"
    sed -n "/^\.SH $sec/,/^\.SH /p" "$SRC/docs/pyverify.1" | grep -A1 '^\.T[PQ]' \
        | grep -v '^\.T[PQ]\|^--' | sed 's/\\-/-/g; s/\\f[BIRP]//g' >"man.$cmd.entries"
    grep -oE -- '--[a-z][a-z-]*' "man.$cmd.entries" | sort -u >"man.$cmd"
    if [ -s "$cmd.opts" ] && cmp -s "$cmd.opts" "man.$cmd"; then
        pass "$cmd --help and the $sec section list the same $(wc -l <"$cmd.opts") options"
    else fail "$cmd options differ (< --help, > man):"; diff "$cmd.opts" "man.$cmd" >&2; fi
done
# ... and the code's getopt tables hold exactly the options --help lists (nothing hidden).
for f in cli/check.c:help.opts cli/run.c:run.opts cli/corpus.c:corpus.opts; do
    src=${f%%:*} opts=${f#*:}
    grep -oE '\{ ?"[a-z][a-z-]*", (no|required)_argument' "$SRC/$src" | sed -E 's/\{ ?"([^"]*)".*/--\1/' \
        | sort -u >getopt.opts
    if cmp -s getopt.opts "$opts"; then pass "$src: getopt options = --help options"
    else fail "$src: getopt and --help differ (< getopt, > --help):"; diff getopt.opts "$opts" >&2; fi
done
# Every option is documented once in its section (OPTIONS, RUN, SERVICE, CORPUS).
for sec in OPTIONS RUN SERVICE CORPUS; do
    sed -n "/^\.SH $sec/,/^\.SH /p" "$SRC/docs/pyverify.1" | grep -A1 '^\.T[PQ]' \
        | grep -v '^\.T[PQ]\|^--' | sed 's/\\-/-/g; s/\\f[BIRP]//g' \
        | grep -oE -- '(^|[ "])--[a-z][a-z-]*' | tr -d ' "' | sort | uniq -d >dups
    if [ -s dups ]; then fail "pyverify(1) $sec documents twice: $(tr '\n' ' ' <dups)"
    else pass "pyverify(1) $sec: each option once"; fi
done
# --help names every subcommand, and the man page's SYNOPSIS too.
for cmd in run serve corpus; do
    grep -q "pyverify $cmd \[OPTIONS\]" help.txt && pass "--help names 'pyverify $cmd'" \
        || fail "--help does not name 'pyverify $cmd'"
    sed -n '/^\.SH SYNOPSIS/,/^\.SH /p' "$SRC/docs/pyverify.1" | grep -q "^\.B pyverify $cmd\$" \
        && pass "SYNOPSIS names 'pyverify $cmd'" || fail "SYNOPSIS does not name 'pyverify $cmd'"
done
# README: the Debian package list is the one .ci/deps installs.
sed -n '/^pkgs=(/,/)/p' "$SRC/.ci/deps" | sed 's/pkgs=(//; s/)//' | tr -s ' \n' '\n' | grep . | sort >deps.ci
echo npm >>deps.ci  # installed on its own line of .ci/deps
sort -o deps.ci deps.ci
awk '/^`\.ci\/deps` installs/,/schema package/' "$SRC/README.md" | tr '\n' ' ' \
    | grep -oE '\(`[^)]*`\)|`npm`' | head -2 | tr -d '()`' | tr -s ' ' '\n' | grep . | sort >deps.readme
if [ -s deps.readme ] && cmp -s deps.ci deps.readme; then pass "README lists the $(wc -l <deps.ci) packages .ci/deps installs"
else fail "README's package list differs from .ci/deps (< .ci/deps, > README):"; diff deps.ci deps.readme >&2; fi
grep -q 'command -v npm' "$SRC/.ci/deps" || fail ".ci/deps no longer installs npm on its own: update this test"
# README: every rule family that rules.def has.
for fam in $(pv --list-rules | cut -c1-3 | sort -u); do
    grep -q "${fam}xx" "$SRC/README.md" && pass "README names the ${fam}xx family" \
        || fail "README does not name the ${fam}xx rule family"
done

# Each option's first line in --help names the same argument as the man page.
for o in rules mode format layers global color jobs explain; do
    h=$(grep -E -- "--$o( |$)" help.txt | head -1 | sed -E "s/.*--$o ([A-Z]+).*/\1/")
    grep -E -- "--$o\b" man.entries | grep -qw -- "$h" \
        && pass "--$o $h in the man page" || fail "--$o's argument '$h' not in the man page"
done
# pyverify-rules(5): every table and key the loader knows.
"$PY" - "$SRC/verifier/policy_loader.py" "$SRC/docs/pyverify-rules.5" <<'PYEOF' >rules.check 2>&1
import ast, re, sys
tree = ast.parse(open(sys.argv[1]).read())
schema = None
for node in tree.body:
    if isinstance(node, ast.Assign) and any(getattr(t, "id", "") == "SCHEMA" for t in node.targets):
        schema = node.value
assert isinstance(schema, ast.Dict), "SCHEMA not found"
man = open(sys.argv[2]).read().replace("\\-", "-")
missing = []
n = 0
for tk, tv in zip(schema.keys, schema.values):
    table = tk.value
    sec = re.search(r"^\.SS \[" + re.escape(table) + r"\]\n(.*?)(?=^\.S[SH] )", man, re.M | re.S)
    if not sec:
        missing.append(f"[{table}]")
        continue
    for k in tv.keys:
        n += 1
        if not re.search(r"^\.BR? " + re.escape(k.value) + r"\b", sec.group(1), re.M):
            missing.append(f"[{table}] {k.value}")
for key in ("extends", "overrides", "files", "extend-"):
    if key not in man:
        missing.append(key)
print(f"{n} keys")
if missing:
    print("undocumented:", ", ".join(missing))
    sys.exit(1)
PYEOF
if [ $? -eq 0 ]; then pass "pyverify-rules(5) documents every key ($(cat rules.check))"
else fail "pyverify-rules(5)"; cat rules.check >&2; fi

# --version: pyverify's and the embedded CPython's (the libpython3.11 this binary uses).
expect_status 0 "--version" -- pv --version
want="pyverify 0.1.0 (CPython $("$PY" -c 'import platform; print(platform.python_version())'))"
[ "$(head -1 "$T/out")" = "$want" ] && pass "--version: $want" || fail "--version: '$(head -1 "$T/out")', expected '$want'"
# the second line says whether the build-time default tables were used (a stale one never is)
sed -n 2p "$T/out" | grep -qE '^default policy tables: (from the build \(key matched\)|derived at start-up \(.+\))$' \
    && pass "--version: $(sed -n 2p "$T/out")" || fail "--version: no line on the default policy tables"

if command -v man >/dev/null && command -v groff >/dev/null; then
    for page in pyverify.1 pyverify-rules.5; do
        MANWIDTH=80 man --warnings -l "$SRC/docs/$page" >page.txt 2>warn.txt
        if [ -s page.txt ] && [ ! -s warn.txt ]; then pass "$page renders without warnings"
        else fail "$page renders with warnings:"; head warn.txt >&2; fi
    done
    MANWIDTH=80 man -l "$SRC/docs/pyverify.1" >page.txt 2>/dev/null
    expect_grep page.txt "no inline suppression comments" "pyverify(1) says there are no suppression comments"
else
    echo "skip: man/groff not installed, pages not rendered"
fi
finish
