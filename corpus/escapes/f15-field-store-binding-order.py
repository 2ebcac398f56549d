# technique: a Field's name is pasted into generated source: the name that holds the Field is also bound to a program class, so "bound only to library values" missed it
# source: red team 2026-12-03 (HOLES/f14-pv307-binding-order)
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


f = dataclasses.fields(A)[0]
f.name = 'a"\n if 1:\n  print("escaped")\n #'


class f:
    pass


@dataclasses.dataclass
class B(A):
    b: int = 1
