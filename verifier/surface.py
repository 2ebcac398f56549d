#!/usr/bin/python3
# surface.py: the inventory of the surface the default policy allows, as data.
#
# Every allowed builtin, every public member of every allowed module, and every public
# attribute name on the derived attribute whitelist, classified from the live interpreter (/usr/bin/python3, the
# same CPython 3.11 pyverify embeds). The policy is derived by verifier/policy_loader.py
# itself, so the inventory covers exactly what the verifier allows.
#
#   surface.py [--rules FILE] > rules/surface.tsv     regenerate the table
#   surface.py --check rules/surface.tsv              exit 1 when the live interpreter or the
#                                                     policy disagrees with the checked-in table
#
# Columns: row (builtins.name, module.member, or .attr for a whitelisted attribute name), kind, evidence
# (found automatically), class (reviewed), verdict (reviewed), justification.
#
# Evidence, automatic: Python-level functions and classes have their code objects scanned,
# nested code and the module-level functions they call (transitively, within the module)
# included: `name:` lists attribute-name sinks among their names (getattr, setattr, hasattr,
# delattr, attrgetter, __dict__ ...), `code:` code sinks (exec, eval, compile, generated
# source), `call:local` a call of a local or a parameter (a callable the caller passed),
# `call:attr` a call of a stored callable (self.func(), field.default_factory()).
# C-level callables have no code to scan: their evidence comes from the reviewed table
# C_EVIDENCE below ("c:" prefix), and a C callable missing from it is "c:?" (unreviewed).
#
# Class, reviewed: pure; callback (calls program code it was handed); data-name (program
# data becomes an attribute name); data-code (program data becomes code); mutable-sink
# (returns library objects whose writable fields later reach such a sink).
# Verdict, reviewed: allowed; removed (deny_members); runtime:<mechanism> (closed by the
# Python runtime layer); static:<mechanism> (closed by the static layers);
# impossible-statically. A row without a review fails --check.
import builtins
import dis
import importlib
import os
import re
import sys
import types

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import policy_loader  # noqa: E402

NAME_SINKS = {"getattr", "setattr", "hasattr", "delattr", "attrgetter", "methodcaller",
              "__dict__", "__setattr__", "__delattr__", "__getattribute__", "vars",
              "_set_new_attribute", "_create_fn"}
CODE_SINKS = {"exec", "eval", "compile", "__import__", "import_module", "_create_fn",
              "get_type_hints", "ForwardRef", "_eval_type"}
STORED_CALLABLES = {"func", "fget", "fset", "fdel", "default_factory", "object_hook",
                    "object_pairs_hook", "parse_float", "parse_int", "parse_constant",
                    "default", "key", "_generate_next_value_", "_missing_", "action"}

# ---- C-level callables: reviewed evidence (no code object to scan) ----------------------
# "pure": takes no callable and no attribute name (it may call the operands' special
# methods, as every operator does; those are program methods the static layers checked).
# "callback": calls a callable argument. The rest of the allowed modules' C callables are
# the math-like ones listed in C_PURE_MODULES.
C_PURE_MODULES = {"math", "cmath", "heapq"}
C_EVIDENCE = {
    "itertools.accumulate": "callback", "itertools.dropwhile": "callback",
    "itertools.filterfalse": "callback", "itertools.groupby": "callback",
    "itertools.starmap": "callback", "itertools.takewhile": "callback",
    "itertools.chain": "pure", "itertools.combinations": "pure",
    "itertools.combinations_with_replacement": "pure", "itertools.compress": "pure",
    "itertools.count": "pure", "itertools.cycle": "pure", "itertools.islice": "pure",
    "itertools.pairwise": "pure", "itertools.permutations": "pure",
    "itertools.product": "pure", "itertools.repeat": "pure", "itertools.tee": "pure",
    "itertools.zip_longest": "pure",
    "functools.reduce": "callback", "functools.partial": "callback",
    "functools.cmp_to_key": "callback", "functools.get_cache_token": "pure",
    "functools.GenericAlias": "pure", "functools.RLock": "pure",
    "collections.OrderedDict": "pure", "collections.defaultdict": "callback",
    "collections.deque": "pure",
    "bisect.bisect": "callback", "bisect.bisect_left": "callback",
    "bisect.bisect_right": "callback", "bisect.insort": "callback",
    "bisect.insort_left": "callback", "bisect.insort_right": "callback",
    "random.getrandbits": "pure", "random.random": "pure",
    "statistics.bisect_left": "callback", "statistics.bisect_right": "callback",
    "statistics.erf": "pure", "statistics.exp": "pure", "statistics.fabs": "pure",
    "statistics.fsum": "pure", "statistics.hypot": "pure", "statistics.log": "pure",
    "statistics.mul": "pure", "statistics.reduce": "callback", "statistics.sqrt": "pure",
    "statistics.Decimal": "pure", "statistics.StatisticsError": "pure",
    "statistics.defaultdict": "callback", "statistics.groupby": "callback",
    "statistics.repeat": "pure",
    "re.Match": "pure", "re.Pattern": "callback",
    "datetime.date": "pure", "datetime.datetime": "pure", "datetime.time": "pure",
    "datetime.timedelta": "pure", "datetime.timezone": "pure", "datetime.tzinfo": "pure",
    "decimal.getcontext": "pure", "decimal.localcontext": "pure",
    "decimal.setcontext": "pure", "decimal.Context": "pure", "decimal.Decimal": "pure",
    "fractions.Decimal": "pure",
    "dataclasses.FrozenInstanceError": "pure", "dataclasses.GenericAlias": "pure",
    "dataclasses.FunctionType": "code",
    "enum.reduce": "callback", "enum.MappingProxyType": "pure",
}
for _n in ("Clamped", "ConversionSyntax", "DecimalException", "DivisionByZero",
           "DivisionImpossible", "DivisionUndefined", "FloatOperation", "Inexact",
           "InvalidContext", "InvalidOperation", "Overflow", "Rounded", "Subnormal",
           "Underflow"):
    C_EVIDENCE["decimal." + _n] = "pure"

# C methods (of builtin and C types) reached through a whitelisted attribute name that
# call a callable argument or use a string argument as an attribute name.
C_ATTR_EVIDENCE = {
    "sort": "callback",          # list.sort(key=)
    "sub": "callback", "subn": "callback",  # Pattern.sub(repl) with a callable repl
    "default_factory": "callback",  # defaultdict's stored factory
    "send": "callback", "throw": "callback", "close": "callback",  # resume a generator
    "astimezone": "callback", "utcoffset": "callback", "tzname": "callback",
    "dst": "callback", "fromutc": "callback",  # call the (program's) tzinfo methods
    "format": "name",            # str.format: '{0.attr}' looks attributes up by name
    "setdefault": "pure", "get": "pure",
}


# ---- automatic evidence ----------------------------------------------------------------

def _codes(co):
    yield co
    for c in co.co_consts:
        if isinstance(c, types.CodeType):
            yield from _codes(c)


def _scan_code(co, glb, modname, owner, seen, tags):
    if co in seen:
        return
    seen.add(co)
    for c in _codes(co):
        if c is not co:
            seen.add(c)
        names = set(c.co_names)
        for n in names & NAME_SINKS:
            tags.add("name:" + n)
        for n in names & CODE_SINKS:
            tags.add("code:" + n)
        prev = None
        for ins in dis.get_instructions(c):
            if prev is not None and prev.opname == "PUSH_NULL" and ins.opname in (
                    "LOAD_FAST", "LOAD_DEREF"):
                tags.add("call:local")
            if ins.opname == "LOAD_METHOD" and ins.argval in STORED_CALLABLES:
                tags.add("call:attr")
            prev = ins
        # Functions of the same module it names, and methods of its own class.
        for n in names:
            for where in (glb, vars(owner) if owner is not None else {}):
                v = where.get(n)
                if isinstance(v, (staticmethod, classmethod)):
                    v = v.__func__
                if isinstance(v, types.FunctionType) and v.__module__ == modname:
                    _scan_code(v.__code__, v.__globals__, modname, owner, seen, tags)


def _functions_of_class(cls, modname):
    """Python functions defined by the class and its bases of the same module."""
    out = []
    for klass in cls.__mro__:
        if klass.__module__ != modname and not (
                klass.__module__ or "").startswith(modname.split(".")[0]):
            continue
        for v in vars(klass).values():
            if isinstance(v, (staticmethod, classmethod)):
                v = v.__func__
            if isinstance(v, property):
                v = v.fget
            if isinstance(v, types.FunctionType):
                out.append((klass, v))
    return out


def py_evidence(obj, modname):
    tags, seen = set(), set()
    if isinstance(obj, types.FunctionType):
        _scan_code(obj.__code__, obj.__globals__, obj.__module__, None, seen, tags)
    elif isinstance(obj, types.MethodType) and isinstance(obj.__func__, types.FunctionType):
        f = obj.__func__
        _scan_code(f.__code__, f.__globals__, f.__module__, type(obj.__self__), seen, tags)
    elif isinstance(obj, type):
        for klass, f in _functions_of_class(obj, obj.__module__):
            _scan_code(f.__code__, f.__globals__, f.__module__, klass, seen, tags)
        # Calling the class runs its metaclass too (enum's functional API is EnumType's).
        meta = type(obj)
        if meta is not type and meta.__module__ == obj.__module__:
            for klass, f in _functions_of_class(meta, meta.__module__):
                _scan_code(f.__code__, f.__globals__, f.__module__, klass, seen, tags)
    return tags


def kind_of(v):
    if isinstance(v, types.ModuleType):
        return "module"
    if isinstance(v, types.FunctionType):
        return "py-function"
    if isinstance(v, types.MethodType):
        return "py-method" if isinstance(v.__func__, types.FunctionType) else "c-method"
    if isinstance(v, type):
        has_py = any(isinstance(x, (types.FunctionType, staticmethod, classmethod, property))
                     for k in v.__mro__ if k.__module__ != "builtins" for x in vars(k).values())
        return "py-class" if has_py else "c-class"
    if callable(v):
        return "c-function"
    return "constant"


# Allowed builtins that call a callable argument (the rest take none and use no attribute
# name: they may call their operands' special methods, as every operator does).
C_BUILTIN_CALLBACK = {"sorted", "min", "max", "map", "filter", "iter", "print", "property",
                      "staticmethod", "classmethod", "isinstance", "issubclass"}


def builtin_rows(policy):
    rows = []
    for name in sorted(policy["builtins_allowed"]):
        v = getattr(builtins, name)
        kind = "constant" if not callable(v) else (
            "c-class" if isinstance(v, type) else "c-function")
        ev = set() if kind == "constant" else {
            "c:callback" if name in C_BUILTIN_CALLBACK else "c:pure"}
        rows.append(["builtins." + name, kind, ev])
    return rows


def member_rows(policy, denied):
    rows = []
    for mname in sorted(policy["modules"]):
        mod = importlib.import_module(mname)
        allowed = policy["module_members"][mname]
        for attr in sorted(set(allowed) | denied.get(mname, set())):
            v = getattr(mod, attr)
            kind = kind_of(v)
            key = f"{mname}.{attr}"
            if kind == "module":
                ev = {"module:" + v.__name__}
            elif kind in ("py-function", "py-method", "py-class"):
                ev = py_evidence(v, mname)
            elif kind in ("c-function", "c-class", "c-method"):
                if mname in C_PURE_MODULES and kind == "c-function":
                    ev = {"c:pure"}
                else:
                    ev = {"c:" + C_EVIDENCE.get(key, "?")}
            else:
                ev = set()
            rows.append([key, kind + (" (denied)" if attr in denied.get(mname, ()) else ""),
                         ev])
    return rows


def attr_rows(policy):
    """One row per whitelisted attribute name: the providers among the derivation sources
    (allowed builtin types, [attributes] types, the allowed modules' public classes)."""
    pol = policy["policy"]
    sources = [getattr(builtins, n) for n in pol["builtins"]["allow"]
               if isinstance(getattr(builtins, n), type)]
    sources += [policy_loader._resolve_type(p, "<surface>") for p in pol["attributes"]["types"]]
    for mname in sorted(policy["modules"]):
        mod = importlib.import_module(mname)
        for attr in policy["module_members"][mname]:
            v = getattr(mod, attr)
            if isinstance(v, type):
                sources.append(v)
    # Instance attributes a library class's own methods store on self (cached_property's
    # attrname and func, enum.property's name ...): writable fields of library objects.
    inst = {}
    for cls in sources:
        for klass in cls.__mro__:
            if klass.__module__ == "builtins":
                continue
            for raw in vars(klass).values():
                f = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
                if not isinstance(f, types.FunctionType) or not f.__code__.co_varnames:
                    continue
                me = f.__code__.co_varnames[0]
                prev = None
                for ins in dis.get_instructions(f.__code__):
                    if (ins.opname == "STORE_ATTR" and prev is not None and
                            prev.opname == "LOAD_FAST" and prev.argval == me):
                        inst.setdefault(ins.argval, set()).add(klass.__qualname__)
                    prev = ins
    rows = []
    for name in sorted(policy["attrs_allowed"]):
        ev, kinds = set(), set()
        for cls in sources:
            for klass in cls.__mro__:
                if name not in vars(klass):
                    continue
                raw = vars(klass)[name]
                f = raw.__func__ if isinstance(raw, (staticmethod, classmethod)) else raw
                if isinstance(f, property):
                    f = f.fget
                if isinstance(f, types.FunctionType):
                    kinds.add("py")
                    tags, seen = set(), set()
                    _scan_code(f.__code__, f.__globals__, f.__module__, klass, seen, tags)
                    ev |= tags
                elif isinstance(f, types.MemberDescriptorType) and \
                        klass.__module__ != "builtins" and "__slots__" in vars(klass):
                    # A __slots__ field of a library class: writable by whoever holds an
                    # instance (a Field's name, say).
                    kinds.add("slot")
                    ev.add("field:" + klass.__qualname__)
                elif callable(f) or isinstance(f, (types.GetSetDescriptorType,
                                                   types.MemberDescriptorType)):
                    kinds.add("c")
                else:
                    kinds.add("data")
                break
        for q in inst.get(name, ()):
            ev.add("field:" + q)
        if any(re.search(pat, name) for pat in policy["attr_deny"]):
            ev.add("deny:pattern")
        if name in C_ATTR_EVIDENCE and C_ATTR_EVIDENCE[name] != "pure":
            ev.add("c:" + C_ATTR_EVIDENCE[name])
        rows.append(["." + name, "attr:" + "+".join(sorted(kinds)) if kinds else "attr:none",
                     ev])
    return rows


from surface_review import review  # noqa: E402  (the reviewed verdicts)


def generate(rules_text):
    default_text = open(os.path.join(HERE, "..", "rules", "default.toml")).read()
    policy = policy_loader.load(rules_text, "<surface>", default_text)
    denied = {}
    for dotted in policy["policy"]["imports"]["deny_members"]:
        mod, _, attr = dotted.rpartition(".")
        if mod in policy["modules"]:
            denied.setdefault(mod, set()).add(attr)
    out = []
    for key, kind, ev in builtin_rows(policy) + member_rows(policy, denied) + attr_rows(policy):
        evs = ",".join(sorted(ev)) if ev else "-"
        cls, verdict, why = review(key, kind, ev)
        if (verdict == "removed") != kind.endswith("(denied)"):
            # The review and rules/default.toml's deny_members must agree.
            verdict = "UNREVIEWED"
            why = "review says removed, deny_members disagrees (or the reverse): " + why
        out.append("\t".join([key, kind, evs, cls, verdict, why]))
    return out


HEADER = ("# rules/surface.tsv: generated by verifier/surface.py from the live interpreter and "
          "the default policy; do not edit (edit verifier/surface_review.py and regenerate).\n"
          "row\tkind\tevidence\tclass\tverdict\tjustification")


def counts(lines):
    by = {}
    for ln in lines:
        f = ln.split("\t")
        group = ("attribute" if f[0].startswith(".") else
                 "builtin" if f[0].startswith("builtins.") else "member")
        k = (group, f[3], f[4].split(":")[0])
        by[k] = by.get(k, 0) + 1
    return by


def main(argv):
    rules_text = None
    if "--rules" in argv:
        rules_text = open(argv[argv.index("--rules") + 1]).read()
    lines = generate(rules_text)
    if "--counts" in argv:
        for k, n in sorted(counts(lines).items()):
            print(f"{k[0]:9} {k[1]:28} {k[2]:22} {n}")
        return 0
    if "--check" in argv:
        path = argv[argv.index("--check") + 1]
        have = [ln for ln in open(path).read().splitlines()
                if ln and not ln.startswith("#") and not ln.startswith("row\t")]
        bad = 0
        hs, ls = set(have), set(lines)
        for ln in sorted(hs - ls):
            print("table only (vanished or changed in the interpreter):", ln.replace("\t", " | "))
            bad += 1
        for ln in sorted(ls - hs):
            print("interpreter only (new or changed; regenerate and review):",
                  ln.replace("\t", " | "))
            bad += 1
        for ln in lines:
            if "\tUNREVIEWED\t" in ln:
                print("unreviewed:", ln.replace("\t", " | "))
                bad += 1
        print(f"{len(lines)} rows, {bad} problem(s)")
        return 1 if bad else 0
    print(HEADER)
    print("\n".join(lines))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
