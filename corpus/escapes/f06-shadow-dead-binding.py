# technique: module-level shadowing trick: 'if False: eval = len' makes eval look bound, but the builtin runs
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
if False:
    eval = len
eval("__import__('os').system('id')")
