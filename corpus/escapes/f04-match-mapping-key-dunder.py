# technique: a mapping-pattern key may be a dotted name: case {Obj.__dict__: v}
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
class Obj:
    pass
match {}:
    case {Obj.__dict__: v}:
        print(v)
    case _:
        pass
