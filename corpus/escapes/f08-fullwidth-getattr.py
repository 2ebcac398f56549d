# technique: fullwidth ｇｅｔａｔｔｒ normalises to getattr
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
print(ｇｅｔａｔｔｒ((), '__class__'))
