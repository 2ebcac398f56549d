# technique: __instancecheck__ / __subclasshook__ are called by isinstance
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Any:
    def __instancecheck__(self, obj):
        return True
    def __subclasshook__(cls, sub):
        return True
