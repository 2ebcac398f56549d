# technique: storing into a class of an allowed module changes what the library (and every later lookup) sees
# family: 15
# expect-status: error
import dataclasses
import json

dataclasses.Field.name = "__class__"
json.JSONEncoder.item_separator = "PWNED"
print(json.dumps([1, 2]))
