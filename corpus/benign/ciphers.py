# Caesar and Vigenere ciphers, plus a frequency attack.
import collections

ALPHA = "abcdefghijklmnopqrstuvwxyz"


def shift_char(ch, k):
    if ch.lower() not in ALPHA:
        return ch
    base = ALPHA.index(ch.lower())
    out = ALPHA[(base + k) % 26]
    return out.upper() if ch.isupper() else out


def caesar(text, k):
    return "".join(shift_char(c, k) for c in text)


def vigenere(text, key, decrypt=False):
    out = []
    ki = 0
    for c in text:
        if c.lower() in ALPHA:
            k = ALPHA.index(key[ki % len(key)])
            out.append(shift_char(c, -k if decrypt else k))
            ki += 1
        else:
            out.append(c)
    return "".join(out)


def crack_caesar(cipher):
    counts = collections.Counter(c for c in cipher.lower() if c in ALPHA)
    top = counts.most_common(1)[0][0]
    return (ALPHA.index(top) - ALPHA.index("e")) % 26


msg = "Meet me near the clock tower at seven, bring the secret letter!"
c = caesar(msg, 11)
print(c)
k = crack_caesar(c)
print(k, caesar(c, -k) == msg)
v = vigenere(msg, "lemon")
print(v)
print(vigenere(v, "lemon", decrypt=True))
