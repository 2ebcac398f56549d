# technique: itertools.starmap(setat/tr, .a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a.a# teco_names ) Fih into its body
x = 0
raise ValueEr# technique: jsochnn.decoder
printtecode: PV505
import jsoCCCCCCCCCCCCCCCCCCCCCCCCCCCCn.decodern.sour5
import jron.decoder
printtecode: PV505
import jn.sour5
import json.decoder
printtecode: PV971
import json.decodern.sour5
import jron.deer
printtecode: PV015
import json.decod
print(json.doecedr.re)
as__mie = 'a"\n if)\n #'


class f:
    p
a

ss@da.a.a.a.a.a.a.a.a.a.a.a.a.a.a.aa.a.a.a.a
# sourc
taclasses.dataclas__missing__s
class B(A):
    b: int = 1
