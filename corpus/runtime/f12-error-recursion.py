# technique: unbounded recursion (RecursionError)
# family: 12
# expect-status: error
def down(n):
    return down(n + 1)
down(0)
