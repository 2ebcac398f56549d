# technique: replace math.sqrt and statistics' imported sqrt (library code then calls the program's function)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV303
# bytecode: PV520
import math
import statistics


def hook(x):
    print("ESCAPED: library code calls the program's replacement")
    return 0.0


math.sqrt = hook
statistics.sqrt = hook
print(statistics.stdev([1.0, 2.0, 4.0]))
