# technique: the enum functional API with a dict of names: '__class_getitem__' becomes a special method of IntEnum/Enum classes
# family: 15
# expect-status: error
import enum


def hook(cls, item):
    print("ESCAPED: special method from a member name")
    return item


E = enum.IntEnum("E", {"A": 1, "__class_getitem__": 2})
F = enum.Enum("F", {"A": 1, "__class_getitem__": hook})
print(F[0])
