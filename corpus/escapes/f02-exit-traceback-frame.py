# technique: __exit__ receives the traceback object: tb.tb_frame.f_back.f_globals without any dunder attribute
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
class Catch:
    def __enter__(self):
        return self
    def __exit__(self, et, ev, tb):
        self.globals_ = tb.tb_frame.f_globals
        return True
with Catch() as c:
    1 / 0
print(c.globals_["__builtins__"])
