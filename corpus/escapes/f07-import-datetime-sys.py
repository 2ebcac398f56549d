# technique: datetime re-exports sys
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import datetime
datetime.sys.modules['os'].system('id')
