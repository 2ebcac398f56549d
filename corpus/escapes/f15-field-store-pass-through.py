# technique: a Field's name is pasted into generated source: the Field is handed through a program function that returns its argument, so its result looked like the program's
# source: red team 2026-12-03 (HOLES/f14-pv307-binding-order)
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


def same(x):
    return x


h = same(dataclasses.fields(A)[0])
h.name = 'a"\n if 1:\n  print("escaped")\n #'


@dataclasses.dataclass
class B(A):
    b: int = 1
