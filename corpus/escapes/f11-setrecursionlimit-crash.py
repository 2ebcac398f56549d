# technique: raising the recursion limit lets Python recursion overflow the C stack (segfault)
# source: CPython Lib/test/crashers/recursive_call.py
# family: 11
# expect: rejected
# rules: PV400
# bytecode: PV505
import sys
sys.setrecursionlimit(10 ** 7)
def f():
    return f()
f()
