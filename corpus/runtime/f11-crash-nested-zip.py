# technique: 300000 nested zip() iterators exhaust the C stack
# family: 11
# expect-status: crashed
x = iter([1])
for _ in range(300000):
    x = zip(x)
print(next(x))
