# technique: async generator machinery (athrow/aclose) has had several 3.11 crashers
# source: CPython issue tracker: async generator crashers
# family: 11
# expect: rejected
# rules: PV100
# bytecode: PV500
async def agen():
    try:
        yield 1
    finally:
        await agen().aclose()
