# technique: name __ｂｕｉｌｔｉｎｓ__ normalises to __builtins__
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV200
# bytecode: PV502
print(__ｂｕｉｌｔｉｎｓ__)
