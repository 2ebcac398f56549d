# technique: time.sleep burns wall clock without CPU
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV400
# bytecode: PV505
import time
time.sleep(3600)
