# technique: control case: real work well under the limits
# family: 12
# expect-status: ok
import math
total = 0
for i in range(1, 200000):
    total += math.isqrt(i)
print(total)
