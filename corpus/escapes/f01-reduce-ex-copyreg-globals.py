# technique: [].__reduce_ex__(2)[0] is copyreg.__newobj__, whose __globals__ reach __builtins__
# source: RestrictedPython / simpleeval write-ups on __reduce_ex__
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
newobj = [].__reduce_ex__(2)[0]
imp = newobj.__globals__["__builtins__"]["__import__"]
imp("os").system("id")
