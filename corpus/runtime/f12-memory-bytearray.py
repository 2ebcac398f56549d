# technique: bytearray(10**10)
# family: 12
# expect-status: memory
buf = bytearray(10 ** 10)
print(len(buf))
