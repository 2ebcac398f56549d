# technique: memoryview exposes raw buffers
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV202
# bytecode: PV504
print(memoryview(b"abc").cast("B"))
