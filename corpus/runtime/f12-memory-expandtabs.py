# technique: str.expandtabs with a huge tab size
# family: 12
# expect-status: memory
print(len(("\t" * 1000).expandtabs(10 ** 7)))
