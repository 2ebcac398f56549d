# technique: patch a method of a class exported by an allowed module (library code then calls it)
# source: issue 14
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import collections

collections.OrderedDict.keys = print
del collections.Counter.most_common
