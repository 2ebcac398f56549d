# technique: class-body annotation without a value is still evaluated
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
class Record:
    field: ().__class__.__base__.__subclasses__()
