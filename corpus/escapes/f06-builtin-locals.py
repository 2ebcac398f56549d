# technique: locals() at module level is the module namespace
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(locals()["__builtins__"])
