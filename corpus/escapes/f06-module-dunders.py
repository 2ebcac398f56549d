# technique: __loader__ of the main module is a SourceFileLoader whose get_data reads any file; __file__ leaks paths
# source: pyverify threat model
# family: 6
# expect: rejected
# rules: PV200
# bytecode: PV502
print(__file__)
print(__loader__.get_data("/etc/hostname"))
