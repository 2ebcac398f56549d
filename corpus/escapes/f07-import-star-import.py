# technique: star import binds names the verifier cannot see
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV401
# bytecode: PV500
from math import *
print(sqrt(2))
