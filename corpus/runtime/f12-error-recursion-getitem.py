# technique: unbounded recursion through __getitem__ (C slot to Python and back)
# family: 12
# expect-status: error
class Deep:
    def __getitem__(self, i):
        return self[i + 1]
print(Deep()[0])
