# technique: 3.12 f-string reusing the same quotes (PEP 701)
# source: PEP 701
# family: 9
# expect: rejected
# rules: PV005
# bytecode: none
print(f"{"x".join(__import__("os").listdir("/"))}")
