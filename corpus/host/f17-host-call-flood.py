# technique: call the host in a loop to exhaust it
# source: pyverify threat model (host-function floods)
# family: 17
# expect: accepted
# expect-runtime: host_limit
while True:
    rate("EUR")
