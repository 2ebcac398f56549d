# technique: materialising a billion-element range
# family: 12
# expect-status: memory
print(len(list(range(10 ** 9))))
