# technique: __match_args__ = ('__class__',) in a class body makes a class pattern read a dunder
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV200
# bytecode: PV502
class P:
    __match_args__ = ("__class__",)


def walk():
    yield 1


match P():
    case P(cls):
        print("ESCAPED", cls)
