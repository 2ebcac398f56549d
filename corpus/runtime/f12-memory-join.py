# technique: joining a thousand 1 MB strings
# family: 12
# expect-status: memory
print(len("".join(["x" * 10 ** 6] * 1000)))
