# technique: a value pattern is a dotted name: case Obj.__class__ reads an attribute
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
class Obj:
    pass
match Obj:
    case Obj.__class__:
        print("type matched")
    case _:
        pass
