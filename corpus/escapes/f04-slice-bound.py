# technique: eval hidden in a slice step
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
data = [1, 2, 3]
print(data[::eval("1")])
