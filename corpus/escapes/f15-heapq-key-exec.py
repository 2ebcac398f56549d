# technique: heapq.nsmallest(key=exec): source text run from a heapq frame
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import heapq

src = "print('ESCAPED', open('/etc/hostname').read())"
heapq.nsmallest(1, [src], key=exec)
