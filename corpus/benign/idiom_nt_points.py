import collections
from collections import namedtuple

Point = collections.namedtuple("Point", ["x", "y"])
Span = namedtuple("Span", "start, stop")
Row = namedtuple("Row", ("label", "score"))


def shift(p, dx):
    return p._replace(x=p.x + dx)


p = Point(1, 2)
q = shift(p, 3)
print(p, q, q._asdict())
print(Point._fields, Point._make([5, 6]))
s = Span(2, 9)
print(s.stop - s.start)
rows = [Row("a", 3), Row("b", 1), Row("c", 2)]
for r in sorted(rows, key=lambda r: r.score):
    print(r.label, r.score)
