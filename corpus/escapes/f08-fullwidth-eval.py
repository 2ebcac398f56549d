# technique: fullwidth ｅｖａｌ normalises (NFKC) to eval
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
ｅｖａｌ("__import__('os').system('id')")
