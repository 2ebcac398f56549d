# An LRU mapping implementing the container protocol.
import collections


class LRU:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = collections.OrderedDict()
        self.evicted = []

    def __getitem__(self, key):
        value = self.data[key]
        self.data.move_to_end(key)
        return value

    def __setitem__(self, key, value):
        if key in self.data:
            self.data.move_to_end(key)
        self.data[key] = value
        if len(self.data) > self.capacity:
            old, _ = self.data.popitem(last=False)
            self.evicted.append(old)

    def __delitem__(self, key):
        del self.data[key]

    def __contains__(self, key):
        return key in self.data

    def __len__(self):
        return len(self.data)

    def __iter__(self):
        return iter(self.data)

    def __reversed__(self):
        return reversed(self.data)

    def __repr__(self):
        return f"LRU({list(self.data.items())})"


class DefaultMap(dict):
    def __missing__(self, key):
        value = len(key)
        self[key] = value
        return value


cache = LRU(3)
for k in "abcab":
    cache[k] = ord(k)
cache["d"] = 100
_ = cache["a"]
cache["e"] = 101
print(cache, cache.evicted, "b" in cache, len(cache))
del cache["a"]
print(list(cache), list(reversed(cache)))
dm = DefaultMap()
print(dm["hello"], dm["hi"], dm)
