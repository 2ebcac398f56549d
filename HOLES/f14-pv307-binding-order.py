# GAP (the static layers alone; the runtime layer refuses it): PV307/PV520 treat a name as
# a library value only when EVERY binding of it is one (verifier/ast_check.c,
# compute_lib_names; the bytecode layer's PV520 dataflow mirrors it), and a value returned
# through a program function is the program's. So a store into a library object passes both
# static layers when the name is also bound to a program class, or when the object went
# through `def g(x): return x`. runtime/guard.c still refuses the store ("Field object
# belongs to the library and is read-only", an AttributeError this program catches and prints).
# Found by the red team of 2026-12-03 (also reachable across session cells). The fix is a
# conservative rule in both layers (any binding is a library value; returns of program
# functions that pass a library value through), with the benign corpus as the check on
# false positives.
import dataclasses


def g(x):
    return x


f = dataclasses.field()
h = g(dataclasses.field())
try:
    f.name = "y"
except AttributeError as e:
    print("refused at run time:", e)
try:
    h.name = "y"
except AttributeError as e:
    print("refused at run time:", e)


class f:
    pass
