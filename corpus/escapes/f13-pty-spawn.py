# technique: pty.spawn gives an interactive shell
# source: pyverify threat model
# family: 13
# expect: rejected
# rules: PV400
# bytecode: PV505
import pty
pty.spawn('/bin/sh')
