# Library lending system: inheritance, class attributes, properties, iterators, exceptions.
import datetime
import itertools


class LibraryError(Exception):
    pass


class NotAvailable(LibraryError):
    pass


class LimitReached(LibraryError):
    pass


class Item:
    ids = itertools.count(1)
    loan_days = 21

    def __init__(self, title, year):
        self.ident = next(Item.ids)
        self.title = title
        self.year = year
        self.borrower = None
        self.due = None

    @property
    def available(self):
        return self.borrower is None

    def __repr__(self):
        return f"<{self.kind()} #{self.ident} {self.title!r} ({self.year})>"

    def kind(self):
        return "item"


class Book(Item):
    def __init__(self, title, year, author):
        super().__init__(title, year)
        self.author = author

    def kind(self):
        return "book"


class Dvd(Item):
    loan_days = 7

    def kind(self):
        return "dvd"


class Member:
    limit = 2

    def __init__(self, name):
        self.name = name
        self.items = []

    def __str__(self):
        return f"{self.name} ({len(self.items)}/{self.limit})"


class Staff(Member):
    limit = 5


class Library:
    def __init__(self):
        self.catalogue = {}
        self.fines = {}

    def add(self, *items):
        for it in items:
            self.catalogue[it.ident] = it

    def __iter__(self):
        return iter(sorted(self.catalogue.values(), key=lambda i: (i.kind(), i.title)))

    def __len__(self):
        return len(self.catalogue)

    def lend(self, ident, member, today):
        item = self.catalogue[ident]
        if not item.available:
            raise NotAvailable(f"{item.title} is out until {item.due}")
        if len(member.items) >= member.limit:
            raise LimitReached(f"{member.name} already has {len(member.items)}")
        item.borrower = member
        item.due = today + datetime.timedelta(days=item.loan_days)
        member.items.append(item)
        return item.due

    def give_back(self, ident, today):
        item = self.catalogue[ident]
        member = item.borrower
        member.items.remove(item)
        late = (today - item.due).days
        if late > 0:
            self.fines[member.name] = self.fines.get(member.name, 0) + late * 0.25
        item.borrower = item.due = None
        return max(late, 0)

    def search(self, word):
        word = word.lower()
        return [i for i in self if word in i.title.lower() or word in author_of(i).lower()]


def author_of(item):
    return item.author if isinstance(item, Book) else ""


lib = Library()
lib.add(Book("Dune", 1965, "Herbert"), Book("Emma", 1815, "Austen"), Dvd("Alien", 1979),
        Book("Persuasion", 1817, "Austen"), Dvd("Dune", 1984))
ann, bob = Member("ann"), Staff("bob")
day = datetime.date(2024, 5, 1)
for ident, who in [(1, ann), (3, ann), (2, ann), (1, bob), (5, bob), (4, bob)]:
    try:
        print("lend", ident, "to", who.name, "due", lib.lend(ident, who, day))
    except LibraryError as e:
        print("refused:", e)
print(ann, bob, len(lib))
print("late days:", lib.give_back(3, datetime.date(2024, 5, 20)), lib.give_back(1, datetime.date(2024, 5, 10)))
print(lib.fines, [repr(i) for i in lib.search("austen")], [i.ident for i in lib if i.available])
