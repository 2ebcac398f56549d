# technique: vars() without arguments is locals()
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(vars()["__builtins__"])
