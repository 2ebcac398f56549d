# technique: forbidden import in a fallback branch
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
try:
    import json
except ImportError:
    import pickle as json
