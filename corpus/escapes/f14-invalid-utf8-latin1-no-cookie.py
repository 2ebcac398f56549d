# technique: Latin-1 bytes without a coding cookie
# source: PEP 3120
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
name = 'café'
