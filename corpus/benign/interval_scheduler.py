# Meeting-room scheduling: merge intervals, find free slots, assign rooms greedily.
import heapq


def to_min(hhmm):
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def to_hhmm(mins):
    return f"{mins // 60:02d}:{mins % 60:02d}"


meetings = [("standup", "09:00", "09:15"), ("design", "09:10", "10:30"), ("1:1", "10:00", "10:30"),
            ("lunch", "12:00", "13:00"), ("review", "12:30", "14:00"), ("retro", "16:00", "17:00")]
spans = sorted((to_min(a), to_min(b)) for _, a, b in meetings)
merged = []
for start, end in spans:
    if merged and start <= merged[-1][1]:
        merged[-1][1] = max(merged[-1][1], end)
    else:
        merged.append([start, end])
print("busy:", [f"{to_hhmm(a)}-{to_hhmm(b)}" for a, b in merged])
day = (to_min("08:00"), to_min("18:00"))
free = []
cursor = day[0]
for a, b in merged:
    if a > cursor:
        free.append((cursor, a))
    cursor = max(cursor, b)
if cursor < day[1]:
    free.append((cursor, day[1]))
print("free:", [f"{to_hhmm(a)}-{to_hhmm(b)}" for a, b in free if b - a >= 30])
rooms = []
assignment = {}
for name, a, b in sorted(meetings, key=lambda m: to_min(m[1])):
    start, end = to_min(a), to_min(b)
    if rooms and rooms[0][0] <= start:
        _, room = heapq.heappop(rooms)
    else:
        room = f"R{len(set(assignment.values())) + 1}"
    assignment[name] = room
    heapq.heappush(rooms, (end, room))
print(assignment)
