# technique: a class-body store into __annotations__ with a crafted key becomes dataclass field source code
# source: issue 14 (layer independence)
# family: 15
# expect: rejected
# rules: PV200
# bytecode: PV502
from dataclasses import dataclass


@dataclass
class A:
    b: int = 0
    __annotations__['a"\n if 1:\n  print(1)\n #'] = int


print(A())
