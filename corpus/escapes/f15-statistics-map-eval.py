# technique: statistics.mean(map(eval, srcs)): source text evaluated by a map iterator feeding library code
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import statistics

srcs = ["__import__('os').system('id') or 1", "2"]
print("ESCAPED", statistics.mean(map(eval, srcs)))
