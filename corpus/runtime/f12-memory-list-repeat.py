# technique: [0] * 10**9: an 8 GB list
# family: 12
# expect-status: memory
big = [0] * 10 ** 9
print(len(big))
