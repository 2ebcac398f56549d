# technique: an inherited dataclasses.Field's name is pasted into the source dataclasses compiles; exec then gives that code the real builtins
# family: 15
# expect-status: error
import dataclasses


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value


@dataclasses.dataclass
class A:
    a: int = 0


put_name(dataclasses.fields(A)[0], 'a"\n if 1:\n  print("REAL BUILTINS:", open, len(__builtins__))\n #')


@dataclasses.dataclass(init=False, eq=False)
class B(A):
    b: int = 1
