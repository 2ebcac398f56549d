# technique: ignore SIGXCPU to survive the soft CPU limit
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV400
# bytecode: PV505
import signal
signal.signal(signal.SIGXCPU, signal.SIG_IGN)
while True:
    pass
