# technique: replace datetime.datetime.now and timezone.utc (class attributes of a C type of an allowed module)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV307
# bytecode: PV520
import datetime


def hook(cls, tz=None):
    print("ESCAPED: datetime rewritten")
    return None


datetime.datetime.now = hook
datetime.timezone.utc = None
print(datetime.datetime.now())
