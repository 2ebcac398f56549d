# technique: sorted(key=functools.partial(getattr, print)): attribute names as data
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import functools

names = ["__self__"]
sorted(names, key=functools.partial(getattr, print))
print("ESCAPED", functools.partial(getattr, print)("__self__"))
