# technique: a heapq.nsmallest key function (called from a library Python frame) rewrites a Field's name
# family: 15
# expect-status: error
import dataclasses
import heapq


@dataclasses.dataclass
class A:
    a: object = None


def key(f):
    # runs from heapq.nsmallest's frame (library code), but the store is still the program's
    f.name = "__class__"
    return 0


heapq.nsmallest(1, list(dataclasses.fields(A)), key=key)
print("ESCAPED", dataclasses.asdict(A()))
