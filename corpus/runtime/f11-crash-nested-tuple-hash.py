# technique: hash() of a 300000-level nested tuple recurses in C (segfault)
# family: 11
# expect-status: crashed
t = ()
for _ in range(300000):
    t = (t,)
print(hash(t))
