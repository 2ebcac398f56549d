# technique: f-strings nested deeper than 3.11 allows
# source: pyverify threat model
# family: 14
# expect: rejected
# rules: PV005
# bytecode: none
x = f'{1:{2:{3:{__import__(\'os\').system(\'id\')}}}}'
