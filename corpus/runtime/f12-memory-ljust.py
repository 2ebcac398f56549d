# technique: str.ljust with a huge width
# family: 12
# expect-status: memory
print(len("x".ljust(2 ** 36)))
