# technique: 300000 nested filter() iterators exhaust the C stack
# family: 11
# expect-status: crashed
x = iter([1])
for _ in range(300000):
    x = filter(None, x)
print(list(x))
