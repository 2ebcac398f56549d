# technique: one 100 KB line
# family: 12
# expect-status: output
print("y" * 100000)
