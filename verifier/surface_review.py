# surface_review.py: the reviewed half of rules/surface.tsv (verifier/surface.py writes the
# table). review(row, kind, evidence) returns (class, verdict, justification).
#
# Rows named in REVIEWED carry a reviewer's verdict. The other rows get one from the generic
# rules at the bottom, which only ever pass rows whose automatic evidence shows no
# attribute-name sink, no code sink and no writable library field; anything else without a
# reviewed entry is UNREVIEWED, and `surface.py --check` fails on it.
#
# Mechanisms named in verdicts (docs/surface.md says which layer each belongs to):
#   static:PV301        attribute deny patterns (frames, code, tracebacks, format_map ...)
#   static:PV304        str.format only on a literal with a safe template
#   static:stores       the static layers refuse stores into library objects whose type
#                       they know, and __annotations__ keys that are not policy names
#   static:attrnames    an attribute name the program assigns somewhere is readable only
#                       when no reachable type or module has an attribute of that name
#                       (so `x.register = None` no longer unlocks ABCMeta.register)
#   runtime:readonly    the runtime layer's C-level setattr guard: library objects (a
#                       Field, a function, a class or instance of an allowed module) are
#                       read-only to the program
#   runtime:names       the runtime layer validates dataclass field names (and the
#                       __match_args__ built from them), enum functional-API names and
#                       namedtuple names against the policy's name rules
#   runtime:trust       the audit hook trusts frames by code-object identity, never by
#                       co_filename; exec/eval globals never receive the real builtins
#   removed             [imports] deny_members of rules/default.toml

DC_NAMES = ("runtime:names+readonly",
            "field names come from class annotations (static:stores checks their keys) or "
            "from inherited Fields, which are read-only (runtime:readonly) and whose names "
            "are re-validated against the policy's name rules (runtime:names)")

REVIEWED = {
    # ---- dataclasses: field names become source text and attribute names ---------------
    "dataclasses.dataclass": ("data-code+data-name", *DC_NAMES),
    "dataclasses.replace": ("data-name+callback", "runtime:names+readonly",
                            "getattr(obj, f.name) for each field, names validated as for "
                            "@dataclass; changes go to the program's own __init__"),
    "dataclasses.field": ("mutable-sink", "runtime:readonly+names",
                          "returns a Field, whose name reaches exec and getattr (see "
                          "dataclasses.Field)"),
    "dataclasses.asdict": ("data-name+callback", "runtime:names+readonly",
                           "getattr(obj, f.name) per field, names validated as for "
                           "@dataclass; dict_factory is a program callable"),
    "dataclasses.astuple": ("data-name+callback", "runtime:names+readonly",
                            "getattr(obj, f.name) per field, names validated as for "
                            "@dataclass; tuple_factory is a program callable"),
    "dataclasses.fields": ("mutable-sink", "runtime:readonly+static:stores",
                           "returns Field objects whose name reaches exec and getattr in "
                           "dataclass/replace/asdict: stores into them are refused"),
    "dataclasses.Field": ("mutable-sink", "removed",
                          "its name slot reaches exec/getattr: a program subclass hid it behind "
                          "a class-level property that dataclasses read after every check "
                          "(red team, issue 14); deny_members, and the runtime layer accepts "
                          "only exact Fields in __dataclass_fields__"),
    "dataclasses.is_dataclass": ("pure", "allowed",
                                 "hasattr with the constant '__dataclass_fields__'"),
    "dataclasses.make_dataclass": ("data-code+data-name", "removed",
                                   "builds a class from a program-chosen namespace dict "
                                   "and field names (deny_members)"),
    "dataclasses.FunctionType": ("data-code", "removed",
                                 "types.FunctionType(code, globals): builds a function from "
                                 "a code object and a program-chosen globals dict; no benign "
                                 "use (deny_members)"),
    # ---- collections.namedtuple: eval of generated source -------------------------------
    "collections.namedtuple": ("data-code+data-name", "runtime:names",
                               "eval()s source built from field names; namedtuple itself "
                               "refuses non-identifiers, keywords and _names, and the "
                               "runtime layer checks them against the policy's name rules"),
    "functools.namedtuple": ("data-code+data-name", "removed",
                             "the same object as collections.namedtuple, re-exported; one "
                             "spelling is enough (deny_members, HOLES f15)"),
    "statistics.namedtuple": ("data-code+data-name", "removed",
                              "the same object as collections.namedtuple, re-exported; one "
                              "spelling is enough (deny_members, HOLES f15)"),
    # ---- enum: functional-API names become class attributes -----------------------------
    "enum.Enum": ("data-name+callback", "runtime:names",
                  "Enum('E', names): names become class attributes (dunders included); "
                  "the runtime layer validates functional-API names; class-body names "
                  "are checked statically"),
    "enum.IntEnum": ("data-name+callback", "runtime:names", "an Enum (see enum.Enum)"),
    "enum.StrEnum": ("data-name+callback", "runtime:names", "an Enum (see enum.Enum)"),
    "enum.ReprEnum": ("data-name+callback", "runtime:names", "an Enum (see enum.Enum)"),
    "enum.Flag": ("data-name+callback", "runtime:names", "an Enum (see enum.Enum)"),
    "enum.IntFlag": ("data-name+callback", "runtime:names", "an Enum (see enum.Enum)"),
    "enum.EnumCheck": ("pure", "allowed",
                       "a StrEnum of constants; getattr only on member names of enums"),
    "enum.FlagBoundary": ("pure", "allowed",
                          "a StrEnum of constants; getattr only on member names of enums"),
    "enum.DynamicClassAttribute": ("callback", "allowed",
                                   "getattr with the constant '__isabstractmethod__'; "
                                   "calls fget/fset/fdel (program callables)"),
    "enum.property": ("callback", "allowed",
                      "name indexes _member_map_ (a dict), never getattr; calls fget"),
    "enum.global_enum": ("data-name", "removed",
                         "copies members into sys.modules[cls.__module__] (deny_members)"),
    "re.RegexFlag": ("pure", "allowed", "an IntFlag of constants"),
    "builtins.isinstance": ("callback", "static:attrnames",
                            "calls __instancecheck__: ABCMeta registries decide, so "
                            "register() must not be reachable (a name the program merely "
                            "assigns no longer becomes readable: static layers)"),
    "builtins.issubclass": ("callback", "static:attrnames",
                            "as isinstance (__subclasscheck__, ABCMeta registries)"),
    # ---- functools ----------------------------------------------------------------------
    "functools.cache": ("callback", "allowed",
                        "update_wrapper with the constant WRAPPER_ASSIGNMENTS names"),
    "functools.lru_cache": ("callback", "allowed",
                            "update_wrapper with the constant WRAPPER_ASSIGNMENTS names"),
    "functools.total_ordering": ("pure", "allowed",
                                 "getattr/setattr only with its own constant comparison "
                                 "method names"),
    "functools.recursive_repr": ("callback", "allowed",
                                 "getattr with constant names (__module__, __doc__ ...)"),
    "functools.partialmethod": ("callback", "allowed",
                                "getattr with the constant '__get__'; calls func"),
    "functools.cached_property": ("callback+mutable-sink", "runtime:readonly+trust",
                                  "writes instance.__dict__[attrname] and calls func: both "
                                  "fields are read-only (library object); a partial as "
                                  "getter no longer launders trust (code identity)"),
    "functools.singledispatch": ("data-code", "removed",
                                 "register() evaluates string annotations (deny_members)"),
    "functools.singledispatchmethod": ("data-code", "removed",
                                       "as singledispatch (deny_members)"),
    "functools.update_wrapper": ("data-name", "removed",
                                 "assigned/updated are attribute names (deny_members)"),
    "functools.wraps": ("data-name", "removed", "as update_wrapper (deny_members)"),
    # ---- collections, random, re: constant names only ------------------------------------
    "collections.ChainMap": ("pure", "allowed",
                             "__dict__ only in __copy__ (its own dict); hasattr constant"),
    "collections.UserDict": ("pure", "allowed",
                             "__dict__ only in copy (its own dict); hasattr('__missing__')"),
    "collections.UserList": ("pure", "allowed", "__dict__ only in copy (its own dict)"),
    "collections.UserString": ("pure", "allowed", "__dict__ only in copy (its own dict)"),
    "random.Random": ("pure", "allowed",
                      "__dict__ only to test '_randbelow' in __init_subclass__"),
    "random.SystemRandom": ("pure", "allowed", "a Random (os.urandom; no names)"),
    "re.Scanner": ("callback", "allowed",
                   "'compile' is the regular-expression compiler, not Python code; calls "
                   "the lexicon's actions"),
}
for _f in ("compile", "findall", "finditer", "fullmatch", "match", "search", "split", "sub",
           "subn", "template"):
    REVIEWED["re." + _f] = ("pure", "allowed",
                            "'compile' is the regular-expression compiler (sre), not Python "
                            "code" + ("; repl may be a program callable" if _f in ("sub", "subn")
                                      else ""))

# Whitelisted attribute names.
REVIEWED_ATTRS = {
    ".name": ("mutable-sink", "runtime:readonly+names+static:stores",
              "Field.name reaches exec and getattr (dataclass, replace, asdict); Field is "
              "read-only at run time and names are re-validated; enum.property.name only "
              "indexes a dict"),
    ".type": ("pure", "allowed",
              "Field.type/InitVar.type: the value goes to __annotations__ and to the "
              "generated __init__'s locals, never into its text"),
    ".default": ("callback", "allowed",
                 "Field.default: a value, passed through locals; JSONEncoder.default: a "
                 "callable the encoder calls"),
    ".default_factory": ("callback", "allowed",
                         "defaultdict and Field call it; passed through locals, not text"),
    ".func": ("callback+mutable-sink", "runtime:readonly+trust",
              "partial.func is read-only in C; cached_property/partialmethod.func are "
              "library fields (read-only) and trust is by code identity"),
    ".format": ("data-name", "static:PV304",
                "str.format looks up '{0.attr}' fields: allowed only on a literal with a "
                "safe template"),
    ".format_map": ("data-name", "static:PV301",
                    "str.format_map looks up '{a.b}' fields by name: refused by an "
                    "[attributes] deny pattern"),
    ".scan": ("callback", "allowed",
              "Scanner.scan: 'compile' is the sre compiler; calls the lexicon's actions"),
    ".update": ("pure", "allowed", "hasattr(other, 'keys'): a constant name"),
}
for _a in ("compare", "hash", "init", "kw_only", "metadata", "repr"):
    REVIEWED_ATTRS["." + _a] = ("pure", "allowed",
                                f"Field.{_a}: a flag or mapping the generated code tests, "
                                "never pastes as text")
for _a in ("fget", "fset", "fdel"):
    REVIEWED_ATTRS["." + _a] = ("callback", "allowed",
                                f"property/DynamicClassAttribute.{_a}: a callable it calls")
for _a, _why in (("args", "partial.args is read-only; partialmethod.args: call arguments"),
                 ("keywords", "call keywords (partial's are read-only)"),
                 ("item_separator", "JSONEncoder output text"),
                 ("key_separator", "JSONEncoder output text"),
                 ("match", "Scanner.match/Pattern.match: regular-expression matching"),
                 ("scanner", "Scanner.scanner/Pattern.scanner: an sre scanner"),
                 ("pattern", "re.error.pattern/Pattern.pattern: text"),
                 ("pos", "an index"),
                 ("value", "enum auto/member/nonmember value: member values, not names"),
                 ("data", "UserDict/UserList/UserString.data: the wrapped container; the "
                          "library only indexes and iterates it, never uses it as a name")):
    REVIEWED_ATTRS["." + _a] = ("pure", "allowed", _why)


def review(key, kind, ev):
    if key in REVIEWED:
        return REVIEWED[key]
    if key in REVIEWED_ATTRS:
        return REVIEWED_ATTRS[key]
    if "deny:pattern" in ev:
        return ("pure", "static:PV301",
                "on the derived whitelist but refused by an [attributes] deny pattern "
                "(frame, code and traceback introspection)")
    risky = [t for t in ev if t.startswith(("name:", "code:", "field:", "c:?", "c:code",
                                            "c:name"))]
    if risky:
        return ("?", "UNREVIEWED", "evidence needs a review: " + ",".join(sorted(risky)))
    if kind.startswith("module"):
        return ("pure", "allowed", "an allowed module (its own rows apply)")
    if kind == "constant":
        return ("pure", "allowed", "a constant (no callable, no name use)")
    callback = any(t.startswith("call:") or t == "c:callback" for t in ev)
    if callback:
        return ("callback", "allowed",
                "calls a callable it was handed or holds (maybe the program's: verified "
                "code, trusted by code identity); no name or code sink")
    if kind.startswith("c-") or kind.startswith("attr"):
        return ("pure", "allowed", "C code: no callable argument, no attribute name "
                "(reviewed table in surface.py)" if kind.startswith("c-")
                else "no attribute-name or code sink in any provider")
    return ("pure", "allowed", "no attribute-name or code sink in its code (transitively)")
