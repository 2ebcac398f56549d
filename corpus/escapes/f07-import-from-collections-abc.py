# technique: from-import of a submodule of an allowed module
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV403
# bytecode: PV505
from collections import abc
print(abc.Mapping)
