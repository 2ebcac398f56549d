"""A plugin host: user plugins transform records, under the host's own policy, and ask the
host for prices through a host function (only data crosses)."""
import pyverify

# The application's policy: the default, plus the json module for plugins.
POLICY = pyverify.Policy.from_toml("""
[imports]
extend-allow = ["json"]
""", origin="plugins.toml")

PRICES = {"apple": 0.5, "pear": 0.75}


def price(sku):
    """A host function: runs in this process, gets and returns JSON data only."""
    if sku not in PRICES:
        raise pyverify.HostError(f"unknown sku {sku!r}")
    return PRICES[sku]


PLUGIN = """
import json
out = [{"name": r["name"].title(), "total": sum(price(s) for s in r["items"])} for r in records]
print(json.dumps(out, sort_keys=True))
"""


def run_plugin(source, records):
    result = pyverify.run(source, policy=POLICY, inputs={"records": records},
                          host_functions={"price": price}, timeout=2.0)
    if result.status == "rejected":
        raise ValueError([str(d) for d in result.diagnostics])
    if result.status != "ok":
        raise RuntimeError(f"plugin failed: {result.status} {result.exception}")
    return result.stdout


print(run_plugin(PLUGIN, [{"name": "ada lovelace", "items": ["apple", "pear", "apple"]}]), end="")
try:
    run_plugin(PLUGIN, [{"name": "bob", "items": ["durian"]}])
except RuntimeError as e:
    print(e)
try:
    run_plugin("import json\nopen('/etc/passwd')", [])
except ValueError as e:
    print("rejected:", e)
