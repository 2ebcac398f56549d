# Discrete-event simulation of a coffee shop queue (seeded random, heapq event list).
import heapq
import random
import statistics

rng = random.Random(12345)
ARRIVAL_RATE = 1 / 2.0
SERVICE_MEAN = 1.8
BARISTAS = 2
CLOSE = 120.0

events = []
seq = 0


def schedule(t, kind, who):
    global seq
    heapq.heappush(events, (t, seq, kind, who))
    seq += 1


t = 0.0
cid = 0
while True:
    t += rng.expovariate(ARRIVAL_RATE)
    if t > CLOSE:
        break
    schedule(t, "arrive", cid)
    cid += 1

free = BARISTAS
queue = []
arrived = {}
waits = []
served = 0
max_queue = 0
while events:
    now, _, kind, who = heapq.heappop(events)
    if kind == "arrive":
        arrived[who] = now
        if free:
            free -= 1
            waits.append(0.0)
            schedule(now + rng.expovariate(1 / SERVICE_MEAN), "leave", who)
        else:
            queue.append(who)
            max_queue = max(max_queue, len(queue))
    else:
        served += 1
        if queue:
            nxt = queue.pop(0)
            waits.append(now - arrived[nxt])
            schedule(now + rng.expovariate(1 / SERVICE_MEAN), "leave", nxt)
        else:
            free += 1
print("customers", cid, "served", served, "max queue", max_queue)
print(f"mean wait {statistics.mean(waits):.3f} median {statistics.median(waits):.3f} max {max(waits):.3f}")
print("waited > 5:", sum(1 for w in waits if w > 5))
