# technique: __import__ is a dunder builtin
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
__import__("os").system("id")
