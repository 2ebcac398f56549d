# technique: bind a forbidden builtin's name, delete it, then use it: the builtin runs
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
open = print
del open
print(open("/etc/hostname").read())
