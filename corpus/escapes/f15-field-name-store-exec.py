# technique: a Field's name is pasted into the source dataclasses compiles: store code into it, then subclass
# source: issue 14 (shape 1)
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


dataclasses.fields(A)[0].name = 'a"\n if 1:\n  print("escaped")\n #'


@dataclasses.dataclass
class B(A):
    b: int = 1
