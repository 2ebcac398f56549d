# technique: from enum import bltns
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV403
# bytecode: PV505
from enum import bltns
bltns.exec("import os; os.system('id')")
