# technique: 300000 nested map() iterators: next() recurses in C with no recursion check (segfault)
# family: 11
# expect-status: crashed
x = iter([1])
for _ in range(300000):
    x = map(abs, x)
print(next(x))
