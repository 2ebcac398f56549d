# technique: globals() exposes the module namespace and __builtins__
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(globals()["__builtins__"])
