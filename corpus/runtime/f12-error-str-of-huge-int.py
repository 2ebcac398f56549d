# technique: str() of a 30000-digit integer
# family: 12
# expect-status: error
print(str(2 ** 100000))
