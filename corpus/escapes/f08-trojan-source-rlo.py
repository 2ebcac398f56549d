# technique: bidi override (RLO/PDI) makes exec look like part of a string or comment when displayed
# source: CVE-2021-42574 (Trojan Source)
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
access = 'user'
if access != 'none‮ ⁦# check admin⁩ ⁦':
    exec("import os; os.system('id')")
