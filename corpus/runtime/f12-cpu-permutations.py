# technique: iterating all permutations of 20 items
# family: 12
# expect-status: cpu
import itertools
n = 0
for p in itertools.permutations(range(20)):
    n += 1
print(n)
