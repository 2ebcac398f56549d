# technique: walk inside an f-string nested in another f-string
# source: pyverify threat model
# family: 4
# expect: rejected
# rules: PV300
# bytecode: PV503
print(f"{f'{().__class__.__base__}'}")
