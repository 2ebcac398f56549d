# A context-manager class with __enter__/__exit__, plus try/except/else/finally.
class Transaction:
    def __init__(self, ledger):
        self.ledger = ledger
        self.pending = []

    def __enter__(self):
        print("begin")
        return self

    def post(self, account, amount):
        if amount == 0:
            raise ValueError("zero amount")
        self.pending.append((account, amount))

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            for account, amount in self.pending:
                self.ledger[account] = self.ledger.get(account, 0) + amount
            print("commit", len(self.pending))
        else:
            print("rollback:", exc)
        return exc_type is ValueError


class Timer:
    def __init__(self):
        self.events = []

    def __enter__(self):
        self.events.append("start")
        return self.events

    def __exit__(self, *args):
        self.events.append("stop")
        return False


ledger = {}
with Transaction(ledger) as t:
    t.post("cash", -50)
    t.post("sales", 50)
with Transaction(ledger) as t:
    t.post("cash", 10)
    t.post("sales", 0)
print(ledger)

with Timer() as ev, Transaction(ledger) as t2:
    ev.append("work")
    t2.post("fees", 3)
print(ev)


def parse_amount(text):
    try:
        value = float(text)
    except ValueError:
        print("not a number:", repr(text))
        return None
    else:
        print("parsed", value)
        return value
    finally:
        print("done with", text)


print([parse_amount(x) for x in ["1.5", "abc"]])
