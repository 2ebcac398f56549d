# String handling: str methods, slicing, unicode, bytes and encodings.
title = "  the hitchhiker's guide to the galaxy  "
print(repr(title.strip().title()), title.split()[1].capitalize(), title.count("the"))
words = title.split()
print("-".join(w[::-1] for w in words), " ".join(sorted(words, key=len)))
print("galaxy".center(12, "*"), "42".zfill(5), "x".rjust(3, "."), "abc".ljust(5) + "|")
print("Hello".swapcase(), "ß".upper(), "ǅ".lower(), "Straße".casefold() == "strasse")
print("a,b,,c".split(","), "a b  c".split(), "k=v=w".partition("="), "k=v=w".rpartition("="))
print("data.csv".endswith((".csv", ".tsv")), "report".startswith("rep"), "abc".find("z"), "abcabc".rfind("b"))
table = str.maketrans("aeiou", "AEIOU", "xyz")
print("the lazy fox".translate(table), "tab\tsep".expandtabs(4), "line1\nline2\r\nline3".splitlines())
s = "naïve café ☕"
b = s.encode("utf-8")
print(len(s), len(b), b[:6], b.decode("utf-8") == s, s.encode("ascii", "replace"), ascii(s))
print([hex(c) for c in "é☕".encode("utf-16-le")], bytes.fromhex("48 69").decode(), bytearray(b"abc").upper())
print("3.14".isdigit(), "314".isdigit(), "abc".isalpha(), "  ".isspace(), "Title Case".istitle(), "x1".isidentifier())
print("%s has %d items costing %.2f" % ("cart", 3, 9.5), "{:^9}".format("mid"), "{0}{1}{0}".format("ab", "-"))
print(ord("A"), chr(9731), "abc" * 2, "abcdef"[1:5:2], "racecar" == "racecar"[::-1])
