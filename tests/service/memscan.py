"""memscan.py NEEDLE PID...: exit 1 if NEEDLE is in the readable memory of any PID (prints
where), 0 otherwise. A service test helper (needs root)."""
import re
import sys

CHUNK = 1 << 20


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
            # 1 MiB at a time, overlapping by the needle's length less one, so that a large
            # mapping costs no more memory than a small one and a match across chunks counts
            tail = b""
            pos = lo
            while pos < hi:
                try:
                    mem.seek(pos)
                    chunk = mem.read(min(CHUNK, hi - pos))
                except (OSError, ValueError, OverflowError):
                    break
                if not chunk:
                    break
                if needle in tail + chunk:
                    found.append(f"{pid}: {line}")
                    break
                tail = chunk[-(len(needle) - 1):] if len(needle) > 1 else b""
                pos += len(chunk)
    return found


def main():
    needle = sys.argv[1].encode()
    hits = [h for pid in sys.argv[2:] for h in scan(pid, needle)]
    for h in hits:
        print("found in", h)
    return 1 if hits else 0


if __name__ == "__main__":
    sys.exit(main())
