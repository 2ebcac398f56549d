"""An autograder: run a submission against test cases on its standard input."""
import pyverify

SUBMISSION = """
n = int(input())
print(sum(i * i for i in range(1, n + 1)))
"""
CASES = [("3\n", "14\n"), ("10\n", "385\n")]


def grade(source):
    report = pyverify.check(source)
    if not report.ok:
        return "rejected: " + "; ".join(d.message for d in report.diagnostics)
    passed = 0
    for stdin, expected in CASES:
        result = pyverify.run(source, stdin=stdin, timeout=2.0, cpu=1.0, memory_mb=128)
        if result.status == "ok" and result.stdout == expected:
            passed += 1
        elif result.status in ("timeout", "cpu"):
            return f"too slow on input {stdin!r}"
        elif result.status not in ("ok", "error"):
            return f"{result.status} on input {stdin!r}"  # memory, output, killed...
    return f"{passed}/{len(CASES)} passed"


print(grade(SUBMISSION))
print(grade("print(14)"))
print(grade("while True:\n    pass\n"))
print(grade("import subprocess\nsubprocess.run(['rm', '-rf', '/'])"))
