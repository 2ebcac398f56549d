# technique: __self__ of a builtin function is the builtins module
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
bltns = print.__self__
print(bltns.open("/etc/hostname").read())
