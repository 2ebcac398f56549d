# technique: a program subclass of dataclasses.Field is not the library's object, yet dataclasses trusts its name
# family: 15
# expect-status: error
import dataclasses


class F(dataclasses.Field):
    pass


@dataclasses.dataclass
class A:
    a: int = 0


f = F(0, dataclasses.MISSING, True, True, None, True, None, False)
f.name = "__class__"
print("MUTATED", f.name)
