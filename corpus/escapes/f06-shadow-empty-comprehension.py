# technique: walrus in an empty comprehension 'binds' eval at module level but never runs
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV203
# bytecode: PV504
[(eval := len) for _ in ()]
eval("__import__('os').system('id')")
