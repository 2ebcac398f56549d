# technique: zero-width space inside a string hides 'import os' from naive text search
# source: pyverify threat model
# family: 8
# expect: rejected
# rules: PV202
# bytecode: PV504
exec('im​port os'.replace('​', '') + '; os.system("id")')
