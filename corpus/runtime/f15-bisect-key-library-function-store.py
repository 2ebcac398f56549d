# technique: a bisect key callback (called from library C code) stores an attribute on a library function (heapq.merge)
# family: 15
# expect-status: error
import bisect
import heapq


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.attr = value
    return 0


bisect.bisect([0, 1], 0, key=lambda x: put(heapq.merge, x))
print("ESCAPED: attribute stored on a library function")
