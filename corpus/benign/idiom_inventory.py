import collections


class Inventory:
    def __init__(self):
        self._stock = collections.OrderedDict()
        self._log = []

    def add(self, name, qty):
        self._stock[name] = self._stock.get(name, 0) + qty
        self._log.append(("add", name, qty))

    def take(self, name, qty):
        have = self._stock.get(name, 0)
        if qty > have:
            raise ValueError("not enough {0}".format(name))
        self._stock[name] = have - qty
        self._log.append(("take", name, qty))

    def report(self):
        return ", ".join("{}={}".format(k, v) for k, v in self._stock.items())


inv = Inventory()
inv.add("bolt", 10)
inv.add("nut", 4)
inv.take("bolt", 3)
try:
    inv.take("nut", 9)
except ValueError as e:
    print("error:", e)
print(inv.report(), len(inv._log))
