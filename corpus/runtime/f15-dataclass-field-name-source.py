# technique: an inherited dataclasses.Field's name is pasted into the source dataclasses compiles; exec then gives that code the real builtins
# family: 15
# expect-status: error
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


f = dataclasses.fields(A)[0]
f.name = 'a"\n if 1:\n  print("REAL BUILTINS:", open, len(__builtins__))\n #'


@dataclasses.dataclass(init=False, eq=False)
class B(A):
    b: int = 1
