# Data munging: parse CSV text by hand, clean values, aggregate, pivot.
import collections
import statistics

RAW = """region,product,month,units,price
North,Tea,2024-01,120,3.5
North,Coffee,2024-01,80,4.25
South,Tea,2024-01,,3.5
South,Coffee,2024-02,95,4.0
North,Tea,2024-02,130,3.6
East,Coffee,2024-02,40,n/a
South,Tea,2024-02,60,3.4
"""


def parse(text):
    header, *rows = [line.split(",") for line in text.strip().splitlines()]
    for row in rows:
        rec = dict(zip(header, row))
        try:
            rec["units"] = int(rec["units"]) if rec["units"] else 0
            rec["price"] = float(rec["price"])
        except ValueError:
            rec["price"] = None
        yield rec


records = list(parse(RAW))
clean = [r for r in records if r["price"] is not None and r["units"] > 0]
print(f"{len(records)} rows, {len(clean)} clean")
revenue = collections.defaultdict(float)
for r in clean:
    revenue[(r["region"], r["product"])] += r["units"] * r["price"]
for (region, product), total in sorted(revenue.items(), key=lambda kv: -kv[1]):
    print(f"{region:<6}{product:<8}{total:>9.2f}")
months = sorted({r["month"] for r in clean})
products = sorted({r["product"] for r in clean})
print("month    " + "".join(f"{p:>8}" for p in products))
for m in months:
    cells = [sum(r["units"] for r in clean if r["month"] == m and r["product"] == p) for p in products]
    print(f"{m:<9}" + "".join(f"{c:>8}" for c in cells))
prices = [r["price"] for r in clean]
print(f"price mean {statistics.mean(prices):.3f}, spread {max(prices) - min(prices):.2f}")
