# technique: json.loads(object_hook=partial(compile, filename=<json/decoder.py>)): code compiled from a json frame under a standard-library file name
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV202
# bytecode: PV504
import functools
import json

mk = functools.partial(compile, filename="/usr/lib/python3.11/json/decoder.py", mode="exec")
code = json.loads('"print(\\"ESCAPED\\", open(\\"/etc/hostname\\").read())"', object_hook=mk)
json.loads('{"a": 1}', object_hook=lambda d: exec(mk(code)))
