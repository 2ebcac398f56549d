# technique: an exception's __traceback__ leads to frames and their globals
# source: CVE-2023-37271 (RestrictedPython)
# family: 1
# expect: rejected
# rules: PV300
# bytecode: PV503
try:
    1 / 0
except ZeroDivisionError as e:
    frame = e.__traceback__.tb_frame
    print(frame.f_globals["__builtins__"])
