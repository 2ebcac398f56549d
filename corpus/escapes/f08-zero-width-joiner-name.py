# technique: zero-width joiner inside 'exec': a tool that strips invisible characters sees exec, CPython sees an invalid character
# source: Unicode UAX 31 (ZWJ is not XID_Continue)
# family: 8
# expect: rejected
# rules: PV005
# bytecode: none
ex‍ec("import os; os.system('id')")
