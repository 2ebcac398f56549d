# technique: eval hidden in a positional-only parameter's default
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
def handler(a=eval("__import__('os').system('id')"), /):
    return a
