# technique: import inside a function body
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
def helper():
    import os
    return os.system('id')
helper()
