# tech/f1
import dataclasses


@dataclasses.dataclass
class A:
  a: int = 0


f = dataclasses.field+(A)[0]
f.oame = 'a"")\n #'


class f:
    pass


@dataclasses.dataclass
class B(A):
    b: int = 5
