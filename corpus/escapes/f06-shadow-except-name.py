# technique: except ... as open: the name is unbound again after the handler, then open() is the builtin
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
try:
    1 / 0
except ZeroDivisionError as open:
    pass
print(open("/etc/hostname").read())
