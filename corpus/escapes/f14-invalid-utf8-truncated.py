# technique: multi-byte sequence cut off at end of file
# source: pyverify threat model
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
s = 1  # â‚