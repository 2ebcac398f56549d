"""A plugin host: user plugins transform records, under the host's own policy."""
import pyverify

# The application's policy: the default, plus the json module for plugins.
POLICY = pyverify.Policy.from_toml("""
[imports]
extend-allow = ["json"]
""", origin="plugins.toml")

PLUGIN = """
import json
out = [{"name": r["name"].title(), "total": sum(r["items"])} for r in records]
print(json.dumps(out, sort_keys=True))
"""


def run_plugin(source, records):
    result = pyverify.run(source, policy=POLICY, inputs={"records": records}, timeout=2.0)
    if result.status == "rejected":
        raise ValueError([str(d) for d in result.diagnostics])
    if result.status != "ok":
        raise RuntimeError(f"plugin failed: {result.status} {result.exception}")
    return result.stdout


print(run_plugin(PLUGIN, [{"name": "ada lovelace", "items": [1, 2, 3]}]), end="")
try:
    run_plugin("import json\nopen('/etc/passwd')", [])
except ValueError as e:
    print("rejected:", e)
