# technique: alias the stub so that the attribute check does not see the host name
# source: pyverify threat model
# family: 17
# expect: rejected
# rules: PV300
# expect-runtime: error
f = rate
print(f.__globals__)
print("ESCAPED")
