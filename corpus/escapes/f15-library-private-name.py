# technique: a program-private name that library objects also have (ABC's _abc_impl) stays unreadable
# source: issue 16 (program-private attributes), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import collections


class Junk:
    pass


Junk()._abc_impl = None
print(collections.UserDict._abc_impl)
