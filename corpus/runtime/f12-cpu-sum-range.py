# technique: sum over a huge range in C (no bytecode boundary to interrupt)
# family: 12
# expect-status: cpu
print(sum(range(10 ** 14)))
