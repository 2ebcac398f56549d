# technique: dead binding of a fullwidth name that normalises to open, then open()
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV203
# bytecode: PV504
if False:
    ｏｐｅｎ = print
print(open('/etc/hostname').read())
