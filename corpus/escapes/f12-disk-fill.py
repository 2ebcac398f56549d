# technique: writing a huge file
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV202
# bytecode: PV504
with open('/tmp/fill', 'w') as f:
    f.write('x' * 10 ** 9)
