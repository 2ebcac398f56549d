# The classic sandbox escape: walk from a tuple to object and list every class.
# pyverify rejects it (PV300) and points at each private attribute.
for cls in ().__class__.__bases__[0].__subclasses__():
    print(cls)
