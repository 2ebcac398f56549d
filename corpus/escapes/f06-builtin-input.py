# technique: input reads the runner's stdin
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(input("password: "))
