# technique: modifier letters (ᵉ, ˣ) normalise to plain letters: ᵉˣec is exec
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
ᵉˣᵉc("import os; os.system('id')")
