# technique: ctypes.string_at(0) dereferences NULL
# source: pyverify threat model
# family: 11
# expect: rejected
# rules: PV400
# bytecode: PV505
import ctypes
ctypes.string_at(0)
