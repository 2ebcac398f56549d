# technique: dunder keyword argument ends up as a dunder key in a class namespace
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV305
# bytecode: PV506
import dataclasses
hook = lambda self: print("finalizer ran")
Leak = dataclasses.make_dataclass("Leak", [], namespace=dict(__del__=hook))
x = Leak()
del x
