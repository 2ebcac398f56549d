# technique: submodule of an allowed package is not allowed unless listed
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import collections.abc
print(collections.abc.Mapping)
