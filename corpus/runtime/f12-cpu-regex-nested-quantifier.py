# technique: catastrophic backtracking: (a+)+$ against a non-matching string
# family: 12
# expect-status: cpu
import re
print(re.match(r"(a+)+$", "a" * 64 + "b"))
