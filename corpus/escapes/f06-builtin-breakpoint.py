# technique: breakpoint() starts pdb, an interactive interpreter
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(breakpoint())
