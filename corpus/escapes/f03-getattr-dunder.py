# technique: getattr reads an attribute named by a string
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 3
# expect: rejected
# rules: PV202
# bytecode: PV504
cls = getattr((), "__class__")
print(getattr(cls, "__base__").__subclasses__())
