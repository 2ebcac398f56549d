# technique: control case: about 100 MB allocated and released
# family: 12
# expect-status: ok
blocks = [bytes(10 ** 7) for _ in range(10)]
print(sum(len(b) for b in blocks))
del blocks
