# technique: relative import from the parent package
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV402
# bytecode: PV505
from .. import config
