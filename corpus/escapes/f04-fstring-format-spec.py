# technique: open() hidden in a nested f-string format spec
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV202
# bytecode: PV504
width = 10
print(f"{'x':{width}}{'':{open('/etc/hostname').read()[:0]}}")
