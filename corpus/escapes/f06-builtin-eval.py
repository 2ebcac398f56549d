# technique: eval runs unverified source
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(eval("__import__('os').system('id')"))
