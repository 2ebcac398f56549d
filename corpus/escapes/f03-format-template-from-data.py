# technique: template read from a data structure (e.g. a user-supplied config), then .format
# source: CVE-2023-41039 (RestrictedPython)
# family: 3
# expect: rejected
# rules: PV304
# bytecode: PV506
config = {"greeting": "{user.__init__.__globals__}"}
class User:
    def __init__(self):
        self.name = "x"
print(config["greeting"].format(user=User()))
