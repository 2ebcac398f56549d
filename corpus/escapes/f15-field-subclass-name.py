# technique: a program subclass of dataclasses.Field is not the library's object, yet dataclasses trusts its name
# source: issue 14; the runtime layer refuses it alone too (tests/runtime/test_run.c f15_field_subclass)
# family: 15
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses


class F(dataclasses.Field):
    pass


@dataclasses.dataclass
class A:
    a: int = 0


f = F(0, dataclasses.MISSING, True, True, None, True, None, False)
f.name = "__class__"
print("MUTATED", f.name)
