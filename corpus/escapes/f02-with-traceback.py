# technique: with_traceback attaches a traceback (frames) to an exception object
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
class Catch:
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        self.err = ValueError("x").with_traceback(tb)
        return True
with Catch() as c:
    1 / 0
print(c.err)
