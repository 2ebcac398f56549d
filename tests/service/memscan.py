"""memscan.py NEEDLE PID...: exit 1 if NEEDLE is in the readable memory of any PID (prints
where), 0 otherwise. A service test helper (needs root)."""
import re
import sys


def scan(pid, needle):
    found = []
    try:
        maps = open(f"/proc/{pid}/maps").read().splitlines()
        mem = open(f"/proc/{pid}/mem", "rb", buffering=0)
    except OSError:
        return found  # the process is gone
    with mem:
        for line in maps:
            m = re.match(r"([0-9a-f]+)-([0-9a-f]+) (r)", line)
            if not m or line.endswith("[vvar]") or line.endswith("[vsyscall]"):
                continue
            lo, hi = int(m.group(1), 16), int(m.group(2), 16)
            try:
                mem.seek(lo)
                data = mem.read(hi - lo)
            except (OSError, ValueError, OverflowError):
                continue
            if data and needle in data:
                found.append(f"{pid}: {line}")
    return found


def main():
    needle = sys.argv[1].encode()
    hits = [h for pid in sys.argv[2:] for h in scan(pid, needle)]
    for h in hits:
        print("found in", h)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
