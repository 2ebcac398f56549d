# policy_loader.py: reads a pyverify rules file and derives the policy's tables.
#
# Embedded into libpyverify and run by policy.c in the embedded interpreter (trusted code;
# the rules file is trusted but may be wrong, so every mistake is a loud error). It
# returns plain data: C compiles the patterns and keeps the sets.

import builtins
import codecs
import importlib
import opcode
import tomllib
import types


class PolicyError(Exception):
    pass


LIST, INT, BOOL, STR = "list", "int", "bool", "str"

# Every table and key a rules file may contain, with its type. Anything else is an error.
SCHEMA = {
    "policy": {"name": STR},
    "limits": {
        "max_source_bytes": INT, "max_depth": INT, "max_nodes": INT,
        "max_diagnostics": INT, "regex_match_limit": INT, "regex_depth_limit": INT,
        "max_fstring_work": INT, "max_tokens": INT,
    },
    "source": {"encodings": LIST},
    "nodes": {"allow": LIST},
    "names": {"deny": LIST, "special_methods": LIST},
    "builtins": {"allow": LIST},
    "attributes": {
        "deny": LIST, "derive": BOOL, "types": LIST, "allow": LIST, "allow_patterns": LIST,
    },
    "imports": {"allow": LIST, "deny_members": LIST},
    "format": {"safe_template": STR},
    "bytecode": {"opcodes": LIST},
    "host": {"functions": LIST},
}

# Hard ceilings: a rules file cannot raise a limit beyond these (limits.h mirrors them).
CEILINGS = {
    "max_source_bytes": 64 * 1024 * 1024, "max_depth": 10000, "max_nodes": 20000000,
    "max_diagnostics": 100000, "regex_match_limit": 10000000, "regex_depth_limit": 100000,
    "max_fstring_work": 100000000000, "max_tokens": 50000000,
}

# Special methods the interpreter calls implicitly in ways that reach internals; no policy
# may make them definable.
NEVER_DEFINABLE = {
    "__getattr__": "called on every failed attribute lookup",
    "__getattribute__": "called on every attribute lookup",
    "__setattr__": "called on every attribute store",
    "__delattr__": "called on every attribute delete",
    "__del__": "runs at an unpredictable time, after checks",
    "__new__": "controls object creation, including of subclasses",
    "__init_subclass__": "runs when any subclass is created",
    "__class_getitem__": "runs on subscription of the class",
    "__set_name__": "runs when a class is created",
    "__reduce__": "controls pickling and copying",
    "__reduce_ex__": "controls pickling and copying",
    "__get__": "makes the class a descriptor",
    "__set__": "makes the class a descriptor",
    "__delete__": "makes the class a descriptor",
    "__prepare__": "metaclass hook",
    "__instancecheck__": "metaclass hook",
    "__subclasscheck__": "metaclass hook",
    "__mro_entries__": "rewrites class bases",
}

SITE_BUILTINS = frozenset({"exit", "quit", "help", "license", "copyright", "credits"})

EMPTY = {
    "policy": {"name": "none"},
    "limits": {
        "max_source_bytes": 1048576, "max_depth": 200, "max_nodes": 500000,
        "max_diagnostics": 100, "regex_match_limit": 100000, "regex_depth_limit": 1000,
        "max_fstring_work": 300000000, "max_tokens": 300000,
    },
    "source": {"encodings": ["utf-8"]},
    "nodes": {"allow": []},
    "names": {"deny": ["^__.*__$"], "special_methods": []},
    "builtins": {"allow": []},
    "attributes": {"deny": [], "derive": False, "types": [], "allow": [], "allow_patterns": []},
    "imports": {"allow": [], "deny_members": []},
    "format": {"safe_template": "(?!)"},
    "bytecode": {"opcodes": []},
    "host": {"functions": []},
}


def _check_value(where, kind, value):
    if kind == LIST:
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise PolicyError(f"{where}: expected a list of strings")
    elif kind == INT:
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            raise PolicyError(f"{where}: expected a positive integer")
    elif kind == BOOL:
        if not isinstance(value, bool):
            raise PolicyError(f"{where}: expected true or false")
    elif kind == STR:
        if not isinstance(value, str):
            raise PolicyError(f"{where}: expected a string")


def _did_you_mean(word, candidates):
    """ " (did you mean 'x'?)" for the closest candidate, or "". Error path only."""
    import difflib
    norm = word.replace("_", "-") if word.startswith("extend_") else word
    near = difflib.get_close_matches(norm, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean '{near[0]}'?)" if near else ""


def _merge(base, doc, origin):
    """Apply a parsed rules document on top of `base` (a validated policy dict)."""
    out = {t: dict(v) for t, v in base.items()}
    for table, body in doc.items():
        if table == "extends":
            continue
        if table == "tool":
            raise PolicyError(f"{origin}: [tool] tables belong in pyproject.toml, not in a rules file")
        if table not in SCHEMA:
            raise PolicyError(f"{origin}: unknown table [{table}]{_did_you_mean(table, SCHEMA)} "
                              f"(known: {', '.join(SCHEMA)})")
        if not isinstance(body, dict):
            raise PolicyError(f"{origin}: '{table}' must be a table")
        keys = SCHEMA[table]
        for key, value in body.items():
            extend = key.startswith("extend-")
            name = key[len("extend-"):] if extend else key
            if name not in keys or (extend and keys[name] != LIST):
                known = list(keys) + [f"extend-{k}" for k, t in keys.items() if t == LIST]
                raise PolicyError(f"{origin}: unknown key '{key}' in [{table}]"
                                  f"{_did_you_mean(key, known)} (known: {', '.join(known)})")
            where = f"{origin}: [{table}] {key}"
            _check_value(where, keys[name], value)
            if keys[name] == INT and value > CEILINGS[name]:
                raise PolicyError(f"{where}: {value} exceeds the ceiling {CEILINGS[name]}")
            if extend:
                out[table][name] = list(out[table][name]) + [v for v in value if v not in out[table][name]]
            else:
                out[table][name] = list(value) if isinstance(value, list) else value
    return out


def _parse(text, origin):
    try:
        doc = tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        raise PolicyError(f"{origin}: invalid TOML: {e}") from None
    ext = doc.get("extends", "default")
    if ext not in ("default", "none"):
        raise PolicyError(f"{origin}: extends must be \"default\" or \"none\", not {ext!r}")
    return doc, ext


def _public(name):
    return isinstance(name, str) and not name.startswith("_")


def _class_names(cls):
    """Public attribute names of a class: dir() plus every class dict along the MRO
    (dir() misses enum's name/value descriptors)."""
    names = set(n for n in dir(cls) if _public(n))
    for klass in getattr(cls, "__mro__", ()):
        names.update(n for n in vars(klass) if _public(n))
    return names


def _resolve_type(path, origin):
    mod, _, attr = path.rpartition(".")
    if not mod:
        obj = getattr(builtins, attr, None)
    else:
        try:
            obj = getattr(importlib.import_module(mod), attr, None)
        except ImportError:
            obj = None
    if not isinstance(obj, type):
        raise PolicyError(f"{origin}: [attributes] types: {path!r} is not a type")
    return obj


_EXTENDED_ARG = opcode.opmap["EXTENDED_ARG"]
_ATTR_STORES = frozenset((opcode.opmap["STORE_ATTR"], opcode.opmap["DELETE_ATTR"]))


def _library_attrs(allowed, modules, type_paths, origin):
    """Every attribute name, public and private, that an object reachable from the policy
    may have: the names (dir() and the class dicts along the MRO) of the builtin types and
    the allowed builtins' types, of the allowed modules' members, their types and
    metaclasses, of the values
    in those classes' dicts, of the [attributes] types; and the instance attributes the
    library's own Python code stores or deletes (STORE_ATTR/DELETE_ATTR operands of every
    function reachable from those classes and modules, and its '_' string constants, which
    setattr() and namespace dicts use). A name the program defines is
    readable only when it is not in this set (PV306/PV519): otherwise defining it would
    unlock that name on library objects too (ABCMeta.register through a throwaway
    `x.register = None`)."""
    names = set()
    seen_types = set()
    seen_code = set()

    def add_code(code):
        stack = [code]
        while stack:
            c = stack.pop()
            if c in seen_code:
                continue
            seen_code.add(c)
            # The raw instruction stream (dis.get_instructions is several times slower):
            # 2-byte units, EXTENDED_ARG prefixes, inline CACHE units (opcode 0) skipped.
            code, ext = c.co_code, 0
            for i in range(0, len(code) - 1, 2):
                op, arg = code[i], code[i + 1] | ext
                if op == _EXTENDED_ARG:
                    ext = arg << 8
                    continue
                ext = 0
                if op in _ATTR_STORES and arg < len(c.co_names):
                    names.add(c.co_names[arg])
            # Private names the library sets with setattr() or through a namespace dict
            # (namedtuple's _make, enum's _value_ ...) appear as string constants.
            names.update(k for k in c.co_consts
                         if isinstance(k, str) and k.startswith("_") and k.isidentifier())
            stack.extend(k for k in c.co_consts if isinstance(k, types.CodeType))

    def add_callable(v):
        for f in (v, getattr(v, "__func__", None), getattr(v, "fget", None),
                  getattr(v, "fset", None), getattr(v, "fdel", None)):
            if isinstance(f, types.FunctionType):
                add_code(f.__code__)

    def add_type(t):
        stack = [t]
        while stack:
            cls = stack.pop()
            if cls in seen_types:
                continue
            seen_types.add(cls)
            names.update(n for n in dir(cls) if isinstance(n, str))
            for klass in getattr(cls, "__mro__", ()):
                for n, v in list(vars(klass).items()):
                    if isinstance(n, str):
                        names.add(n)
                    add_callable(v)
                    if type(v) not in seen_types:
                        stack.append(type(v))
            stack.append(type(cls))

    for name in dir(builtins):
        v = getattr(builtins, name, None)
        if name in allowed or isinstance(v, type):
            add_type(type(v))
            if isinstance(v, type):
                add_type(v)
    for path in type_paths:
        add_type(_resolve_type(path, origin))
    # A module itself is never a value of the program (PV204/PV508; the runtime layer hands
    # out proxies), so its member names are not attribute names of reachable objects;
    # its members' are.
    for mod in modules.values():
        add_type(type(mod))
        for attr in dir(mod):
            try:
                v = getattr(mod, attr)
            except AttributeError:
                continue
            if isinstance(v, types.ModuleType):
                continue
            # Module-level name constants (dataclasses._FIELDS, functools.WRAPPER_ASSIGNMENTS)
            # are what library code passes to setattr().
            for k in (v,) if isinstance(v, str) else v if isinstance(v, (tuple, frozenset)) else ():
                if isinstance(k, str) and k.startswith("_") and k.isidentifier():
                    names.add(k)
            add_type(type(v))
            add_callable(v)
            if isinstance(v, type):
                add_type(v)
    return frozenset(names)


def _derive(pol, origin):
    out = {}
    # The site module (never imported here) adds exit, quit, help and friends; a program
    # naming them is asking for a builtin all the same, so they count as builtins.
    builtin_names = frozenset(dir(builtins)) | SITE_BUILTINS
    out["builtins_all"] = builtin_names

    allowed = []
    for name in pol["builtins"]["allow"]:
        if name.startswith("__"):
            raise PolicyError(f"{origin}: [builtins] allow: {name!r}: dunder builtins cannot be allowed")
        if name not in builtin_names or name in SITE_BUILTINS:
            raise PolicyError(f"{origin}: [builtins] allow: {name!r} is not a builtin of this interpreter"
                              f"{_did_you_mean(name, builtin_names - SITE_BUILTINS)}")
        allowed.append(name)
    out["builtins_allowed"] = frozenset(allowed)

    specials = []
    for name in pol["names"]["special_methods"]:
        if not (name.startswith("__") and name.endswith("__") and len(name) > 4 and name[2:-2].isidentifier()):
            raise PolicyError(f"{origin}: [names] special_methods: {name!r} is not a special method name")
        if name in NEVER_DEFINABLE:
            raise PolicyError(f"{origin}: [names] special_methods: {name!r} cannot be made definable: "
                              f"{NEVER_DEFINABLE[name]}")
        specials.append(name)
    out["special_methods"] = frozenset(specials)

    # [host] functions: names the host binds to host-function stubs (runtime/hoststub.c);
    # the static layers treat them as bound globals. Plain identifiers only, never a
    # builtin's name (an unbound stub would leave the builtin reachable under it).
    host = []
    for name in pol["host"]["functions"]:
        if not name.isidentifier() or name.startswith("_") or name == "HostError":
            raise PolicyError(f"{origin}: [host] functions: {name!r} is not a plain identifier")
        if name in builtin_names:
            raise PolicyError(f"{origin}: [host] functions: {name!r} is the name of a builtin")
        host.append(name)
    out["host_functions"] = frozenset(host)

    encs = []
    for name in pol["source"]["encodings"]:
        try:
            encs.append(codecs.lookup(name).name)
        except LookupError:
            raise PolicyError(f"{origin}: [source] encodings: unknown encoding {name!r}") from None
    out["encodings"] = frozenset(encs)

    modules = {}
    for name in pol["imports"]["allow"]:
        if not all(part.isidentifier() and not part.startswith("__") for part in name.split(".")):
            raise PolicyError(f"{origin}: [imports] allow: {name!r} is not a module name")
        try:
            modules[name] = importlib.import_module(name)
        except ImportError as e:
            raise PolicyError(f"{origin}: [imports] allow: cannot import {name!r}: {e}") from None
    out["modules"] = frozenset(modules)

    denied = {}
    for dotted in pol["imports"]["deny_members"]:
        mod, _, attr = dotted.rpartition(".")
        if mod and mod not in modules:
            continue  # that module cannot be imported at all: nothing to deny
        if not mod or not hasattr(modules[mod], attr):
            raise PolicyError(f"{origin}: [imports] deny_members: {dotted!r} is not a member of an allowed module")
        denied.setdefault(mod, set()).add(attr)

    # Per module: its public members. A member that is a module is kept only when that
    # module is allowed too (its value is then the module's name); disallowed module
    # members (enum.bltns, datetime.sys, json.codecs ...) are left out, and so are
    # metaclasses (calling one is type(name, bases, dict) with a program-chosen dict)
    # and the members the policy denies.
    # module_functions: per module, its plain function members (Python or C functions,
    # bound methods): calling one returns the program's values, not a library object,
    # unless verifier/names.c lists it as a factory (PV307/PV520).
    members = {}
    functions = {}
    classes = []
    fn_types = (types.FunctionType, types.BuiltinFunctionType, types.MethodType)
    for mname, mod in modules.items():
        table = {}
        fns = set()
        for attr in dir(mod):
            if not _public(attr) or attr in denied.get(mname, ()):
                continue
            try:
                value = getattr(mod, attr)
            except AttributeError:
                continue
            if isinstance(value, types.ModuleType):
                if value.__name__ in modules:
                    table[attr] = value.__name__
                continue
            if isinstance(value, type) and issubclass(value, type):
                continue
            table[attr] = None
            if isinstance(value, type):
                classes.append(value)
            elif isinstance(value, fn_types):
                fns.add(attr)
        members[mname] = table
        functions[mname] = frozenset(fns)
    out["module_members"] = members
    out["module_functions"] = functions

    attrs = set()
    dangerous = set()
    if pol["attributes"]["derive"]:
        sources = [getattr(builtins, n) for n in allowed if isinstance(getattr(builtins, n), type)]
        sources += [_resolve_type(p, origin) for p in pol["attributes"]["types"]]
        sources += classes
        for cls in sources:
            for n in _class_names(cls):
                try:
                    v = getattr(cls, n)
                except Exception:
                    v = None
                if isinstance(v, types.ModuleType) and v.__name__ not in modules:
                    dangerous.add(n)
                else:
                    attrs.add(n)
    else:
        for p in pol["attributes"]["types"]:
            _resolve_type(p, origin)
    for n in pol["attributes"]["allow"]:
        if not n.isidentifier():
            raise PolicyError(f"{origin}: [attributes] allow: {n!r} is not an identifier")
        attrs.add(n)
    out["attrs_allowed"] = frozenset(attrs - dangerous)
    out["library_attrs"] = _library_attrs(out["builtins_allowed"], modules,
                                          pol["attributes"]["types"], origin)

    opnums = []
    for name in pol["bytecode"]["opcodes"]:
        if name not in opcode.opmap:
            raise PolicyError(f"{origin}: [bytecode] opcodes: unknown opcode {name!r} for this interpreter"
                              f"{_did_you_mean(name, opcode.opmap)}")
        opnums.append(opcode.opmap[name])
    out["opcodes"] = opnums

    out["nodes"] = list(pol["nodes"]["allow"])
    out["name_deny"] = list(pol["names"]["deny"])
    out["attr_deny"] = list(pol["attributes"]["deny"])
    out["attr_allow_patterns"] = list(pol["attributes"]["allow_patterns"])
    out["safe_template"] = pol["format"]["safe_template"]
    out["limits"] = dict(pol["limits"])
    out["name"] = pol["policy"]["name"]
    out["policy"] = pol
    return out


def load(text, origin, default_text):
    """Validate `text` (a rules file) and return the derived policy. `default_text` is the
    embedded default policy, the base of files that extend it."""
    if text is None:
        doc, _ = _parse(default_text, "<default>")
        pol = _merge(EMPTY, doc, "<default>")
    else:
        doc, ext = _parse(text, origin)
        if ext == "default":
            ddoc, _ = _parse(default_text, "<default>")
            base = _merge(EMPTY, ddoc, "<default>")
        else:
            base = EMPTY
        pol = _merge(base, doc, origin)
    return _derive(pol, origin)
