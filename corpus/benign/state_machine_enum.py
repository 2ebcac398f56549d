# Order workflow as a state machine with enum.
import enum


class State(enum.Enum):
    NEW = "new"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"


class Priority(enum.IntEnum):
    LOW = 1
    NORMAL = 2
    HIGH = 3


class Flags(enum.Flag):
    GIFT = enum.auto()
    FRAGILE = enum.auto()
    EXPRESS = enum.auto()


TRANSITIONS = {
    State.NEW: {State.PAID, State.CANCELLED},
    State.PAID: {State.SHIPPED, State.CANCELLED},
    State.SHIPPED: {State.DELIVERED},
}


class Order:
    def __init__(self, ident, priority=Priority.NORMAL, flags=Flags(0)):
        self.ident = ident
        self.state = State.NEW
        self.priority = priority
        self.flags = flags
        self.history = [State.NEW]

    def advance(self, new):
        if new not in TRANSITIONS.get(self.state, set()):
            raise RuntimeError(f"order {self.ident}: {self.state.name} -> {new.name} not allowed")
        self.state = new
        self.history.append(new)


orders = [Order(1, Priority.HIGH, Flags.GIFT | Flags.EXPRESS), Order(2), Order(3, Priority.LOW)]
plan = {1: [State.PAID, State.SHIPPED, State.DELIVERED], 2: [State.SHIPPED], 3: [State.CANCELLED]}
for o in sorted(orders, key=lambda o: -o.priority):
    for step in plan[o.ident]:
        try:
            o.advance(step)
        except RuntimeError as exc:
            print("refused:", exc)
    print(o.ident, o.priority.name, int(o.priority), o.state.value,
          "->".join(s.value for s in o.history), Flags.EXPRESS in o.flags)
print(State("paid"), State["SHIPPED"].value, [s.name for s in State][:3])
