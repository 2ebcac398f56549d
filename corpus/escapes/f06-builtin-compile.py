# technique: compile builds code objects that bypass verification
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(compile("import os", "<x>", "exec"))
