# technique: __class_getitem__ runs on Class[...] subscription
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Box:
    def __class_getitem__(cls, item):
        return exec(item)
Box["import os; os.system('id')"]
