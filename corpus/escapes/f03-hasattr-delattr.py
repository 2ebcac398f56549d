# technique: delattr/hasattr take attribute names as strings
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV202
# bytecode: PV504
class A:
    x = 1
print(hasattr(A, "__globals__"))
delattr(A, "x")
