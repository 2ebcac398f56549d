# technique: (hole found while writing the corpus, now closed) functools.singledispatchmethod.register evaluates a string annotation (register is a public attribute of an allowed class)
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV303
# bytecode: PV508
import functools
class Handler:
    @functools.singledispatchmethod
    def handle(self, x):
        return "object"
    @handle.register
    def handle_str(self, x: "print(open('/etc/hostname').read()) or str"):
        return "str"
