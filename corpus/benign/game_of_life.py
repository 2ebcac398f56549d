# Conway's Game of Life on a small torus, with sets and comprehensions.
WIDTH, HEIGHT = 12, 8
GLIDER = {(1, 0), (2, 1), (0, 2), (1, 2), (2, 2)}
BLINKER = {(8, 4), (9, 4), (10, 4)}


def neighbours(cell):
    x, y = cell
    return [((x + dx) % WIDTH, (y + dy) % HEIGHT)
            for dx in (-1, 0, 1) for dy in (-1, 0, 1) if (dx, dy) != (0, 0)]


def step(live):
    counts = {}
    for cell in live:
        for n in neighbours(cell):
            counts[n] = counts.get(n, 0) + 1
    return {c for c, k in counts.items() if k == 3 or (k == 2 and c in live)}


def render(live):
    return "\n".join("".join("#" if (x, y) in live else "." for x in range(WIDTH)) for y in range(HEIGHT))


world = GLIDER | BLINKER
for gen in range(5):
    if gen in (0, 4):
        print(f"generation {gen}: {len(world)} alive")
        print(render(world))
    world = step(world)
print(sorted(world))
