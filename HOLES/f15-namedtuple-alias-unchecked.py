# GAP (not a capability): the runtime layer's namedtuple name check (runtime/guard.c,
# namedtuple_checked) replaces collections.namedtuple only. statistics.namedtuple and
# functools.namedtuple are the same original function (rules/surface.tsv reviews them as
# "the same object as collections.namedtuple", verdict runtime:names) and are NOT wrapped:
# with them the typename '__getattr__' is accepted, which collections.namedtuple refuses
# (tests/runtime/test_run.c f15_namedtuple_typename).
# Accepted by both static layers; `pyverify run` ends with status=ok and prints CREATED.
# No capability found: namedtuple's own checks still refuse non-identifiers, keywords and
# '_' field names, and the typename only becomes the class's __name__/__qualname__.
import functools
import statistics


def mk(module_alias, n):
    return module_alias(n, "a b")


print("CREATED", mk(statistics.namedtuple, "__getattr__"), mk(functools.namedtuple, "__init_subclass__"))
