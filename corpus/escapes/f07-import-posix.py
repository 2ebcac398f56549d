# technique: posix is os's C core
# source: pyverify threat model
# family: 7
# expect: rejected
# rules: PV400
# bytecode: PV505
import posix
posix.system('id')
