# technique: eval in the else branch of a conditional expression
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
x = 0 if len("a") == 0 else eval("__import__('os').system('id')")
