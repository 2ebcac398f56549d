# technique: tb_next walks the traceback chain to deeper frames
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
class Catch:
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        while tb.tb_next is not None:
            tb = tb.tb_next
        self.frame = tb.tb_frame
        return True
def fail():
    int("x")
with Catch() as c:
    fail()
print(c.frame.f_back)
