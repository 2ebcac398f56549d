# technique: statistics re-exports sys
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import statistics
statistics.sys.modules['os'].system('id')
