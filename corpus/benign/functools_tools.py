# functools: reduce, partial, lru_cache, total_ordering, cmp_to_key, cached_property.
# (functools.wraps is out of reach in the default policy: its assigned/updated arguments
# name attributes as strings, see rules/default.toml [imports] deny_members.)
import functools


@functools.total_ordering
class Version:
    def __init__(self, text):
        self.parts = tuple(int(p) for p in text.split("."))

    def __eq__(self, other):
        return self.parts == other.parts

    def __lt__(self, other):
        return self.parts < other.parts

    def __repr__(self):
        return "v" + ".".join(str(p) for p in self.parts)


def logged(fn):
    def inner(*args, **kwargs):
        result = fn(*args, **kwargs)
        print(f"  call {args} -> {result}")
        return result
    return inner


@logged
def area(w, h):
    """Area of a rectangle."""
    return w * h


@functools.lru_cache(maxsize=None)
def ways(n, coins=(1, 2, 5)):
    if n == 0:
        return 1
    if n < 0 or not coins:
        return 0
    return ways(n - coins[0], coins) + ways(n, coins[1:])


class Report:
    def __init__(self, rows):
        self.rows = rows

    @functools.cached_property
    def total(self):
        print("  computing total")
        return sum(self.rows)


versions = [Version(v) for v in ["1.10.0", "1.2.3", "1.2.10", "0.9"]]
print(sorted(versions), max(versions), Version("1.2") <= Version("1.2"))
print(functools.reduce(lambda a, b: a * b, range(1, 11)), functools.reduce(max, [3, 9, 2], 0))
to_hex = functools.partial(int, base=16)
print(to_hex("ff"), to_hex("10"))
area(3, 4)
print(ways(100), ways(50))
r = Report([1, 2, 3])
print(r.total, r.total)
print(sorted(["banana", "Apple", "cherry"], key=functools.cmp_to_key(lambda a, b: (a.lower() > b.lower()) - (a.lower() < b.lower()))))
