# technique: catch every HostError and keep calling (failed calls must count)
# source: pyverify threat model
# family: 17
# expect: accepted
# expect-runtime: host_limit
n = 0
while True:
    try:
        rate("XYZ")
    except HostError:
        n += 1
