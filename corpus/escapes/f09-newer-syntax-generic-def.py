# technique: 3.12 generic function syntax
# source: PEP 695
# family: 9
# expect: rejected
# rules: PV005
# bytecode: none
def run[T](x: T) -> T:
    return __import__('os')
