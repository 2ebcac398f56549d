# technique: dis/opcode modules expose and assemble instructions
# source: pyverify threat model
# family: 10
# expect: rejected
# rules: PV400
# bytecode: PV505
import dis
import opcode
print(opcode.opmap['IMPORT_NAME'])
