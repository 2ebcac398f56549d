# fuzz_verify finding 6, generalised: every statement that binds a name other than an
# assignment (def, async def, class, import ... as, from ... import ... as, except ... as,
# match captures), at module and class level, with the name of a forbidden builtin
def delattr(x):
    return x
class open:
    pass
class C:
    def id(self):
        return 1
    class eval:
        pass
    try:
        pass
    except ValueError as exec:
        pass
import math as getattr
from math import pi as setattr
try:
    pass
except ValueError as vars:
    pass
match [1]:
    case [*globals]:
        pass
match {}:
    case {**compile}:
        pass
match 1:
    case 1 as breakpoint:
        pass
