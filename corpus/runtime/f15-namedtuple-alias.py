# technique: statistics.namedtuple / functools.namedtuple are collections.namedtuple re-exported: a name check keyed by the module name would miss them (typename '__getattr__')
# family: 15
# expect-status: error
import functools
import statistics


def mk(factory, n):
    return factory(n, "a b")


print("ESCAPED", mk(statistics.namedtuple, "__getattr__"), mk(functools.namedtuple, "__init_subclass__"))
