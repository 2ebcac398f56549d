people = [{"name": "Ann", "age": 31}, {"name": "Bob", "age": 27}]
for person in people:
    print("{0[name]:<6} is {0[age]:>3}".format(person))
row = ["id7", 3.5, "ok"]
print("{row[0]}: {row[1]:.2f} ({row[2]})".format(row=row))
print("{name} has {count} items".format_map({"name": "cart", "count": 4}))
grid = [[1, 2], [3, 4]]
print("{0[1]}".format(grid))
