# technique: replace a re.Scanner's lexicon through a parameter (the name is the library's: PV306)
# source: issue 14 (family 15 coverage), pyverify threat model
# family: 15
# expect: rejected
# rules: PV306
# bytecode: PV519
import re


def word(scanner, token):
    return token


def put(obj, value):
    # the receiver's type is unknown to the static layers: only the runtime layer can refuse
    obj.lexicon = value


sc = re.Scanner([(r"\w+", word), (r"\s+", None)])
put(sc, [])
print("ESCAPED: library object rewritten", sc.scan("a b"))
