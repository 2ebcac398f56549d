# technique: gc.get_referrers returns objects under construction (Lib/test/crashers/gc_inspection.py)
# source: CPython Lib/test/crashers/gc_inspection.py
# family: 11
# expect: rejected
# rules: PV400
# bytecode: PV505
import gc
print(len(gc.get_referrers(print)))
