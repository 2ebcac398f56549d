# technique: relative import loads unverified code next to the file
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV402
# bytecode: PV505
from . import helpers
helpers.run()
