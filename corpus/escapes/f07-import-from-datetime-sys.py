# technique: from-import of a re-exported module
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV403
# bytecode: PV505
from datetime import sys
sys.modules['os'].system('id')
