# technique: form feed in indentation resets the column count in CPython's tokenizer
# source: CPython tokenizer (Python Language Reference 2.1.8)
# family: 8
# expect: rejected
# rules: PV400
# bytecode: PV505
if True:
    import os
    os.system('id')
