# technique: import of a module spelled in mathematical bold letters (𝐨𝐬 is os)
# source: PEP 3131 (identifiers are NFKC-normalised)
# family: 8
# expect: rejected
# rules: PV400
# bytecode: PV505
import 𝐨𝐬
𝐨𝐬.system('id')
