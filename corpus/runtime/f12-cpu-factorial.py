# technique: math.factorial of ten million
# family: 12
# expect-status: cpu
import math
print(math.factorial(10 ** 7) % 10)
