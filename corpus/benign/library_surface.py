# Dataclasses, match, enum (incl. the functional API), namedtuple, cached_property, exceptions with
# attributes and decimal contexts: the library surface the runtime value checks must leave working.
import dataclasses
import enum
import collections
import functools
import decimal
import json
import re
import statistics
import fractions

@dataclasses.dataclass
class Point:
    x: int
    y: int = 0
    tags: list = dataclasses.field(default_factory=list)

@dataclasses.dataclass(frozen=True)
class Frozen:
    a: int
    b: str = "b"

@dataclasses.dataclass(order=True)
class Ordered:
    k: int

p = Point(1, 2)
q = dataclasses.replace(p, y=5)
print(q, dataclasses.asdict(q), dataclasses.astuple(q), [f.name for f in dataclasses.fields(q)])
fz = Frozen(1)
try:
    fz.a = 2
except dataclasses.FrozenInstanceError as e:
    print("frozen ok")
print(dataclasses.replace(fz, b="c"), hash(fz) == hash(Frozen(1)))
print(sorted([Ordered(3), Ordered(1)]))
match q:
    case Point(x, y):
        print("match", x, y)

class Color(enum.Enum):
    RED = 1
    GREEN = 2
Shape = enum.Enum("Shape", "CIRCLE SQUARE")
Perm = enum.Flag("Perm", ["R", "W", "X"])
Lvl = enum.IntEnum("Lvl", [("LOW", 1), ("HIGH", 2)])
print(Color.RED, Color(2), Shape(2).name, Perm(3), Lvl(2) + 1, Color.RED.name, [m.name for m in Shape])

NT = collections.namedtuple("NT", "a b", defaults=[0])
nt = NT(1)
print(nt, nt.a)
match nt:
    case NT(a, b):
        print("nt match", a, b)

class Circle:
    def __init__(self, r):
        self.r = r
        self.count = 0
    @functools.cached_property
    def area(self):
        self.count += 1
        return 3 * self.r * self.r
c = Circle(2)
print(c.area, c.area, c.count)
c.r = 5
del c.r

class MyErr(Exception):
    def __init__(self, msg, code):
        super().__init__(msg)
        self.code = code
try:
    raise MyErr("bad", 3)
except MyErr as e:
    e.extra = 1
    print(e, e.code, e.extra)

decimal.getcontext().prec = 10
ctx = decimal.Context(prec=5)
ctx.prec = 6
print(decimal.Decimal(1) / decimal.Decimal(7))

@functools.lru_cache(maxsize=None)
def fib(n):
    return n if n < 2 else fib(n - 1) + fib(n - 2)
print(fib(30))

@functools.total_ordering
class V:
    def __init__(self, v):
        self.v = v
    def __eq__(self, o):
        return self.v == o.v
    def __lt__(self, o):
        return self.v < o.v
print(V(1) <= V(2))
print(json.dumps({"a": fractions.Fraction(1, 3)}, default=str), re.sub(r"\d", lambda m: m.group(0) * 2, "a1b2"))
print(statistics.mean([1, 2, 3]), sorted([3, 1, 2], key=lambda v: -v), functools.reduce(lambda a, b: a + b, [1, 2, 3]))
def f():
    pass
f.attr = 1
print(f.attr)
dd = collections.defaultdict(int)
dd.default_factory = list
print(dd["x"])
