# technique: cached_property with a functools.partial(exec, src) getter: the call to exec comes from a functools frame
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV300
# bytecode: PV503
import dataclasses
import functools

b = dataclasses.field.__builtins__
src = "print('ESCAPED', open('/etc/hostname').read())"


class Box(dict):
    run = functools.cached_property(functools.partial(b["exec"], src))


Box().run
