# technique: (hole found while writing the corpus, now closed) functools.update_wrapper(f, lib_fn, assigned=(), updated=('__globals__',)) merges dataclasses' module globals (sys, builtins) into the program's globals; names as strings in a tuple (fix: reject assigned=/updated= or drop update_wrapper)
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
import functools
if False:
    sys = 0
class Names:
    modules = 0
    system = 0
def f():
    pass
functools.update_wrapper(f, dataclasses.fields, assigned=(), updated=("__globals__",))
sys.modules["os"].system("id")
