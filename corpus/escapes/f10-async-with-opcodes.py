# technique: async with compiles to BEFORE_ASYNC_WITH, not on the opcode list
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV100
# bytecode: PV500
async def f(cm):
    async with cm as x:
        return x
