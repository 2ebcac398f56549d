# Recursion: towers of Hanoi, permutations, power set, flood fill.
def hanoi(n, src="A", dst="C", via="B", moves=None):
    if moves is None:
        moves = []
    if n:
        hanoi(n - 1, src, via, dst, moves)
        moves.append((src, dst))
        hanoi(n - 1, via, dst, src, moves)
    return moves


def perms(items):
    if len(items) <= 1:
        return [items]
    return [[items[i]] + p for i in range(len(items)) for p in perms(items[:i] + items[i + 1:])]


def powerset(s):
    if not s:
        return [[]]
    rest = powerset(s[1:])
    return rest + [[s[0]] + r for r in rest]


def flood(grid, r, c, new):
    old = grid[r][c]
    if old == new:
        return 0
    grid[r][c] = new
    filled = 1
    for dr, dc in ((1, 0), (-1, 0), (0, 1), (0, -1)):
        nr, nc = r + dr, c + dc
        if 0 <= nr < len(grid) and 0 <= nc < len(grid[0]) and grid[nr][nc] == old:
            filled += flood(grid, nr, nc, new)
    return filled


print(len(hanoi(10)), hanoi(3))
print(perms([1, 2, 3]), len(perms(list("abcde"))))
print(sorted(powerset([1, 2, 3]), key=lambda s: (len(s), s)))
g = [list(row) for row in ["..#..", ".##..", "....#", "###.."]]
print(flood(g, 0, 0, "o"))
print("\n".join("".join(r) for r in g))
