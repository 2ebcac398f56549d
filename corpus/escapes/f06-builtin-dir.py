# technique: dir() enumerates attribute names, including dunders
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(dir(print))
