# technique: 300000 nested itertools.chain iterators exhaust the C stack
# family: 11
# expect-status: crashed
import itertools
x = iter([1])
for _ in range(300000):
    x = itertools.chain(x)
print(next(x))
