# technique: functools.reduce(exec, [{}], src): exec of source with fresh globals from a C frame (real builtins inserted)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import functools

src = "print('ESCAPED', __builtins__.open('/etc/hostname').read())"
functools.reduce(exec, [{}], src)
