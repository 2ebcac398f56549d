# technique: importlib imports by string
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import importlib
importlib.import_module('os').system('id')
