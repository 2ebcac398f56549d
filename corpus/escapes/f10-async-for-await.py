# technique: async for / await compile to GET_AITER / GET_AWAITABLE
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV100
# bytecode: PV500
async def f(it, aw):
    async for x in it:
        await aw
