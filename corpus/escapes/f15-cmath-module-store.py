# technique: replace and delete functions of the cmath module (every later caller gets the program's code)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV303
# bytecode: PV520
import cmath


def hook(z):
    print("ESCAPED: cmath rewritten")
    return 0j


cmath.sqrt = hook
del cmath.phase
print(cmath.sqrt(-1))
