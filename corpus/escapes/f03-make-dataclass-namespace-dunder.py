# technique: (hole found while writing the corpus, now closed) make_dataclass(namespace={'__del__': ...}) defines a special method from a string key; the default policy has no rule for it (fix: drop dataclasses.make_dataclass or check its namespace)
# source: pyverify threat model
# family: 3
# expect: rejected
# rules: PV303
# bytecode: PV508
import dataclasses
hook = lambda self, name: "intercepted " + name
class Names:
    anything = 0
Spy = dataclasses.make_dataclass("Spy", [], namespace={"__getattr__": hook, "__del__": lambda self: print("finalizer ran")})
s = Spy()
print(s.anything)
del s
