# technique: map(getattr, objs, names): attribute names as data, read by the map iterator
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV302
# bytecode: PV504
grab = list(map(getattr, [print, print], ["__self__", "__class__"]))
print("ESCAPED", grab[0].open)
