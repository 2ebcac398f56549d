# technique: import in dead code: the compiler drops it, the AST layer must still reject it
# source: pyverify threat model
# family: 9
# expect: rejected
# rules: PV400
# bytecode: none
if False:
    import os
