# technique: one argument of tens of megabytes, to exhaust the host's memory
# source: pyverify threat model (oversized arguments)
# family: 17
# expect: accepted
# expect-runtime: host_limit
record("invoice", "x" * (30 * 1024 * 1024))
print("ESCAPED")
