#!/usr/bin/env bash
# stdlib_check.sh PYVERIFY WORKDIR: compile every pure-Python module of the Debian stdlib
# (/usr/lib/python3.11, without site-packages) with this CPython's py_compile, then check
# that every .pyc passes `pyverify --pyc-structure`, and report how many the default policy
# accepts (the policy may reject the stdlib; the structure may not).
set -u
PV=$1
W=$2
PY=/usr/bin/python3.11
rm -rf "$W" && mkdir -p "$W"
"$PY" - "$W" <<'PYEOF' || exit 1
import os, py_compile, sys
out = sys.argv[1]
src = '/usr/lib/python3.11'
n = 0
with open(os.path.join(out, 'list.txt'), 'w') as lst:
    for root, dirs, files in os.walk(src):
        dirs[:] = sorted(d for d in dirs if d not in ('__pycache__', 'site-packages', 'dist-packages'))
        for f in sorted(files):
            if not f.endswith('.py'):
                continue
            p = os.path.join(root, f)
            dst = os.path.join(out, 'std', os.path.relpath(p, src) + 'c')
            os.makedirs(os.path.dirname(dst), exist_ok=True)
            try:
                py_compile.compile(p, cfile=dst, doraise=True,
                                   invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH)
            except py_compile.PyCompileError:
                continue  # a file CPython itself does not compile (e.g. lib2to3 test data)
            lst.write(dst + '\n')
            n += 1
print(f'{n} modules compiled')
PYEOF
xargs "$PV" --pyc-structure --format json -j2 <"$W/list.txt" >"$W/structure.json"
xargs "$PV" --pyc --format json -j2 <"$W/list.txt" >"$W/policy.json"
"$PY" - "$W" <<'PYEOF'
import json, sys, collections
w = sys.argv[1]
def load(name):
    # xargs may split the list over several runs: one JSON document each.
    text = open(f'{w}/{name}').read()
    dec, i, files = json.JSONDecoder(), 0, []
    while i < len(text):
        while i < len(text) and text[i].isspace():
            i += 1
        if i >= len(text):
            break
        d, i = dec.raw_decode(text, i)
        files += d['files']
    return files
s, p = load('structure.json'), load('policy.json')
bad = [f for f in s if f['verdict'] != 'accepted']
for f in bad[:20]:
    print('NOT ACCEPTED:', f['path'], [d['code'] + ' ' + d['message'] for d in f['diagnostics']][:3])
pc = collections.Counter(d['code'] for f in p for d in f['diagnostics'])
# The structural codes: PV507, PV509-PV518 and PV7xx (PV519 and later PV5xx are policy rules).
structural = {c for c in pc if c == 'PV507' or 'PV509' <= c <= 'PV518' or c.startswith('PV7')}
print(f"stdlib .pyc: {len(s)} files, {len(s) - len(bad)} pass the structural checks; "
      f"default policy: {sum(f['verdict'] == 'accepted' for f in p)} accepted, "
      f"{sum(f['verdict'] != 'accepted' for f in p)} rejected; codes {dict(pc.most_common(8))}")
if structural:
    print('structural codes under the policy run:', structural)
sys.exit(1 if bad or structural or not s else 0)
PYEOF
