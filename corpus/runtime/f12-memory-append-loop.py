# technique: growing a list of 1 MB strings without bound
# family: 12
# expect-status: memory
chunks = []
while True:
    chunks.append("x" * 10 ** 6 + str(len(chunks)))
