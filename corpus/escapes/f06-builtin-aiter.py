# technique: aiter/anext belong to async code
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(aiter([]))
