# technique: json.dumps of a deeply nested dict (RecursionError)
# family: 12
# expect-status: error
import json
d = {}
for _ in range(100000):
    d = {"k": d}
print(len(json.dumps(d)))
