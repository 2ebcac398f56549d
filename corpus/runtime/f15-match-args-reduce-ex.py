# technique: @dataclass builds __match_args__ from a mutated Field name, so `case P(x)` reads a dunder (here __reduce_ex__, reaching copyreg)
# family: 15
# expect-status: error
import dataclasses


@dataclasses.dataclass
class A:
    a: int = 0


dataclasses.fields(A)[0].name = "__reduce_ex__"


@dataclasses.dataclass(init=False, repr=False, eq=False)
class P(A):
    pass


match P():
    case P(grab):
        print("REDUCE", grab(2)[0])
