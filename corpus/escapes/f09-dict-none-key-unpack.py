# technique: dict display with **unpack (a None key in the AST) hiding globals()
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV202
# bytecode: PV504
d = {'a': 1, **globals()}
print(d['__builtins__'])
