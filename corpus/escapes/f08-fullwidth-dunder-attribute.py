# technique: attribute __ｃｌａｓｓ__ in fullwidth letters normalises to __class__
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV300
# bytecode: PV503
print(().__ｃｌａｓｓ__.__ｂａｓｅ__.__ｓｕｂｃｌａｓｓｅｓ__())
