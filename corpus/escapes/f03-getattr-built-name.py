# technique: getattr with an attribute name built at run time
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 3
# expect: rejected
# rules: PV202
# bytecode: PV504
name = "_" * 2 + "cla" + "ss" + "_" * 2
print(getattr((), name))
