# technique: ctypes calls libc system()
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV400
# bytecode: PV505
import ctypes
ctypes.CDLL(None).system(b'id')
