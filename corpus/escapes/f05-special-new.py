# technique: __new__ definition
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Singleton:
    def __new__(cls):
        return cls
