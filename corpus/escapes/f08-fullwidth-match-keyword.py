# technique: match-class keyword written in fullwidth letters (__ｇｌｏｂａｌｓ__)
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV300
# bytecode: PV506
def f():
    pass
match f:
    case object(__ｇｌｏｂａｌｓ__=g):
        print(g)
