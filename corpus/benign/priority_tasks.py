# Task scheduler with heapq and bisect.
import bisect
import heapq

tasks = [(3, "write report"), (1, "fix prod"), (2, "review PR"), (5, "lunch"), (1, "call boss")]
heap = []
for order, (prio, name) in enumerate(tasks):
    heapq.heappush(heap, (prio, order, name))
while heap:
    prio, _, name = heapq.heappop(heap)
    print(prio, name)
print(heapq.nlargest(2, [5, 1, 8, 3, 9]), heapq.nsmallest(3, tasks))
print(list(heapq.merge([1, 4, 7], [2, 5, 8], [3, 6])))

BREAKS = [60, 70, 80, 90]
GRADES = "FDCBA"


def grade(score):
    return GRADES[bisect.bisect(BREAKS, score)]


print([grade(s) for s in [33, 60, 75, 89, 90, 100]])
sorted_list = []
for x in [5, 1, 4, 1, 5, 9, 2, 6]:
    bisect.insort(sorted_list, x)
print(sorted_list, bisect.bisect_left(sorted_list, 5), bisect.bisect_right(sorted_list, 5))
h = [9, 3, 7, 1]
heapq.heapify(h)
print(heapq.heapreplace(h, 4), sorted(h))
