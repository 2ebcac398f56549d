#!/usr/bin/python3.11
"""escape_fuzz.py: the structure-aware escape fuzzer of pyverify (docs/fuzzing.md).

Mutates and splices the programs of corpus/escapes and corpus/benign at the AST level
(Python's own ast module), has the real `pyverify` binary verify every mutant, and runs
every mutant the verifier ACCEPTS with `pyverify run --json` and a canary in reach:

  * a canary file holding a random secret, whose path the program gets as the input
    global CANARY (every "/etc/hostname"-like string of a payload is replaced by it);
  * the canary's directory, which must stay as it was.

A finding is the secret in anything the run reports (stdout, stderr, exception, value),
a changed canary directory, a `killed` status (seccomp or the audit hook stopped an
accepted program: a static hole the runtime caught) or a kill reason. Each finding is
minimised (statements deleted while the finding persists) and saved with a corpus-style
header in --out. Exit status: 0 no finding, 1 findings, 2 usage or set-up error.

Mutations: swap a name, attribute, keyword or string for a dictionary token
(fuzz/python.dict: dunders, introspection attributes, forbidden builtins); wrap an
expression in a decorator, default value, lambda, comprehension, match class pattern,
f-string, annotation, class keyword, assert message or with item; splice statements from
another program; re-encode identifiers with fullwidth letters (NFKC folds them back);
add a family-15 template (libsink) that stores into a library object or feeds program data
to a library sink (dataclass Field names, replace/asdict, __match_args__ and class patterns,
enum and namedtuple functional names, cached_property + partial).
Uses only the standard library; deterministic for a given --seed.
"""
import argparse
import ast
import io
import json
import os
import random
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import time
import tokenize
import keyword
import warnings

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
PATH_STRINGS = {"/etc/hostname", "/etc/passwd", "/etc/shadow", "/proc/self/environ", "flag.txt"}


def load_dict(path):
    """Tokens of a libFuzzer dictionary that are Python identifiers."""
    out = []
    with open(path, encoding="latin-1") as f:
        for line in f:
            line = line.strip()
            if not line.startswith('"'):
                continue
            tok = line[1:-1].encode("latin-1").decode("unicode_escape")
            if tok.isidentifier() and not keyword.iskeyword(tok):
                out.append(tok)
    return out


def load_programs(dirs):
    progs = []
    for d in dirs:
        if not os.path.isdir(d):
            continue
        for name in sorted(os.listdir(d)):
            if not name.endswith(".py"):
                continue
            p = os.path.join(d, name)
            try:
                with open(p, "rb") as f:
                    tree = ast.parse(f.read(), p)
                ast.parse(ast.unparse(tree))
            except (SyntaxError, ValueError, UnicodeDecodeError, MemoryError, RecursionError):
                continue  # byte-level and deep cases: libFuzzer's job (fuzz_verify)
            progs.append((name, tree))
    return progs


# ---- family 15: values that become names or code inside allowed library code ----------
# (THREATS.md family 15, docs/surface.md). Each template stores into a library object or
# hands program data to a library sink listed in rules/surface.tsv: dataclass Field names
# (pasted into the source dataclass exec()s, read by replace/asdict/astuple with getattr,
# turned into __match_args__), positional class patterns, enum and namedtuple functional
# names, cached_property + partial (a call laundered through a standard-library frame).
# Holes: {K} a fresh suffix, {N} an attribute name, {C} a field name carrying code, {S} a
# library function (its __globals__ hold the real builtins), {A} a public attribute name,
# {O} a library object, {V} a value.
SINK_NAMES = ["__globals__", "__builtins__", "__class__", "__subclasses__", "__code__",
              "__func__", "__self__", "__closure__", "__dict__", "__init__", "__module__",
              "__wrapped__", "__reduce_ex__", "gi_frame", "f_back", "f_globals", "cr_frame",
              "mro", "format_map", "obj"]
# Field names that close the generated line and run a statement in dataclass's exec().
SINK_CODE = [
    'a"\n if 1:\n  print(open(CANARY).read())\n #',
    "a=0):\n  print(open(CANARY).read())\n def _z(a",
    "a:int=0):\n  import os\n  print(open(CANARY).read())\n def _z(a",
    "a)\n print(open(CANARY).read())\n #",
    "__class__",
    "a\nprint(open(CANARY).read())",
]
SINK_FUNCS = ["dataclasses.replace", "dataclasses.asdict", "dataclasses.fields",
              "functools.total_ordering", "json.dumps", "json.loads", "re.compile", "re.sub",
              "statistics.mean", "heapq.merge", "collections.namedtuple", "random.choice"]
SINK_ATTRS = ["name", "func", "attrname", "type", "default", "default_factory", "keywords",
              "args", "value", "register", "lexicon", "object_hook", "fget", "pattern"]
SINK_OBJECTS = ["dataclasses.fields(A{K})[0]", "dataclasses.field()", "json.dumps",
                "functools.partial(print)", "functools.cached_property(len)", "re.compile('x')",
                "dataclasses.MISSING", "json.JSONEncoder()", "enum.auto()", "dataclasses.replace",
                "E{K}.a", "collections.Counter", "enum.property()"]
SINK_VALUES = ["CANARY", "'__globals__'", "print", "None", "'a\\nprint(open(CANARY).read())'",
               "(lambda *a: print(open(CANARY).read()))", "dataclasses.replace", "()"]
# (a type the program can name, an object of it) for ABCMeta.register and a class pattern.
SINK_SUBJECTS = [("re.Pattern", "re.compile('x')"), ("functools.partial", "functools.partial(print)"),
                 ("dict", "{{}}"), ("str", "'s'"), ("int", "0"), ("object", "{S}"),
                 ("collections.OrderedDict", "collections.OrderedDict()")]
SINK_IMPORTS = ("import dataclasses, functools, json, re, statistics, heapq, collections, "
                "random, enum\n")
SINK_TEMPLATES = [
    # A Field's name is pasted into the source dataclass compiles for a subclass.
    """import dataclasses
@dataclasses.dataclass
class A{K}:
    x: int = 0
dataclasses.fields(A{K})[0].name = {C!r}
@dataclasses.dataclass
class B{K}(A{K}):
    y: int = 0
print(B{K}())""",
    # replace/asdict/astuple read getattr(obj, field.name).
    """import dataclasses
@dataclasses.dataclass
class A{K}:
    v: object = None
dataclasses.fields(A{K})[0].name = {N!r}
for h{K} in (dataclasses.replace, dataclasses.asdict, dataclasses.astuple):
    try:
        print(h{K}(A{K}()))
    except Exception as e{K}:
        print(repr(e{K})[:60])""",
    # __match_args__ built from mutated field names; register() makes any object match.
    """import dataclasses, collections
class Z{K}:
    pass
Z{K}().register = None
@dataclasses.dataclass
class A{K}:
    x: int = 0
dataclasses.fields(A{K})[0].name = {N!r}
@dataclasses.dataclass
class P{K}(A{K}, collections.UserList):
    pass
P{K}.register({T})
match {X}:
    case P{K}(g{K}):
        print(g{K})
        print(list(g{K}['__builtins__']['open'](CANARY)))""",
    # Enum functional API: names become class attributes.
    """import enum
E{K} = enum.Enum('E{K}', [({N!r}, {V}), ('a', 2)])
print(list(E{K}), E{K}['a'])""",
    """import enum
E{K} = enum.Enum('E{K}', {C!r})
print(list(E{K}))""",
    # namedtuple: names into eval()ed source.
    """import collections
T{K} = collections.namedtuple('T{K}', [{N!r}, {C!r}], rename=True)
print(T{K}(1, 2))""",
    # Store into a library object, then use it.
    """import dataclasses, functools, json, re, enum, collections
@dataclasses.dataclass
class A{K}:
    x: int = 0
E{K} = enum.Enum('E{K}', 'a b')
o{K} = {O}
o{K}.{A} = {V}
print(dataclasses.replace(A{K}()), dataclasses.asdict(A{K}()))""",
    # cached_property whose getter is a partial: the call comes from functools' frame.
    """import functools
class C{K}:
    p = functools.cached_property(functools.partial({S}, {V}))
try:
    print(C{K}().p)
except Exception as e{K}:
    print(repr(e{K})[:60])""",
    # cached_property writes instance.__dict__[attrname].
    """import functools
class C{K}:
    @functools.cached_property
    def p(self):
        return {V}
C{K}.p.attrname = {N!r}
print(C{K}().p)""",
    # dataclass with a field whose default_factory is a library callable bound to data.
    """import dataclasses, functools
@dataclasses.dataclass
class A{K}:
    x: object = dataclasses.field(default_factory=functools.partial({S}, {V}))
print(A{K}())""",
]


# ---- mutations --------------------------------------------------------------------------

class Mutator:
    def __init__(self, rng, tokens, progs):
        self.rng = rng
        self.tokens = tokens
        self.progs = progs

    def token(self):
        return self.rng.choice(self.tokens)

    def nodes(self, tree, kinds):
        return [n for n in ast.walk(tree) if isinstance(n, kinds)]

    def stmt_lists(self, tree):
        """Every list of statements in the tree (module, function, class, if, loop bodies)."""
        out = []
        for n in ast.walk(tree):
            for field in ("body", "orelse", "finalbody"):
                v = getattr(n, field, None)
                if isinstance(v, list) and v and isinstance(v[0], ast.stmt):
                    out.append(v)
        return out

    def exprs(self, tree):
        return [n for n in ast.walk(tree) if isinstance(n, ast.expr)
                and not isinstance(n, (ast.Starred, ast.Slice))
                and isinstance(getattr(n, "ctx", ast.Load()), ast.Load)]

    # Each mutation edits the tree in place and returns a short name, or None.
    def swap_name(self, t):
        ns = self.nodes(t, (ast.Name, ast.Attribute, ast.keyword, ast.alias, ast.FunctionDef,
                            ast.ClassDef, ast.arg))
        if not ns:
            return None
        n = self.rng.choice(ns)
        tok = self.token()
        if isinstance(n, ast.Name):
            n.id = tok
        elif isinstance(n, ast.Attribute):
            n.attr = tok
        elif isinstance(n, ast.keyword):
            n.arg = tok
        elif isinstance(n, ast.alias):
            n.name = tok
        elif isinstance(n, ast.arg):
            n.arg = tok
        else:
            n.name = tok
        return "swap-name"

    def swap_string(self, t):
        ns = [n for n in self.nodes(t, ast.Constant) if isinstance(n.value, str)]
        if not ns:
            return None
        n = self.rng.choice(ns)
        r = self.rng.random()
        if r < 0.4:
            n.value = self.token()
        elif r < 0.7:
            n.value = "{0.%s}" % self.token()
        else:
            n.value = "{0[%s]}" % self.token()
        return "swap-string"

    def wrap(self, t):
        """Move an expression into one of the hiding places of family 4."""
        es = self.exprs(t)
        lists = self.stmt_lists(t)
        if not es or not lists:
            return None
        e = self.rng.choice(es)
        body = self.rng.choice(lists)
        i = self.rng.randrange(len(body) + 1)
        name = "w%d" % self.rng.randrange(100)
        templates = [
            "@(lambda f: (E, f)[1])\ndef %s(): pass" % name,
            "def %s(a=E): return a" % name,
            "%s = lambda: E" % name,
            "%s = [E for _ in [0]]" % name,
            "%s = [0 for _ in [0] if E]" % name,
            "%s = {k: E for k in [0]}" % name,
            "match 0:\n    case int(real=%s) if E: pass" % name,
            "match E:\n    case object(%s=y): pass" % self.token(),
            "%s = f'{E!r:>{3}}'" % name,
            "def %s(a: E) -> E: pass" % name,
            "%s: E = 1" % name,
            "class %s(object, **{'k': E}): pass" % name.upper(),
            "assert True, E",
            "try:\n    pass\nexcept (E, ValueError):\n    pass",
            "%s = (E if 0 else 1)" % name,
            "print(E)",
            "print(*[E], sep='')",
            "%s = (lambda *a, k=E: k)()" % name,
        ]
        src = self.rng.choice(templates)
        new = ast.parse(src).body
        for n in ast.walk(ast.Module(body=new, type_ignores=[])):
            for field, v in ast.iter_fields(n):
                if isinstance(v, ast.Name) and v.id == "E":
                    setattr(n, field, e)
                elif isinstance(v, list):
                    for k, x in enumerate(v):
                        if isinstance(x, ast.Name) and x.id == "E":
                            v[k] = e
        body[i:i] = new
        return "wrap"

    def splice(self, t):
        lists = self.stmt_lists(t)
        if not lists or not self.progs:
            return None
        _, other = self.rng.choice(self.progs)
        olists = self.stmt_lists(other)
        if not olists:
            return None
        src = self.rng.choice(olists)
        k = self.rng.randrange(len(src))
        take = [copy_node(s) for s in src[k:k + self.rng.randint(1, 3)]]
        body = self.rng.choice(lists)
        i = self.rng.randrange(len(body) + 1)
        body[i:i] = take
        return "splice"

    def libsink(self, t):
        """Family 15: add a template that stores into a library object or feeds a library sink."""
        lists = [t.body] if isinstance(t, ast.Module) else self.stmt_lists(t)
        if not lists:
            return None
        src = self.rng.choice(SINK_TEMPLATES)
        k = self.rng.randrange(10000)
        names = SINK_NAMES + [tok for tok in self.tokens if tok.startswith("__")]
        obj = self.rng.choice(SINK_OBJECTS).replace("{K}", str(k))
        typ, subject = self.rng.choice(SINK_SUBJECTS)
        src = src.replace("{T}", typ).replace("{X}", subject)
        src = SINK_IMPORTS + src
        try:
            src = src.format(K=k, N=self.rng.choice(names), C=self.rng.choice(SINK_CODE),
                             S=self.rng.choice(SINK_FUNCS), A=self.rng.choice(SINK_ATTRS), O=obj,
                             V=self.rng.choice(SINK_VALUES))
            new = ast.parse(src).body
        except (SyntaxError, ValueError, KeyError, IndexError):
            return None
        body = self.rng.choice(lists)
        i = self.rng.randrange(len(body) + 1)
        body[i:i] = new
        return "libsink"

    def mutate(self, tree, rounds, family="all"):
        done = []
        if family == "libsink":
            # Family 15 only: one library-sink template, then 0-2 ordinary mutations
            # (which may also rename its names and strings).
            r = self.libsink(tree)
            if r:
                done.append(r)
            rounds -= 2
        for _ in range(rounds):
            op = self.rng.choice([self.swap_name, self.swap_name, self.swap_string, self.wrap,
                                  self.wrap, self.splice, self.libsink])
            r = op(tree)
            if r:
                done.append(r)
        return done


def copy_node(n):
    return ast.parse(ast.unparse(n)).body[0] if isinstance(n, ast.stmt) else n


def canary_paths(tree):
    """Payload paths become the canary: every such string constant turns into CANARY."""
    class T(ast.NodeTransformer):
        def visit_Constant(self, node):
            if isinstance(node.value, str) and node.value in PATH_STRINGS:
                return ast.copy_location(ast.Name(id="CANARY", ctx=ast.Load()), node)
            return node

        def visit_JoinedStr(self, node):
            return node  # constants inside f-strings must stay constants
    return T().visit(tree)


FULLWIDTH = {c: chr(0xFF21 + i) for i, c in enumerate("ABCDEFGHIJKLMNOPQRSTUVWXYZ")}
FULLWIDTH.update({c: chr(0xFF41 + i) for i, c in enumerate("abcdefghijklmnopqrstuvwxyz")})


def fullwidth(src, rng, p):
    """Re-encode some identifier tokens with fullwidth letters (same name after NFKC)."""
    try:
        toks = list(tokenize.generate_tokens(io.StringIO(src).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return src
    lines = src.splitlines(keepends=True)
    edits = []
    for tok in toks:
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string) and \
                not keyword.issoftkeyword(tok.string) and rng.random() < p:
            new = "".join(FULLWIDTH.get(c, c) if rng.random() < 0.5 else c for c in tok.string)
            if new[0] == tok.string[0] and tok.string[0] in FULLWIDTH:
                new = FULLWIDTH[tok.string[0]] + new[1:]
            edits.append((tok.start, tok.end, new))
    for (sl, sc), (el, ec), new in reversed(edits):
        if sl != el:
            continue
        line = lines[sl - 1]
        lines[sl - 1] = line[:sc] + new + line[ec:]
    return "".join(lines)


# ---- oracle ----------------------------------------------------------------------------

class Oracle:
    def __init__(self, pyverify, workdir, timeout):
        self.pyverify = pyverify
        self.workdir = workdir
        self.timeout = timeout
        self.canary_dir = os.path.join(workdir, "canary")
        os.makedirs(self.canary_dir, exist_ok=True)
        os.chmod(workdir, 0o755)
        os.chmod(self.canary_dir, 0o755)
        self.secret = "PVCANARY" + secrets.token_hex(12)
        self.canary = os.path.join(self.canary_dir, "canary.txt")
        with open(self.canary, "w") as f:
            f.write(self.secret + "\n")
        os.chmod(self.canary, 0o644)
        self.listing = self.snapshot()
        self.verified = self.ran = 0

    def snapshot(self):
        out = []
        for name in sorted(os.listdir(self.canary_dir)):
            st = os.stat(os.path.join(self.canary_dir, name))
            out.append((name, st.st_size, st.st_mtime_ns))
        return out

    def verify(self, paths):
        """Verdicts of a batch of files: {path: 'accepted'|'rejected'|'invalid'}."""
        self.verified += len(paths)
        try:
            p = subprocess.run([self.pyverify, "--format", "json", "--global", "CANARY"] + paths,
                               capture_output=True, timeout=60 + 2 * len(paths))
        except subprocess.TimeoutExpired:
            return {path: "hang" for path in paths}
        if p.returncode not in (0, 1, 2):
            return {path: "crash:%d" % p.returncode for path in paths}
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            return {path: "crash:nojson" for path in paths}
        out = {}
        for f in doc.get("files", []):
            codes = {d.get("code") for d in f.get("diagnostics", [])}
            # PV009: the verifier failed internally on a program CPython compiles.
            out[f["path"]] = "internal-error" if "PV009" in codes else f["verdict"]
        return out

    def run(self, path):
        """None, or a one-line reason why this run is a finding."""
        self.ran += 1
        cmd = [self.pyverify, "run", "--json", "--input", json.dumps({"CANARY": self.canary}), path]
        try:
            p = subprocess.run(cmd, capture_output=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            return "runner hang (pyverify run did not return)"
        reason = None
        text = p.stdout.decode("utf-8", "replace") + p.stderr.decode("utf-8", "replace")
        try:
            doc = json.loads(p.stdout)
        except ValueError:
            doc = None
        if self.secret in text:
            reason = "canary content in the output"
        elif doc is None:
            if p.returncode == 1:
                return None  # verification rejected it after all (a rules mismatch)
            reason = "no JSON result (exit %d)" % p.returncode
        elif doc.get("status") == "killed":
            why = doc.get("kill_reason") or "; ".join(
                d.get("message", "") for d in doc.get("diagnostics", [])
                if d.get("layer") == "runtime") or "sandbox layer"
            reason = "killed: %s" % why
        elif doc.get("kill_reason"):
            reason = "kill reason: %s" % doc["kill_reason"]
        if self.snapshot() != self.listing:
            reason = "canary directory changed"
            shutil.rmtree(self.canary_dir)
            os.makedirs(self.canary_dir)
            with open(self.canary, "w") as f:
                f.write(self.secret + "\n")
            self.listing = self.snapshot()
        return reason


def minimise(tree, still_bad, budget=200):
    """Greedy statement deletion while still_bad(source) holds."""
    src = ast.unparse(tree)
    changed = True
    while changed and budget > 0:
        changed = False
        t = ast.parse(src)
        lists = []
        for n in ast.walk(t):
            for field in ("body", "orelse", "finalbody", "handlers"):
                v = getattr(n, field, None)
                if isinstance(v, list) and v:
                    lists.append(v)
        for body in lists:
            for i in range(len(body)):
                if budget <= 0:
                    break
                saved = body[i]
                del body[i]
                added_pass = not body
                if added_pass:
                    body.append(ast.Pass())
                try:
                    cand = ast.unparse(t)
                    compile(cand, "<min>", "exec", dont_inherit=True)
                except Exception:  # an emptied handler list or similar: not a candidate
                    cand = None
                budget -= 1
                if cand is not None and cand != src and still_bad(cand):
                    src = cand
                    changed = True
                    break
                if added_pass:
                    body.clear()
                body.insert(i, saved)
            if changed:
                break
    return src


def self_test():
    """Every family-15 template, filled with every code payload and every subject, parses;
    the libsink mutation applies to a program. (ctest fuzz.escape_templates)"""
    bad = 0
    for i, tmpl in enumerate(SINK_TEMPLATES):
        for code in SINK_CODE:
            for typ, subject in SINK_SUBJECTS:
                src = (SINK_IMPORTS + tmpl).replace("{T}", typ).replace("{X}", subject)
                try:
                    src = src.format(K=i, N="__class__", C=code, S=SINK_FUNCS[0],
                                     A=SINK_ATTRS[0], O=SINK_OBJECTS[0].replace("{K}", str(i)),
                                     V=SINK_VALUES[0])
                    compile(src, "<template %d>" % i, "exec", dont_inherit=True)
                except (SyntaxError, ValueError, KeyError, IndexError) as e:
                    print("template %d: %s" % (i, e))
                    bad += 1
    mut = Mutator(random.Random(0), ["__class__"], [])
    tree = ast.parse("x = 1\n")
    if mut.libsink(tree) != "libsink" or len(tree.body) < 2:
        print("libsink did not apply")
        bad += 1
    print("escape_fuzz self-test: %d templates, %d problem(s)" % (len(SINK_TEMPLATES), bad))
    return 1 if bad else 0


def main():
    if sys.argv[1:] == ["--self-test"]:
        return self_test()
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--pyverify", required=True, help="the pyverify binary")
    ap.add_argument("--time", type=float, default=60, help="seconds to fuzz (default 60)")
    ap.add_argument("--max-programs", type=int, default=0, help="stop after N mutants (0: no cap)")
    ap.add_argument("--seed", type=int, default=None)
    ap.add_argument("--corpus", default=os.path.join(ROOT, "corpus"))
    ap.add_argument("--dict", default=os.path.join(HERE, "python.dict"))
    ap.add_argument("--out", default=None, help="where findings go (default: a temporary dir)")
    ap.add_argument("--batch", type=int, default=40, help="mutants verified per pyverify call")
    ap.add_argument("--fullwidth", type=float, default=0.15, help="share of mutants re-encoded")
    ap.add_argument("--known", default=os.path.join(HERE, "findings", "known.txt"),
                    help="regular expressions of open findings' reasons: counted, not failed")
    ap.add_argument("--family", choices=("all", "libsink"), default="all",
                    help="libsink: every mutant gets a family-15 library-sink template "
                         "(docs/surface.md); all: it is one mutation among the others")
    ap.add_argument("--keep-accepted", default=None,
                    help="directory to save accepted mutants in (for coverage or replay)")
    a = ap.parse_args()
    warnings.simplefilter("ignore")  # SyntaxWarnings of compiling mutants
    if not os.access(a.pyverify, os.X_OK):
        print("escape_fuzz: %s is not executable" % a.pyverify, file=sys.stderr)
        return 2
    seed = a.seed if a.seed is not None else int.from_bytes(os.urandom(4), "little")
    rng = random.Random(seed)
    tokens = load_dict(a.dict) + ["CANARY"]
    benign = load_programs([os.path.join(a.corpus, "benign")])
    progs = benign + load_programs([os.path.join(a.corpus, "escapes"),
                                    os.path.join(a.corpus, "runtime")])
    if not benign or not tokens:
        print("escape_fuzz: no seed programs or no dictionary tokens", file=sys.stderr)
        return 2
    out = a.out or tempfile.mkdtemp(prefix="pv-escape-findings-")
    os.makedirs(out, exist_ok=True)
    if a.keep_accepted:
        os.makedirs(a.keep_accepted, exist_ok=True)
    work = tempfile.mkdtemp(prefix="pv-escape-")
    oracle = Oracle(os.path.abspath(a.pyverify), work, timeout=30)
    known = []
    if a.known and os.path.exists(a.known):
        with open(a.known, encoding="utf-8") as f:
            known = [re.compile(x.strip()) for x in f if x.strip() and not x.startswith("#")]
    nknown = 0
    mut = Mutator(rng, tokens, progs)
    print("escape_fuzz: seed %d, %d seed programs, %d tokens, findings in %s"
          % (seed, len(progs), len(tokens), out), flush=True)
    t0 = time.monotonic()
    cpu0 = os.times()
    findings = 0
    verdicts = {}
    gen = 0
    stats = {"accepted": 0}
    try:
        while time.monotonic() - t0 < a.time and (not a.max_programs or gen < a.max_programs):
            batch = []
            for _ in range(a.batch):
                # Mostly benign bases (accepted, so their mutants often are too), spliced
                # with and mutated towards the escapes.
                name, base = rng.choice(benign if rng.random() < 0.6 or a.family == "libsink"
                                        else progs)
                try:
                    tree = ast.parse(ast.unparse(base))
                    canary_paths(tree)
                    ops = mut.mutate(tree, rng.randint(1, 4), a.family)
                    ast.fix_missing_locations(tree)
                    src = ast.unparse(tree)
                    compile(src, "<mutant>", "exec", dont_inherit=True)
                except (SyntaxError, ValueError, TypeError, RecursionError, AttributeError):
                    continue
                if rng.random() < a.fullwidth:
                    src = fullwidth(src, rng, 0.3)
                    ops.append("fullwidth")
                gen += 1
                p = os.path.join(work, "m%06d.py" % gen)
                with open(p, "w", encoding="utf-8") as f:
                    f.write(src)
                batch.append((p, name, ops, tree))
            if not batch:
                continue
            v = oracle.verify([b[0] for b in batch])
            for p, name, ops, tree in batch:
                verdict = v.get(p, "missing")
                verdicts[verdict] = verdicts.get(verdict, 0) + 1
                reason = None
                if verdict.startswith("crash") or verdict in ("hang", "internal-error"):
                    reason = "verifier %s" % verdict
                elif verdict == "accepted":
                    stats["accepted"] += 1
                    if a.keep_accepted:
                        shutil.copy(p, a.keep_accepted)
                    reason = oracle.run(p)
                if reason and any(k.search(reason) for k in known):
                    nknown += 1  # an open finding (fuzz/findings/), already reported
                    reason = None
                if reason:
                    findings += 1
                    save_finding(out, oracle, p, name, ops, reason, verdict)
                os.unlink(p)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    dt = time.monotonic() - t0
    cpu1 = os.times()
    cpu = (cpu1.user - cpu0.user) + (cpu1.system - cpu0.system) + \
          (cpu1.children_user - cpu0.children_user) + (cpu1.children_system - cpu0.children_system)
    print("escape_fuzz: %d mutants in %.0f s (%.1f/s, %.0f CPU s): verdicts %s; %d runs; "
          "%d findings (%d more of known open findings)"
          % (gen, dt, gen / dt if dt else 0, cpu, json.dumps(verdicts, sort_keys=True), oracle.ran,
             findings, nknown), flush=True)
    return 1 if findings else 0


def save_finding(out, oracle, path, base, ops, reason, verdict):
    with open(path, encoding="utf-8") as f:
        src = f.read()
    if verdict == "accepted":
        def still_bad(cand):
            q = os.path.join(oracle.workdir, "min.py")
            with open(q, "w", encoding="utf-8") as f:
                f.write(cand)
            return oracle.verify([q]).get(q) == "accepted" and oracle.run(q) is not None
        try:
            src = minimise(ast.parse(src), still_bad)
        except (SyntaxError, ValueError, RecursionError):
            pass
    n = len([x for x in os.listdir(out) if x.endswith(".py")]) + 1
    dest = os.path.join(out, "escape-%03d.py" % n)
    with open(dest, "w", encoding="utf-8") as f:
        f.write("# technique: escape fuzzer finding: %s\n" % reason)
        f.write("# source: fuzz/escape_fuzz.py, mutant of %s (%s)\n" % (base, ", ".join(ops)))
        f.write("# family: %d\n# expect: rejected\n# rules: PV\n# bytecode: none\n"
                % (15 if "libsink" in ops else 9))
        f.write(src if src.endswith("\n") else src + "\n")
    print("FINDING %s: %s (from %s)" % (dest, reason, base), flush=True)


if __name__ == "__main__":
    sys.exit(main())
