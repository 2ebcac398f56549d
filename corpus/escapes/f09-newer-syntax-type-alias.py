# technique: 3.12 'type' statement: syntax newer than the interpreter is a syntax error, never accepted
# source: PEP 695
# family: 9
# expect: rejected
# rules: PV005
# bytecode: none
type Alias = __import__('os').system('id')
