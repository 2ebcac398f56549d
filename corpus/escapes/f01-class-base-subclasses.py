# technique: walk ().__class__.__base__.__subclasses__() to os._wrap_close and call os.system through __init__.__globals__
# source: Ned Batchelder, 'Eval really is dangerous' (2012)
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
system = [c for c in ().__class__.__base__.__subclasses__() if c.__name__ == "_wrap_close"][0].__init__.__globals__["system"]
system("id")
