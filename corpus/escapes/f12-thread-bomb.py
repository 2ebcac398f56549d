# technique: threads spinning in parallel to multiply CPU use
# source: pyverify threat model
# family: 12
# expect: rejected
# rules: PV400
# bytecode: PV505
import threading
for _ in range(1000):
    threading.Thread(target=lambda: [0 for _ in iter(int, 1)]).start()
