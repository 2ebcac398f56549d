# technique: exec hidden in a class decorator
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
@(lambda cls: exec("import os; os.system('id')") or cls)
class Config:
    pass
