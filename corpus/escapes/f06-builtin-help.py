# technique: help() imports every module and may spawn a pager
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(help("modules"))
