#!/bin/bash
# The issue's acceptance pair, as a new user would try it: the classic escape gets a
# precise diagnostic and exit 1; a realistic program with classes, generators, f-strings,
# super().__init__(), collections, re and json exits 0 (both layers, default policy).
source "$(dirname "$0")/lib.sh" "$@"

cd "$T" || exit 1
printf '().__class__.__bases__[0].__subclasses__()\n' >escape.py
expect_status 1 "the escape is rejected" -- pv escape.py
if [ "$(head -1 out)" = "escape.py:1:4: PV300 attribute '__class__' is private" ]; then
    pass "first line: escape.py:1:4: PV300"; else fail "first line is: $(head -1 out)"; fi
if [ "$(sed -n 3p out)" = "       ^^^^^^^^^" ]; then pass "caret under __class__"; else
    fail "caret line is: '$(sed -n 3p out)'"; fi
expect_grep out "escape.py:1:14: PV300 attribute '__bases__' is private" "__bases__ reported"
expect_grep out "escape.py:1:27: PV300 attribute '__subclasses__' is private" "__subclasses__ reported"
expect_grep out "hint:" "with a hint"
# The same with each layer alone.
expect_status 1 "the escape, layer 1 alone" -- pv --layers ast escape.py
expect_status 1 "the escape, layer 2 alone" -- pv --layers bytecode escape.py

cat >realistic.py <<'PYEOF'
"""Inventory report: a realistic program the default policy accepts."""
import collections
import json
import re
from dataclasses import dataclass, field
from functools import reduce


class Item:
    def __init__(self, name, price, qty=1):
        self.name = name
        self.price = price
        self.qty = qty

    def __repr__(self):
        return f"Item({self.name!r}, {self.price:.2f}, qty={self.qty})"

    def __eq__(self, other):
        return isinstance(other, Item) and self.name == other.name

    def __hash__(self):
        return hash(self.name)

    def __lt__(self, other):
        return self.total() < other.total()

    def total(self):
        return self.price * self.qty


class Discounted(Item):
    def __init__(self, name, price, qty=1, rate=0.1):
        super().__init__(name, price, qty)
        self.rate = rate

    def total(self):
        return round(super().total() * (1 - self.rate), 2)


@dataclass
class Order:
    customer: str
    items: list = field(default_factory=list)

    def add(self, item):
        self.items.append(item)
        return self


def parse(lines):
    """Yield items from 'name price qty' lines, skipping comments."""
    pattern = re.compile(r"^(\w+)\s+(\d+(?:\.\d+)?)\s+(\d+)$")
    for line in lines:
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        m = pattern.match(line)
        if m is None:
            raise ValueError(f"bad line: {line!r}")
        name, price, qty = m.groups()
        yield Item(name, float(price), int(qty))


def running_totals(items):
    total = 0
    for item in items:
        total += item.total()
        yield item.name, total


text = """
# name price qty
apple 0.5 10
pear 0.75 4
melon 3 1
"""
items = list(parse(text.splitlines()))
items.append(Discounted("cheese", 12.0, 2, rate=0.25))
order = Order("ann")
for it in sorted(items, reverse=True):
    order.add(it)

counts = collections.Counter(it.name[0] for it in items)
by_letter = collections.defaultdict(list)
for it in items:
    by_letter[it.name[0]].append(it.name)
squares = {n: n * n for n in range(5) if n % 2 == 0}
total = reduce(lambda a, b: a + b, (it.total() for it in items), 0)

try:
    list(parse(["bad line here"]))
except ValueError as exc:
    print("error:", exc)

match order:
    case Order(customer="ann", items=[first, *rest]):
        print(f"first item {first!r}, {len(rest)} more")
    case _:
        print("no items")

for name, running in running_totals(order.items):
    print(f"{name:>8} {running:8.2f}")
print(json.dumps({"customer": order.customer, "total": round(total, 2),
                  "counts": dict(counts), "letters": dict(by_letter),
                  "squares": squares}, sort_keys=True))
PYEOF
expect_status 0 "the realistic program is accepted" -- pv realistic.py
expect_status 0 "the realistic program, json" -- pv --format json realistic.py
expect_grep out '"accepted": 1' "json summary: accepted"
expect_status 0 "the realistic program, layer 1 alone" -- pv --layers ast realistic.py
expect_status 0 "the realistic program, layer 2 alone" -- pv --layers bytecode realistic.py
# It is also valid Python that runs as intended under a plain interpreter.
if "$PY" -I realistic.py >run.out 2>&1 && grep -q '"customer": "ann"' run.out; then
    pass "the realistic program runs under CPython"
else
    fail "the realistic program does not run under CPython"; cat run.out >&2
fi
# The repository's own example pair, when present.
if [ -f "$SRC/examples/checker/report.py" ]; then
    expect_status 0 "examples/checker/report.py" -- pv "$SRC/examples/checker/report.py"
fi
if [ -f "$SRC/examples/checker/escape.py" ]; then
    expect_status 1 "examples/checker/escape.py" -- pv "$SRC/examples/checker/escape.py"
fi
finish
