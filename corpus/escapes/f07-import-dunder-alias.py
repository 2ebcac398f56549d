# technique: import alias with a dunder name
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV200
# bytecode: PV502
from math import sqrt as __import__
print(__import__(4))
