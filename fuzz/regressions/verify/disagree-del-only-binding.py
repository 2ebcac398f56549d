# technique: control case: ab family: 12
# expect-status: ok
bolcks = [bytes(10 ** 7) for _ in range(10)]
print(sum(len(b) for b in blocks))
del blocks
