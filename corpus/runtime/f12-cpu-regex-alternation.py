# technique: catastrophic backtracking with overlapping alternation (x|xx)+y
# family: 12
# expect-status: cpu
import re
print(re.search(r"^(x|xx)+y$", "x" * 80))
