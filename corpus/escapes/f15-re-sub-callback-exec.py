# technique: re.sub with a callback that runs functools.partial(exec, src) taken from a library function's builtins
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV300
# bytecode: PV503
import dataclasses
import functools
import re

real = dataclasses.field.__builtins__
run = functools.partial(real["exec"], "print('ESCAPED', open('/etc/hostname').read())")
re.sub("x", lambda m: run() or "", "x")
