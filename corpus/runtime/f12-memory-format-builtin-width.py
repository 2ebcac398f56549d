# technique: format() builtin with a huge width
# family: 12
# expect-status: memory
print(len(format("x", "^9999999999")))
