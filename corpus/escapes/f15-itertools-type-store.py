# technique: replace itertools.chain.from_iterable (a C type of an allowed module)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import itertools


def hook(iterables):
    print("ESCAPED: a C type of an allowed module rewritten")
    return iter(())


itertools.chain.from_iterable = hook
print(list(itertools.chain.from_iterable([[1], [2]])))
