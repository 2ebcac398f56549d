# technique: bidi isolates hide a call inside what renders as a comment
# source: CVE-2021-42574 (Trojan Source)
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
x = 1 #⁧ ; exec("import os")⁩
print(x) ; eval("__import__('os').system('id')") #⁦⁩
