# Log processing with generator pipelines and yield from.
LOG = """\
2024-03-01 10:00:01 INFO user=alice action=login
2024-03-01 10:00:05 WARN user=bob action=login failed=1
2024-03-01 10:01:00 INFO user=alice action=view page=home
2024-03-01 10:02:13 ERROR user=carol action=pay code=502
2024-03-01 10:03:00 INFO user=bob action=login
2024-03-01 10:04:44 ERROR user=alice action=pay code=500
"""


def lines(text):
    for line in text.splitlines():
        if line.strip():
            yield line


def parse(records):
    for rec in records:
        date, time, level, *pairs = rec.split()
        fields = dict(p.split("=", 1) for p in pairs)
        yield {"ts": f"{date}T{time}", "level": level, **fields}


def only(levels, events):
    return (e for e in events if e["level"] in levels)


def chunks(seq, n):
    buf = []
    for x in seq:
        buf.append(x)
        if len(buf) == n:
            yield buf
            buf = []
    if buf:
        yield buf


def flatten(nested):
    for x in nested:
        if isinstance(x, list):
            yield from flatten(x)
        else:
            yield x


def echo():
    received = []
    while True:
        value = yield len(received)
        if value is None:
            return received
        received.append(value)


events = list(parse(lines(LOG)))
for e in only({"ERROR", "WARN"}, events):
    print(e["ts"], e["level"], e["user"], e.get("code", "-"))
print([len(c) for c in chunks(events, 4)])
print(list(flatten([1, [2, [3, [4, 5]], 6], [[7]]])))
g = echo()
next(g)
print(g.send("a"), g.send("b"))
try:
    g.send(None)
except StopIteration as stop:
    print("returned", stop.value)
