# A seeded dice game simulation with random.
import random

rng = random.Random(2024)


class Player:
    def __init__(self, name):
        self.name = name
        self.score = 0

    def turn(self):
        total = 0
        rolls = []
        while True:
            d = rng.randint(1, 6)
            rolls.append(d)
            if d == 1:
                return rolls, 0
            total += d
            if total >= 15 or rng.random() < 0.3:
                return rolls, total


players = [Player(n) for n in ("ann", "ben", "cat")]
rnd = 0
while max(p.score for p in players) < 50:
    rnd += 1
    for p in players:
        rolls, pts = p.turn()
        p.score += pts
print("rounds", rnd)
for p in sorted(players, key=lambda p: (-p.score, p.name)):
    print(f"{p.name}: {p.score}")
random.seed(7)
deck = [f"{r}{s}" for s in "SHDC" for r in "A23456789TJQK"]
random.shuffle(deck)
print(deck[:5], random.choice(deck), random.sample(range(100), 4))
print(round(random.uniform(1, 2), 6), random.choices("abc", weights=[5, 1, 1], k=6), random.randrange(0, 100, 5))
print(round(random.gauss(0, 1), 6), rng.getrandbits(16))
