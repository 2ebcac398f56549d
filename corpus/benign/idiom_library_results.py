# Stores into the results of library calls that are the program's own objects: heap items,
# random picks, decimal contexts and defaultdicts (PV307/PV520 must not refuse them).
import collections
import decimal
import heapq
import random
from heapq import heappop


class Node:
    def __init__(self, name, dist):
        self.name = name
        self.dist = dist
        self.visited = False

    def __lt__(self, other):
        return self.dist < other.dist


pq = [Node("a", 5), Node("b", 2), Node("c", 9), Node("d", 1)]
heapq.heapify(pq)
n = heapq.heappop(pq)
n.dist = 3
m = heappop(pq)
m.dist = 4
random.seed(1)
random.choice([n, m]).visited = True
print(n.name, n.dist, m.name, m.dist, [x.visited for x in (n, m)])

decimal.getcontext().prec = 5
print(decimal.Decimal(1) / 7)
with decimal.localcontext() as ctx:
    ctx.prec = 30
    print(decimal.Decimal(1) / 7)
c = decimal.Context()
c.prec = 3
print(c.divide(decimal.Decimal(2), decimal.Decimal(3)))

d = collections.defaultdict(list)
d["x"].append(1)
d.default_factory = set
d["y"].add(2)
print(sorted(d.items(), key=lambda kv: kv[0]))


def relax(queue):
    best = heappop(queue)
    best.dist = 0
    return best.name, best.dist


print(relax(pq))
