# technique: 300000 generators chained with yield from: resuming the outermost overflows the C stack
# family: 11
# expect-status: crashed
def relay(g):
    yield from g
g = iter([1])
for _ in range(300000):
    g = relay(g)
print(next(g))
