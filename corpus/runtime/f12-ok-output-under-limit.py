# technique: control case: 60 KB of output, under the 64 KB limit
# family: 12
# expect-status: ok
for i in range(600):
    print(f"{i:05d}" + "o" * 94)
