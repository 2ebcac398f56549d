# technique: walk in a while-0 body, optimised away before bytecode
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV300
# bytecode: none
while 0:
    print(().__class__.__base__.__subclasses__())
