# technique: statistics.namedtuple / functools.namedtuple are collections.namedtuple re-exported: a name check keyed by collections.namedtuple misses them (typename '__getattr__' handed in as data)
# source: red team 2026-12-03 (HOLES/f15-namedtuple-alias-unchecked; was corpus/runtime/f15-namedtuple-alias)
# family: 15
# expect: rejected
# rules: PV303
# bytecode: PV508
import functools
import statistics


def mk(factory, n):
    return factory(n, "a b")


print("ESCAPED", mk(statistics.namedtuple, "__getattr__"), mk(functools.namedtuple, "__init_subclass__"))
