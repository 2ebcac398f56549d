# technique: vars() unpacked into a dict display
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
class A:
    pass
print({**vars(A)})
