# technique: plain except* is rejected by node kind
# source: python/cpython#128049
# family: 11
# expect: rejected
# rules: PV100
# bytecode: PV500
try:
    pass
except* Exception:
    pass
