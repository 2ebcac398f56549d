# technique: a dataclasses.field() object bound to a name, then its name replaced before class creation
# source: issue 14
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
from dataclasses import dataclass, field

f = field(default=0)
g = f
g.name = "x"


@dataclass
class A:
    a: int = g
