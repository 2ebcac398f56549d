# technique: a Field's name is pasted into generated source: the Field is kept in an attribute of a program object and changed through it later
# source: pyverify threat model (HOLES f14 follow-up: values through attributes and containers)
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


class Holder:
    def __init__(self):
        self.items = []
        self.items.append(dataclasses.fields(A)[0])
        self.first = self.items[0]

    def rename(self):
        self.first.name = 'a"\n if 1:\n  print("escaped")\n #'


Holder().rename()


@dataclasses.dataclass
class B(A):
    b: int = 1
