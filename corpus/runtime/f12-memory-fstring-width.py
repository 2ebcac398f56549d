# technique: f-string format spec with a huge width
# family: 12
# expect-status: memory
n = 10 ** 10
print(len(f"{1:>{n}}"))
