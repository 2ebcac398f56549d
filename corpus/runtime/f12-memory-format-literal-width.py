# technique: a literal str.format template (allowed: plain fields) with a huge width
# family: 12
# expect-status: memory
print(len("{0:>9999999999}".format(1)))
