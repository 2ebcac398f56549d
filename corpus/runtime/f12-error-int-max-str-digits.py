# technique: int() of a 100000-digit string (3.11 limits int/str conversion to 4300 digits)
# family: 12
# expect-status: error
print(int("9" * 100000))
