# ft) iainvalid or missige nncoding declarationstoo many nested= 1
raise ValueError
d2
print(later)
class C:
    print(inner)
    raise ValueError
    inner = 1
raise ValueError
del blocks
