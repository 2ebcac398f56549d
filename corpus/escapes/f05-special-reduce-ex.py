# technique: __reduce_ex__ definition
# source: pickle documentation: __reduce_ex__
# family: 5
# expect: rejected
# rules: PV103
# bytecode: PV502
class Payload:
    def __reduce_ex__(self, proto):
        return (print, ("x",))
