# technique: invalid UTF-8 only inside a comment: compile() of the bytes accepts it, running the file refuses it
# source: PEP 3120; CPython tokenizer
# family: 14
# expect: invalid
# rules: PV002
# bytecode: none
# café ÿ
print('decoded differently by different tools')
