# technique: __del__ runs later, at garbage collection or interpreter shutdown
# source: pyverify threat model
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Late:
    def __del__(self):
        print(open("/etc/hostname").read())
keep = Late()
