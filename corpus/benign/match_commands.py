# A text-adventure command interpreter using match statements.
import dataclasses


@dataclasses.dataclass
class Point:
    x: int
    y: int


@dataclasses.dataclass
class Move:
    direction: str
    steps: int = 1


class Player:
    def __init__(self):
        self.pos = Point(0, 0)
        self.bag = []


def parse(text):
    words = text.split()
    match words:
        case []:
            return None
        case ["go", ("north" | "south" | "east" | "west") as d]:
            return Move(d)
        case ["go", d, n] if n.isdigit():
            return Move(d, int(n))
        case ["take", *things] if things:
            return ("take", things)
        case ["look" | "l"]:
            return "look"
        case [verb, *_]:
            return ("unknown", verb)


DELTA = {"north": (0, 1), "south": (0, -1), "east": (1, 0), "west": (-1, 0)}


def apply(player, cmd):
    match cmd:
        case None:
            return "say something"
        case Move(direction=d, steps=n) if d in DELTA:
            dx, dy = DELTA[d]
            player.pos = Point(player.pos.x + dx * n, player.pos.y + dy * n)
            return f"moved {d} {n}"
        case Move(direction=d):
            return f"cannot go {d}"
        case ("take", [single]):
            player.bag.append(single)
            return f"took {single}"
        case ("take", [first, *rest]):
            player.bag.extend([first, *rest])
            return f"took {len(rest) + 1} things"
        case "look":
            match player.pos:
                case Point(x=0, y=0):
                    return "you are at the start"
                case Point(x=0, y=y):
                    return f"on the meridian at {y}"
                case Point(x=x, y=y) if x == y:
                    return "on the diagonal"
                case Point():
                    return f"somewhere at {player.pos}"
        case ("unknown", verb):
            return f"what is {verb!r}?"


def describe(event):
    match event:
        case {"type": "damage", "amount": int(n)} if n > 50:
            return f"critical hit {n}"
        case {"type": "damage", "amount": int() | float() as n}:
            return f"hit {n}"
        case {"type": "heal", **rest}:
            return f"heal with {sorted(rest)}"
        case {"type": str(t)}:
            return f"event {t}"
        case True | False as b:
            return f"flag {b}"
        case (1, 2, *others):
            return f"tuple starting 1,2 plus {others}"
        case 0 | 1 | 2:
            return "small"
        case str() as s if len(s) > 3:
            return "long string"
        case _:
            return "?"


p = Player()
for line in ["look", "go north", "go east 3", "go up", "take lamp", "take key rope coin", "look", "dance now", ""]:
    print(f"{line!r:22} -> {apply(p, parse(line))}")
print(p.pos, p.bag)
for ev in [{"type": "damage", "amount": 70}, {"type": "damage", "amount": 2.5}, {"type": "heal", "hp": 3, "mp": 1},
           {"type": "spawn"}, True, (1, 2, 3, 4), 2, "hello", 3.5]:
    print(describe(ev))
