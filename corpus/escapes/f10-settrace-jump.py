# technique: sys.settrace + f_lineno assignment jumps to arbitrary instructions
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV400
# bytecode: PV505
import sys
def tr(frame, event, arg):
    return tr
sys.settrace(tr)
