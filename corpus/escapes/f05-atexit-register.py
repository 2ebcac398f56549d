# technique: atexit runs a callback at interpreter exit, after the program's own code
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV400
# bytecode: PV505
import atexit
atexit.register(print, "at exit")
