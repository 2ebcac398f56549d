# technique: str.zfill with a huge width
# family: 12
# expect-status: memory
print(len("1".zfill(10 ** 10)))
