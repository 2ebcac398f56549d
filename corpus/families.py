#!/usr/bin/python3
# families.py: rewrites the "Families → files" section of corpus/README.md from the files
# themselves (the family is the NN of fNN-name.py), so the counts cannot drift.
#   python3 corpus/families.py          rewrite corpus/README.md
#   python3 corpus/families.py --check  exit 1 when the README is stale
import os
import re
import sys

FAMILIES = {
    1: "Object-graph walks with dunders", 2: "Introspection without dunders",
    3: "Names as strings", 4: "Hiding places in the tree", 5: "Implicit calls",
    6: "Namespaces and builtins", 7: "Imports", 8: "Fooling text-based checks",
    9: "Checker pitfalls", 10: "Bytecode", 11: "Interpreter bugs", 12: "Resources",
    13: "OS-level escape attempts", 14: "Against the verifier itself",
    15: "Values that become names or code in library code", 16: "Native code in the child",
    17: "Against the service and the host",
}
DIRS = ("escapes", "runtime", "contain", "host")
here = os.path.dirname(os.path.abspath(__file__))
cases = {d: {} for d in DIRS}
for d in DIRS:
    for f in sorted(os.listdir(os.path.join(here, d))):
        m = re.match(r"f(\d\d)-.*\.py$", f)
        if m:
            cases[d].setdefault(int(m.group(1)), []).append(f[:-3])

out = ["## Families → files", "", "| # | family | " + " | ".join(DIRS) + " |",
       "|---|---|" + "---|" * len(DIRS)]
for n, name in FAMILIES.items():
    cells = [str(len(cases[d].get(n, []))) if cases[d].get(n) else "" for d in DIRS]
    if any(cells):
        out.append(f"| {n} | {name} | " + " | ".join(cells) + " |")
totals = [sum(len(v) for v in cases[d].values()) for d in DIRS]
out.append("| | **total** | " + " | ".join(f"**{t}**" for t in totals) + " |")
out.append("")
for n in FAMILIES:
    for d in DIRS:
        names = cases[d].get(n)
        if names:
            out.append(f"- **{n} · {d}/** ({len(names)}): " + ", ".join(f"`{x}`" for x in names))
section = "\n".join(out) + "\n"

path = os.path.join(here, "README.md")
text = open(path, encoding="utf-8").read()
m = re.search(r"^## Families → files\n.*?(?=^## |\Z)", text, flags=re.S | re.M)
if not m:
    sys.exit("corpus/README.md: no '## Families → files' section")
new = text[:m.start()] + section + ("\n" if text[m.end():] else "") + text[m.end():]
for d, t in zip(DIRS, totals):
    new = re.sub(rf"\| `{d}/` \| \d+ \|", f"| `{d}/` | {t} |", new)
benign = len([f for f in os.listdir(os.path.join(here, "benign")) if f.endswith(".py")])
new = re.sub(r"\| `benign/` \| \d+ \|", f"| `benign/` | {benign} |", new)
if "--check" in sys.argv[1:]:
    if new != text:
        sys.exit("corpus/README.md is stale: run python3 corpus/families.py")
    sys.exit(0)
open(path, "w", encoding="utf-8").write(new)
