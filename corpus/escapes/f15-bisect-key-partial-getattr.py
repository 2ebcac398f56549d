# technique: bisect's key= launders functools.partial(getattr, print): attribute names as data, read from a library frame
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV302
# bytecode: PV504
import bisect
import functools

grab = functools.partial(getattr, print)
names = ["__self__"]
bisect.bisect(names, "x", key=grab)
print("ESCAPED", grab("__self__").open)
