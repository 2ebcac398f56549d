# technique: replace decimal.Decimal.sqrt and the context's trap table (library class and library object)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import decimal


def hook(self, context=None):
    print("ESCAPED: decimal rewritten")
    return self


decimal.Decimal.sqrt = hook
decimal.getcontext().traps = None
print(decimal.Decimal(2).sqrt())
