# technique: exit/quit are site builtins that close stdin
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(exit(0))
