# A realistic program the default policy accepts: classes with special methods and
# super(), a generator, f-strings, and the collections, re and json modules.
import collections
import json
import re


class Account:
    def __init__(self, owner, balance=0):
        self.owner = owner
        self.balance = balance

    def __repr__(self):
        return f"Account({self.owner!r}, {self.balance})"

    def __lt__(self, other):
        return self.balance < other.balance


class Savings(Account):
    def __init__(self, owner, balance=0, rate=0.02):
        super().__init__(owner, balance)
        self.rate = rate

    def interest(self):
        return round(self.balance * self.rate, 2)


def transactions(log):
    """Yield (owner, amount) pairs from a text log."""
    for m in re.finditer(r"(\w+)\s+([+-]\d+)", log):
        yield m.group(1), int(m.group(2))


log = "ann +100 bob +40 ann -30 cy +5 bob +60"
totals = collections.Counter()
for owner, amount in transactions(log):
    totals[owner] += amount

accounts = sorted(Savings(name, total) for name, total in totals.items())
for acc in accounts:
    print(f"{acc.owner:>4}: {acc.balance:6.2f}  interest {acc.interest():.2f}")
print(json.dumps({a.owner: a.balance for a in accounts}, sort_keys=True))
