# technique: UTF-8-encoded surrogate (0xED 0xA0 0x80)
# source: Unicode Standard 3.9 (ill-formed sequences)
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
s = 'í €'
