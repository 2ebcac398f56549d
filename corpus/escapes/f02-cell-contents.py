# technique: cell_contents reads a closure cell
# source: pyverify threat model
# family: 2
# expect: rejected
# rules: PV301
# bytecode: PV503
def outer():
    x = 1
    def inner():
        return x
    return inner
cells = outer().__closure__
print(cells[0].cell_contents)
