# technique: id() leaks object addresses (ASLR)
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(hex(id(print)))
