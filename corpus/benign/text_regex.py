# Data munging with re: parse contacts, normalise phone numbers, redact e-mails.
import re

TEXT = """
Name: Ada Lovelace; phone: +44 (20) 7946-0018; mail: ada@example.org
Name: Alan Turing; phone: 020 7946 0999; mail: alan.turing@example.co.uk
Name: Grace Hopper; phone: (555) 010-4477; mail: grace@navy.example
"""

CONTACT = re.compile(r"Name:\s*(?P<name>[^;]+);\s*phone:\s*(?P<phone>[^;]+);\s*mail:\s*(?P<mail>\S+)")
for m in CONTACT.finditer(TEXT):
    digits = re.sub(r"\D", "", m.group("phone"))
    first, last = m.group("name").split()
    print(f"{last.upper()}, {first[0]}. {digits[-10:]:>10} {m['mail'].split('@')[1]}")
print(re.sub(r"([\w.]+)@([\w.]+)", lambda m: m.group(1)[0] + "***@" + m.group(2), TEXT).strip().splitlines()[1])
print(re.findall(r"\b\d{4}\b", TEXT))
print(re.split(r"[;,]\s*", "a; b,c;d"))
print(bool(re.fullmatch(r"[A-Z]{3}-\d{3}", "ABC-123")), re.match(r"(\w+) (\w+)", "hello world").groups())
words = re.compile(r"\w+", re.IGNORECASE)
print(len(words.findall(TEXT)), re.escape("1+1=2?"), re.subn("o", "0", "foo boo"))
