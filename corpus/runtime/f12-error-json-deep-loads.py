# technique: json.loads of 100000 nested arrays (RecursionError)
# family: 12
# expect-status: error
import json
print(json.loads("[" * 100000 + "]" * 100000))
