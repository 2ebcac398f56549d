# technique: read the environment through /proc
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV202
# bytecode: PV504
print(open('/proc/self/environ', 'rb').read())
