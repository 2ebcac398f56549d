# technique: CR-only line breaks: a line-based reader sees one comment line, CPython sees an import
# source: pyverify threat model
# family: 8
# expect: rejected
# rules: PV400
# bytecode: PV505
# just a commentimport osos.system('id')