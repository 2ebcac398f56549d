# technique: overlong UTF-8 encoding of '/' (0xC0 0xAF)
# source: Unicode Standard 3.9 (ill-formed sequences)
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
path = '¿Øetc¿Øhostname'
