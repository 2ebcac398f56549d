# technique: __builtins__ at module level is the builtins namespace
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
b = __builtins__
opener = b["open"] if isinstance(b, dict) else b.open
print(opener("/etc/hostname").read())
