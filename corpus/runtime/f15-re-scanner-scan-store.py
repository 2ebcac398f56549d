# technique: replace a re.Scanner instance's scan method through a parameter (a library object the program created)
# family: 15
# expect-status: error
import re


def word(scanner, token):
    return token


def hook(text):
    return "ESCAPED: library object rewritten"


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.scan = value


sc = re.Scanner([(r"\w+", word), (r"\s+", None)])
put(sc, hook)
print(sc.scan("a b"))
