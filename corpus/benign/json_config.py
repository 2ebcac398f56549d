# Merge JSON configuration layers and dump the result.
import json

DEFAULTS = '{"server": {"host": "0.0.0.0", "port": 80, "tls": false}, "workers": 2, "paths": ["/srv"]}'
OVERRIDE = '{"server": {"port": 8443, "tls": true}, "paths": ["/data"], "name": "edge\\u00e9"}'


def merge(base, extra):
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = merge(out[key], value)
        elif isinstance(value, list) and isinstance(out.get(key), list):
            out[key] = out[key] + value
        else:
            out[key] = value
    return out


config = merge(json.loads(DEFAULTS), json.loads(OVERRIDE))
print(json.dumps(config, sort_keys=True))
print(json.dumps(config, indent=2, ensure_ascii=False))
try:
    json.loads('{"a": 1,}')
except json.JSONDecodeError as e:
    print("bad json:", e)
print(json.loads("[1, 2.5, null, true, \"x\"]"), json.dumps({"k": (1, 2)}, separators=(",", ":")))
