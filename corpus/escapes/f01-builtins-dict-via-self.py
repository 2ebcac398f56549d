# technique: print.__self__.__dict__ is the builtins namespace: exec from it
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
print.__self__.__dict__["exec"]("import os; os.system('id')")
