# technique: (hole found while writing the corpus, now closed) functools.wraps(lib_fn, updated=('__globals__',)) as a decorator does the same globals merge
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
import functools
if False:
    builtins = 0
def declare(k):
    k.open = k.read = 0
@functools.wraps(dataclasses.fields, assigned=(), updated=("__globals__",))
def f():
    pass
print(builtins.open("/etc/hostname").read())
