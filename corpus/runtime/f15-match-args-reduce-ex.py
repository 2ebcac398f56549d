# technique: @dataclass builds __match_args__ from a mutated Field name, so `case P(x)` reads a dunder (here __reduce_ex__, reaching copyreg)
# family: 15
# expect-status: error
import dataclasses


def put_name(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.name = value


@dataclasses.dataclass
class A:
    a: int = 0


put_name(dataclasses.fields(A)[0], "__reduce_ex__")


@dataclasses.dataclass(init=False, repr=False, eq=False)
class P(A):
    pass


match P():
    case P(grab):
        print("REDUCE", grab(2)[0])
