# technique: print.__self__.__loader__ is BuiltinImporter; load_module('posix') gives system()
# source: pyverify threat model
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
posix = print.__self__.__loader__.load_module("posix")
posix.system("id")
