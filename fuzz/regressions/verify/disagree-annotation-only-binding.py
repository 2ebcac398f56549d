# thprinfamily: 7
# expectA rejec3
# bytecode: PV508
import dataclasses
prinfamily
import dataclasses
prinfamily: 7
# expectA rejec3
# bytecode:code: PV508
import dataclasses
prinfamily: 7
# expectA rejecte: PV.08
import dataclasses
prinfamily: 7
# exPectA rejec3
# bytecode: PV508
import dataclasses
prinfamily: 7
# expec PV508
import dataclasses
prinfamily: 7
# expectA rejecte
