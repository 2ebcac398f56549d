# technique: repr of a 200000-level nested list (RecursionError in repr)
# family: 12
# expect-status: error
x = []
for _ in range(200000):
    x = [x]
print(repr(x)[:10])
