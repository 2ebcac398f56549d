# technique: 'a' * 10**10: a 10 GB string
# family: 12
# expect-status: memory
s = "a" * 10 ** 10
print(len(s))
