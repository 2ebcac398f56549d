#!/usr/bin/python3.11
"""make_corpus.py OUTDIR: build the crafted-bytecode corpus of pyverify --pyc.

Every case starts from a valid code object CPython compiles from a small benign program
and applies one targeted corruption, either to the code object (then written as a .pyc
by a small marshal writer below, so that the exact bytes are under control: CPython's
marshal.dumps() would zero the inline caches and add back-references) or to the bytes of
the file. OUTDIR gets one NAME.pyc per case and cases.tsv:

    NAME <TAB> EXPECT <TAB> CODE <TAB> what the corruption is

EXPECT is `accepted` (the case must pass --pyc and run), `structure` (it must be refused
by --pyc-structure with CODE among the diagnostics, and by --pyc) or `policy` (structurally
valid, refused by the policy with CODE). Output is deterministic: the same bytes on every
run (no timestamps: hash-based headers; frozensets are written sorted).

Run with CPython 3.11 only: the magic number and the bytecode are 3.11's.
"""
import dis
import importlib.util
import os
import struct
import sys
import types

assert sys.version_info[:2] == (3, 11), "the corpus is CPython 3.11 bytecode"

OP = dis.opmap
CO_GENERATOR = 0x20
CO_OPTIMIZED = 0x1

# ---- a marshal writer (format version 4, no back-references unless asked) ----------------


def w_long(v):
    return struct.pack("<i", v)


def dump(o):
    if o is None:
        return b"N"
    if o is False:
        return b"F"
    if o is True:
        return b"T"
    if o is Ellipsis:
        return b"."
    if type(o) is int:
        if -(2**31) <= o < 2**31:
            return b"i" + w_long(o)
        a, digits = abs(o), []
        while a:
            digits.append(a & 0x7FFF)
            a >>= 15
        n = len(digits) if o > 0 else -len(digits)
        return b"l" + w_long(n) + b"".join(struct.pack("<H", d) for d in digits)
    if type(o) is float:
        return b"g" + struct.pack("<d", o)
    if type(o) is complex:
        return b"y" + struct.pack("<dd", o.real, o.imag)
    if type(o) is bytes:
        return b"s" + w_long(len(o)) + o
    if type(o) is str:
        if o.isascii():
            e = o.encode("ascii")
            if len(e) < 256:
                return b"z" + bytes([len(e)]) + e
            return b"a" + w_long(len(e)) + e
        e = o.encode("utf-8", "surrogatepass")
        return b"u" + w_long(len(e)) + e
    if type(o) is tuple:
        body = b"".join(dump(x) for x in o)
        if len(o) < 256:
            return b")" + bytes([len(o)]) + body
        return b"(" + w_long(len(o)) + body
    if type(o) is frozenset:
        return b">" + w_long(len(o)) + b"".join(dump(x) for x in sorted(o, key=repr))
    if type(o) is list:
        return b"[" + w_long(len(o)) + b"".join(dump(x) for x in o)
    if type(o) is dict:
        return b"{" + b"".join(dump(k) + dump(v) for k, v in o.items()) + b"0"
    if isinstance(o, types.CodeType):
        return dump_code(o)
    if isinstance(o, Raw):
        return o.b
    raise TypeError(type(o))


class Raw:
    """Bytes written as they are (a hand-made object)."""

    def __init__(self, b):
        self.b = b


def localsplus(co):
    """co_localsplusnames and co_localspluskinds (3.11 layout: locals, cells, frees)."""
    names, kinds = [], []
    for v in co.co_varnames:
        names.append(v)
        kinds.append(0x20 | (0x40 if v in co.co_cellvars else 0))
    for v in co.co_cellvars:
        if v not in co.co_varnames:
            names.append(v)
            kinds.append(0x40)
    for v in co.co_freevars:
        names.append(v)
        kinds.append(0x80)
    return tuple(names), bytes(kinds)


def dump_code(co, **ov):
    """A code object's marshal bytes; keyword arguments replace fields (raw values)."""
    names, kinds = localsplus(co)
    f = dict(argcount=co.co_argcount, posonly=co.co_posonlyargcount,
             kwonly=co.co_kwonlyargcount, stacksize=co.co_stacksize, flags=co.co_flags,
             code=co.co_code, consts=co.co_consts, names=co.co_names, lpnames=names,
             lpkinds=kinds, filename=co.co_filename, name=co.co_name, qualname=co.co_qualname,
             firstlineno=co.co_firstlineno, linetable=co.co_linetable,
             exceptiontable=co.co_exceptiontable)
    f.update(ov)
    return (b"c" + w_long(f["argcount"]) + w_long(f["posonly"]) + w_long(f["kwonly"]) +
            w_long(f["stacksize"]) + w_long(f["flags"]) + dump(f["code"]) + dump(f["consts"]) +
            dump(f["names"]) + dump(f["lpnames"]) + dump(f["lpkinds"]) + dump(f["filename"]) +
            dump(f["name"]) + dump(f["qualname"]) + w_long(f["firstlineno"]) +
            dump(f["linetable"]) + dump(f["exceptiontable"]))


MAGIC = importlib.util.MAGIC_NUMBER


def pyc(body, magic=MAGIC, flags=1):
    """A hash-based .pyc (flags 1: unchecked hash), deterministic."""
    return magic + struct.pack("<I", flags) + b"\0" * 8 + body


# ---- code object helpers ------------------------------------------------------------------


def compile_src(src, name="case.py"):
    return compile(src, name, "exec", dont_inherit=True, optimize=0)


def insns(co):
    return [i for i in dis.get_instructions(co)]


def patch(co, opname, arg=None, op=None, nth=0):
    """co_code with one instruction's opcode and/or argument byte replaced."""
    b = bytearray(co.co_code)
    i = [i for i in insns(co) if i.opname == opname][nth]
    if arg is not None:
        b[i.offset + 1] = arg
    if op is not None:
        b[i.offset] = op
    return bytes(b)


def with_code(co, **kw):
    """The code object with fields replaced (through code.replace)."""
    return co.replace(**kw)


def inner(co, fn, name=None):
    """Replace each nested code object k (or the one named `name`) by fn(k)."""
    return co.replace(co_consts=tuple(
        fn(k) if isinstance(k, types.CodeType) and (name is None or k.co_name == name) else k
        for k in co.co_consts))


def code_named(co, name):
    """The nested code object of co named `name`."""
    return [k for k in co.co_consts if isinstance(k, types.CodeType) and k.co_name == name][0]


def dump_with_inner(co, name, **ov):
    """Module code whose nested code object `name` is written with raw field overrides."""
    consts = tuple(Raw(dump_code(k, **ov)) if isinstance(k, types.CodeType) and k.co_name == name
                   else k for k in co.co_consts)
    return dump_code(co, consts=consts)


# ---- base programs (benign, accepted by the default policy) ------------------------------

BASE = {
    "module": "x = [1, 2, 3]\nif x:\n    y = x[0] + len(x)\nprint(y, x)\n",
    "function": ("def area(w, h=2, *, scale=1):\n    return w * h * scale\n"
                 "print(area(3), area(3, 4, scale=2))\n"),
    "closure": ("def outer(a):\n    def inner(b):\n        return a + b\n    return inner\n"
                "print(outer(1)(2))\n"),
    "generator": ("def gen(n):\n    for i in range(n):\n        yield i * i\n"
                  "print(list(gen(4)))\n"),
    "try": ("def f(v):\n    try:\n        return 10 // v\n    except ZeroDivisionError:\n"
            "        return -1\nprint(f(2), f(0))\n"),
    "with_class": ("class Acc:\n    def __init__(self):\n        self.total = 0\n"
                   "    def add(self, v):\n        self.total += v\n        return self\n"
                   "print(Acc().add(2).add(3).total)\n"),
    "kw_call": "print(sorted([3, 1, 2], key=abs, reverse=True))\n",
    "listcomp": "x = [1, 2, 3]\ny = [v * 2 for v in x]\nprint(y)\n",
    "consts": ("big = 10 ** 30\nf = 1.5\nz = 2j\nb = b'raw'\ns = 'caf\\u00e9'\n"
               "t = (1, (2, 'x'), None, True, ...)\nprint(3 in {1, 2, 3}, big, f, z, b, s, t)\n"),
}


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else "pyc-cases"
    os.makedirs(out, exist_ok=True)
    cases = []

    def add(name, expect, code, what, data):
        with open(os.path.join(out, name + ".pyc"), "wb") as f:
            f.write(data)
        cases.append((name, expect, code, what))

    co = {k: compile_src(v, k + ".py") for k, v in BASE.items()}

    # Accepted: every base program, through our writer and through CPython's own marshal
    # (back-references included), with and without the header.
    import marshal
    for k, c in co.items():
        add("ok_" + k, "accepted", "-", "benign program, written by make_corpus.py", pyc(dump_code(c)))
        add("ok_" + k + "_cpython", "accepted", "-", "benign program, marshal.dumps()",
            pyc(marshal.dumps(c)))
    add("ok_no_header", "accepted", "-", "marshalled code without the .pyc header",
        marshal.dumps(co["function"]))
    # Back-references the writer adds by hand: co_name refers to the flagged co_filename.
    m = co["module"]
    ref_ok = dump_code(m, filename=Raw(bytes([ord("z") | 0x80, 7]) + b"case.py"),
                       name=Raw(b"r" + w_long(0)), qualname=Raw(b"r" + w_long(0)))
    add("ok_backref", "accepted", "-", "co_name is a back-reference to co_filename", pyc(ref_ok))

    # ---- PV700: header ----
    body = dump_code(m)
    add("header_bad_magic", "structure", "PV700", "magic number of CPython 3.10",
        pyc(body, magic=(3439).to_bytes(2, "little") + b"\r\n"))
    add("header_flags", "structure", "PV700", "header flags 4 (undefined)", pyc(body, flags=4))
    add("header_short", "structure", "PV700", "10 bytes, shorter than a header", MAGIC + b"\0" * 6)

    # ---- PV701: malformed marshal data ----
    full = pyc(body)
    add("marshal_truncated", "structure", "PV701", "the body cut in half",
        full[:16 + len(body) // 2])
    add("marshal_trailing", "structure", "PV701", "a byte after the code object", full + b"N")
    huge = bytearray(full)
    assert huge[16 + 21] == ord("s")
    huge[16 + 22:16 + 26] = w_long(0x7FFFFFF0)
    add("marshal_length_past_end", "structure", "PV701", "co_code's length 2**31-16",
        bytes(huge))
    add("marshal_negative_length", "structure", "PV701", "co_code's length -2",
        bytes(full[:16 + 22]) + w_long(-2) + full[16 + 26:])
    add("marshal_bad_utf8", "structure", "PV701", "a str constant with bytes ff fe",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"u" + w_long(2) + b"\xff\xfe"),))))
    add("marshal_ascii_high", "structure", "PV701", "an ASCII str with byte 0xe9",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"z\x01\xe9"),))))
    add("marshal_long_unnormalized", "structure", "PV701", "an int whose top digit is 0",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"l" + w_long(2) + b"\x01\x00\x00\x00"),))))
    add("marshal_long_digit", "structure", "PV701", "an int digit above 2**15",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"l" + w_long(1) + b"\xff\xff"),))))
    add("marshal_flag_on_none", "structure", "PV701", "the reference flag on None",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"\xce"),))))

    # ---- PV702: types ----
    add("type_unknown", "structure", "PV702", "type code '!'",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"!"),))))
    add("type_list", "structure", "PV702", "a list constant",
        pyc(dump_code(m, consts=m.co_consts + ([1, 2],))))
    add("type_dict", "structure", "PV702", "a dict constant",
        pyc(dump_code(m, consts=m.co_consts + ({1: 2},))))
    add("type_set", "structure", "PV702", "a (mutable) set constant",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"<" + w_long(1) + b"N"),))))
    add("type_stopiteration", "structure", "PV702", "the StopIteration type as a constant",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"S"),))))
    add("type_null", "structure", "PV702", "TYPE_NULL as a constant",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"0"),))))
    add("type_old_float", "structure", "PV702", "a text float (marshal version 1)",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"f\x031.5"),))))
    add("type_code_in_tuple", "structure", "PV702", "a code object hidden in a constant tuple",
        pyc(dump_code(m, consts=m.co_consts + ((co["kw_call"],),))))
    add("type_name_not_str", "structure", "PV702", "an int in co_names",
        pyc(dump_code(m, names=m.co_names + (5,))))
    add("type_code_not_bytes", "structure", "PV702", "co_code is a str",
        pyc(dump_code(m, code="abcd")))
    add("type_top_not_code", "structure", "PV702", "the top object is a tuple",
        pyc(dump((1, 2))))

    # ---- PV703: back-references ----
    add("ref_out_of_range", "structure", "PV703", "a reference to object 7 of 0",
        pyc(dump_code(m, name=Raw(b"r" + w_long(7)))))
    add("ref_negative", "structure", "PV703", "a reference to object -1",
        pyc(dump_code(m, name=Raw(b"r" + w_long(-1)))))
    cyc = dump_code(m, consts=m.co_consts + (Raw(b"r" + w_long(0)),))
    add("ref_cycle_code", "structure", "PV703", "a constant referring to its own code object",
        pyc(b"\xe3" + cyc[1:]))
    add("ref_cycle_tuple", "structure", "PV703", "a tuple containing itself",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b"\xa9\x01" + b"r" + w_long(0)),))))
    add("ref_wrong_type", "structure", "PV703", "co_name refers to a bytes object",
        pyc(dump_code(m, code=Raw(b"\xf3" + w_long(len(m.co_code)) + m.co_code),
                      name=Raw(b"r" + w_long(0)))))

    # ---- PV704: limits ----
    deep = Raw(b")\x01" * 500 + b")\x00")
    add("limit_depth", "structure", "PV704", "a constant tuple nested 500 deep",
        pyc(dump_code(m, consts=m.co_consts + (deep,))))
    add("limit_long", "structure", "PV704", "an int of 5000 digits (75000 bits)",
        pyc(dump_code(m, consts=m.co_consts + (2 ** 75000,))))
    add("limit_frozenset", "structure", "PV704", "a frozenset of 5000 ints that all hash to 0",
        pyc(dump_code(m, consts=m.co_consts + (Raw(b">" + w_long(5000) + b"".join(
            dump(k * (2 ** 61 - 1)) for k in range(1, 5001))),))))
    add("limit_stacksize", "structure", "PV704", "co_stacksize 100000",
        pyc(dump_code(m, stacksize=100000)))

    # ---- PV705: code object fields ----
    add("code_odd_length", "structure", "PV705", "co_code of 3 bytes",
        pyc(dump_code(m, code=m.co_code[:3])))
    add("code_kinds_length", "structure", "PV705", "one more kind than local names",
        pyc(dump_with_inner(co["function"], "area",
                            lpkinds=localsplus(code_named(co["function"], "area"))[1] + b" ")))
    add("code_posonly", "structure", "PV705", "co_posonlyargcount above co_argcount",
        pyc(dump_with_inner(co["function"], "area", posonly=5)))
    add("code_args_no_locals", "structure", "PV705", "4 arguments, 3 locals",
        pyc(dump_with_inner(co["function"], "area", argcount=4)))
    add("code_unknown_flag", "structure", "PV705", "co_flags bit 0x400",
        pyc(dump_code(m, flags=m.co_flags | 0x400)))

    # ---- PV510: operands ----
    add("operand_const", "structure", "PV510", "LOAD_CONST 50 with 4 constants",
        pyc(dump_code(m, code=patch(m, "LOAD_CONST", arg=50))))
    add("operand_name", "structure", "PV510", "STORE_NAME 50 outside co_names",
        pyc(dump_code(m, code=patch(m, "STORE_NAME", arg=50))))
    f = code_named(co["function"], "area")
    add("operand_local", "structure", "PV510", "LOAD_FAST 9 with 3 locals",
        pyc(dump_with_inner(co["function"], "area", code=patch(f, "LOAD_FAST", arg=9))))
    add("operand_binary_op", "structure", "PV510", "BINARY_OP 99 (26 operators exist)",
        pyc(dump_code(m, code=patch(m, "BINARY_OP", arg=99))))
    outer = code_named(co["closure"], "outer")
    add("operand_cell_as_local", "structure", "PV510", "LOAD_FAST of a cell slot",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, code=patch(outer, "LOAD_CLOSURE", op=OP["LOAD_FAST"])))
            if k is outer else k for k in co["closure"].co_consts))))
    add("operand_kw_names", "structure", "PV510", "KW_NAMES of an int constant",
        pyc(dump_code(co["kw_call"], consts=co["kw_call"].co_consts + (7,),
                      code=patch(co["kw_call"], "KW_NAMES", arg=len(co["kw_call"].co_consts)))))

    # ---- PV511: jumps ----
    ins = insns(m)
    j = [i for i in ins if i.opname == "POP_JUMP_FORWARD_IF_FALSE"][0]
    cache = [i for i in dis.get_instructions(m, show_caches=True)
             if i.opname == "CACHE" and i.offset > j.offset][0]
    add("jump_into_cache", "structure", "PV511", "a jump into an inline CACHE slot",
        pyc(dump_code(m, code=patch(m, "POP_JUMP_FORWARD_IF_FALSE",
                                    arg=(cache.offset - j.offset - 2) // 2))))
    add("jump_out_of_code", "structure", "PV511", "a jump past the end of the code",
        pyc(dump_code(m, code=patch(m, "POP_JUMP_FORWARD_IF_FALSE", arg=200))))
    g = code_named(co["generator"], "gen")
    add("jump_backward_before_start", "structure", "PV511", "JUMP_BACKWARD before offset 0",
        pyc(dump_with_inner(co["generator"], "gen", code=patch(g, "JUMP_BACKWARD", arg=200))))

    # ---- PV512: inline caches ----
    b = bytearray(m.co_code)
    b[cache.offset] = OP["LOAD_CONST"]
    add("cache_holds_instruction", "structure", "PV512", "LOAD_CONST hidden in a CACHE slot",
        pyc(dump_code(m, code=bytes(b))))
    lg = [i for i in ins if i.opname == "BINARY_SUBSCR"][0]
    b = bytearray(m.co_code)
    b[lg.offset:lg.offset + 2] = bytes([OP["NOP"], 0])
    b[lg.offset + 2:lg.offset + 4] = bytes([0, 0])
    add("cache_executed", "structure", "PV512", "BINARY_SUBSCR replaced by NOP: its caches run",
        pyc(dump_code(m, code=bytes(b))))
    add("cache_cut_off", "structure", "PV512", "the code ends inside BINARY_SUBSCR's caches",
        pyc(dump_code(m, code=m.co_code[:lg.offset + 4])))

    # ---- PV513: EXTENDED_ARG ----
    add("extended_arg_before_no_arg", "structure", "PV513", "EXTENDED_ARG before RETURN_VALUE",
        pyc(dump_code(m, code=patch(m, "LOAD_CONST", op=OP["EXTENDED_ARG"], arg=0, nth=-1))))
    b = bytearray(m.co_code)
    b[0:8] = bytes([OP["EXTENDED_ARG"], 0] * 4)
    add("extended_arg_four", "structure", "PV513", "four EXTENDED_ARG prefixes in a row",
        pyc(dump_code(m, code=bytes(b))))
    add("extended_arg_at_end", "structure", "PV513", "the code ends with EXTENDED_ARG",
        pyc(dump_code(m, code=m.co_code + bytes([OP["EXTENDED_ARG"], 0]))))

    # ---- PV514: exception table ----
    t = code_named(co["try"], "f")
    add("exctable_out_of_code", "structure", "PV514", "a range beyond the code",
        pyc(dump_with_inner(co["try"], "f", exceptiontable=bytes([0x80 | 1, 60, 2, 0]))))
    add("exctable_truncated", "structure", "PV514", "a varint cut off",
        pyc(dump_with_inner(co["try"], "f", exceptiontable=t.co_exceptiontable + bytes([0x80, 0x41]))))
    add("exctable_handler_in_cache", "structure", "PV514", "a handler in a CACHE slot",
        pyc(dump_with_inner(co["try"], "f", exceptiontable=bytes([0x80 | 2, 2, 11, 0]))))
    add("exctable_unsorted", "structure", "PV514", "the entries in reverse order",
        pyc(dump_with_inner(co["try"], "f", exceptiontable=exctable_reversed(t))))

    # ---- PV515: local kinds ----
    fn_names, fn_kinds = localsplus(f)
    # Kinds other than 0x20/0x40/0x60/0x80 are refused by the marshal validator already
    # (PV705): CPython builds co_freevars from them without a check, and a free variable
    # that is also a local (0xa0) or a cell (0xc0, 0xe0) made it write past the tuple, in
    # the verifier (fuzz_pyc, fuzz/regressions/pyc/kinds-free-and-local.pyc).
    add("kinds_unknown", "structure", "PV705", "a local of kind 0x30 (an unknown bit)",
        pyc(dump_with_inner(co["function"], "area", lpkinds=fn_kinds[:-1] + b"\x30")))
    for kind in (0xA0, 0xC0, 0xE0):
        add("kinds_free_and_%02x" % kind, "structure", "PV705",
            "the free variable of a closure has kind 0x%02x (free and local or cell)" % kind,
            pyc(dump_code(co["closure"], consts=tuple(
                Raw(dump_code(outer, consts=tuple(
                    Raw(dump_code(k, lpkinds=localsplus(k)[1][:-1] + bytes([kind])))
                    if isinstance(k, types.CodeType) else k for k in outer.co_consts)))
                if k is outer else k for k in co["closure"].co_consts))))
    add("kinds_free_first", "structure", "PV515", "a free variable before the locals",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, consts=tuple(
                Raw(dump_code(k, lpnames=localsplus(k)[0][::-1], lpkinds=localsplus(k)[1][::-1]))
                if isinstance(k, types.CodeType) else k for k in outer.co_consts)))
            if k is outer else k for k in co["closure"].co_consts))))
    add("kinds_duplicate_names", "structure", "PV515", "two locals named 'w'",
        pyc(dump_with_inner(co["function"], "area", lpnames=("w",) * len(fn_names))))
    add("kinds_cell_not_made", "structure", "PV515", "MAKE_CELL replaced by NOP",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, code=patch(outer, "MAKE_CELL", op=OP["NOP"], arg=0)))
            if k is outer else k for k in co["closure"].co_consts))))
    inn = [k for k in outer.co_consts if isinstance(k, types.CodeType)][0]
    add("kinds_free_not_copied", "structure", "PV515", "COPY_FREE_VARS 2 with one free variable",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, consts=tuple(
                Raw(dump_code(k, code=patch(k, "COPY_FREE_VARS", arg=2)))
                if isinstance(k, types.CodeType) else k for k in outer.co_consts)))
            if k is outer else k for k in co["closure"].co_consts))))
    del inn
    add("kinds_module_free", "structure", "PV515", "module code with a free variable",
        pyc(dump_code(m, lpnames=("z",), lpkinds=b"\x80",
                      code=bytes([OP["COPY_FREE_VARS"], 1]) + m.co_code,
                      linetable=bytes([0x80 | (15 << 3)]) + m.co_linetable)))

    # ---- PV516: stack ----
    add("stack_underflow", "structure", "PV516", "LOAD_CONST replaced by NOP",
        pyc(dump_code(m, code=patch(m, "LOAD_CONST", op=OP["NOP"], arg=0))))
    add("stack_too_small", "structure", "PV516", "co_stacksize 1",
        pyc(dump_code(m, stacksize=1)))
    add("stack_reraise_non_exception", "structure", "PV516",
        "RERAISE of a constant instead of the caught exception",
        pyc(dump_code(m, code=m.co_code[:-4] + bytes([OP["LOAD_CONST"], 0, OP["RERAISE"], 0]))))
    add("stack_pop_except_int", "structure", "PV516", "POP_EXCEPT restores a constant",
        pyc(dump_code(m, code=m.co_code[:-4] + bytes([OP["LOAD_CONST"], 0, OP["POP_EXCEPT"], 0,
                                                       OP["LOAD_CONST"], 0, OP["RETURN_VALUE"], 0]),
                      linetable=m.co_linetable + bytes([0x80 | (15 << 3) | 1]))))
    add("stack_null_used", "structure", "PV516",
        "PUSH_NULL instead of LOAD_NAME: the NULL would be subscripted (found by fuzz_pyc)",
        pyc(dump_code(m, code=patch(m, "LOAD_NAME", op=OP["PUSH_NULL"], arg=0, nth=1))))
    kc = co["kw_call"]
    add("stack_call_unpaired", "structure", "PV516", "PRECALL 3 followed by CALL 1",
        pyc(dump_code(kc, code=patch(kc, "PRECALL", arg=3, nth=-1))))

    add("stack_for_iter_not_iterator", "structure", "PV516",
        "GET_ITER removed: FOR_ITER would call tp_iternext of a non-iterator",
        pyc(dump_with_inner(co["generator"], "gen", code=patch(g, "GET_ITER", op=OP["NOP"], arg=0))))
    lc = co["listcomp"]
    add("stack_comprehension_not_iterator", "structure", "PV516",
        "a comprehension function called with a non-iterator (GET_ITER removed)",
        pyc(dump_code(lc, code=patch(lc, "GET_ITER", op=OP["NOP"], arg=0))))
    comp = code_named(lc, "<listcomp>")
    add("stack_list_append_not_list", "structure", "PV516",
        "LIST_APPEND to the iterator instead of the list being built",
        pyc(dump_code(lc, consts=tuple(
            Raw(dump_code(comp, code=patch(comp, "BUILD_LIST", op=OP["LOAD_FAST"], arg=0)))
            if k is comp else k for k in lc.co_consts))))
    add("stack_classderef_in_function", "structure", "PV516",
        "LOAD_CLASSDEREF in a function, which has no locals dict",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, consts=tuple(
                Raw(dump_code(k, code=patch(k, "LOAD_DEREF", op=OP["LOAD_CLASSDEREF"])))
                if isinstance(k, types.CodeType) else k for k in outer.co_consts)))
            if k is outer else k for k in co["closure"].co_consts))))

    # Red team 2026-12-03: only their call may read what LOAD_METHOD and LOAD_BUILD_CLASS push.
    fm = compile_src("t = '{0.' + 'real}'\nprint('ok'.format(x, t, 1))\n")
    fb, st = bytearray(fm.co_code), 0
    for i in insns(fm):
        if st == 0 and i.opname == "LOAD_NAME" and i.argval == "x":
            fb[i.offset:i.offset + 2] = bytes([OP["POP_TOP"], 0])
            st = 1
        elif st == 1 and i.opname in ("PRECALL", "CALL"):
            fb[i.offset + 1] = 1
            st = 2 if i.opname == "CALL" else 1
    add("stack_method_receiver_replaced", "structure", "PV516",
        "'ok'.format's receiver popped and a run-time template called as its self",
        pyc(dump_code(fm, code=bytes(fb))))
    bcs = compile_src("def m(n, b, ns):\n    return 1\ndef body():\n    pass\n"
                      "bc = g(0)\nprint(bc(body, 'C', metaclass=m))\n")
    bb, bl = bytearray(bcs.co_code), insns(bcs)
    gk = [j for j, i in enumerate(bl) if i.opname == "LOAD_NAME" and i.argval == "g"][0]
    ge = [i for i in bl if i.opname == "STORE_NAME" and i.argval == "bc"][0].offset
    for o in range(bl[gk - 1].offset, ge, 2):
        bb[o:o + 2] = bytes([OP["NOP"], 0])
    bb[bl[gk - 1].offset] = OP["LOAD_BUILD_CLASS"]
    add("stack_build_class_stored", "structure", "PV516",
        "__build_class__ kept in a variable, called later with metaclass=",
        pyc(dump_code(bcs, code=bytes(bb))))

    sc = compile_src("def outer(T, obj):\n    __class__ = T\n    def m(self):\n"
                     "        return super().__init__\n    return m(obj)\nprint(outer(int, 1))\n")
    so = sc.co_consts[0]
    add("make_function_closure_renamed", "structure", "PV507",
        "a method's __class__ bound to a function's cell zz: super() would be super(T, obj)",
        pyc(dump_code(sc, consts=(Raw(dump_code(so, lpnames=tuple(
            "zz" if n == "__class__" else n for n in so.co_varnames + so.co_cellvars))),)
            + sc.co_consts[1:])))

    # ---- PV517: line table ----
    add("linetable_no_start_bit", "structure", "PV517", "first byte without bit 7",
        pyc(dump_code(m, linetable=bytes([m.co_linetable[0] & 0x7F]) + m.co_linetable[1:])))
    add("linetable_varint_cut", "structure", "PV517", "a long-form entry cut in its varint",
        pyc(dump_code(m, linetable=m.co_linetable + bytes([0x80 | (14 << 3), 0x41]))))
    add("linetable_short", "structure", "PV517", "entries cover half of the code",
        pyc(dump_code(m, linetable=m.co_linetable[:2])))
    add("linetable_long_varint", "structure", "PV517", "a varint of 7 bytes",
        pyc(dump_code(m, linetable=bytes([0x80 | (13 << 3)]) + bytes([0x7F] * 6 + [0x01]) +
                      m.co_linetable)))

    # ---- PV518: generators ----
    add("generator_flag_cleared", "structure", "PV518",
        "RETURN_GENERATOR and YIELD_VALUE in code not flagged as a generator",
        pyc(dump_with_inner(co["generator"], "gen", flags=g.co_flags & ~CO_GENERATOR)))
    fa = code_named(co["function"], "area")
    add("generator_flag_set", "structure", "PV518",
        "code flagged as a generator without RETURN_GENERATOR",
        pyc(dump_with_inner(co["function"], "area", flags=fa.co_flags | CO_GENERATOR)))

    # ---- PV507: MAKE_FUNCTION operands ----
    add("make_function_no_closure", "structure", "PV507",
        "MAKE_FUNCTION without its closure for code with free variables",
        pyc(dump_code(co["closure"], consts=tuple(
            Raw(dump_code(outer, code=patch(outer, "MAKE_FUNCTION", arg=0)))
            if k is outer else k for k in co["closure"].co_consts))))
    mf = co["function"]
    add("make_function_defaults_int", "structure", "PV507",
        "MAKE_FUNCTION's defaults are an int, not a tuple",
        pyc(dump_code(mf, consts=tuple(7 if k == (2,) else k for k in mf.co_consts))))

    # ---- policy: structurally valid, refused by the policy ----
    ev = compile_src("x = eval('1')\nprint(x)\n")
    add("policy_eval", "policy", "PV504", "eval: structurally fine, not allowed",
        pyc(dump_code(ev)))
    dun = compile_src("print(().__class__)\n")
    add("policy_dunder", "policy", "PV503", "().__class__", pyc(dump_code(dun)))
    imp = compile_src("import os\nprint(os.getcwd())\n")
    add("policy_import", "policy", "PV505", "import os", pyc(dump_code(imp)))

    with open(os.path.join(out, "cases.tsv"), "w") as fh:
        for c in cases:
            fh.write("\t".join(c) + "\n")
    print(f"{len(cases)} cases written to {out}")


def exctable_reversed(co):
    """co_exceptiontable with its entries in reverse order."""
    t = co.co_exceptiontable
    starts = [i for i, x in enumerate(t) if x & 0x80] + [len(t)]
    ents = [t[starts[i]:starts[i + 1]] for i in range(len(starts) - 1)]
    assert len(ents) >= 2, "need two entries"
    return b"".join(reversed(ents))


if __name__ == "__main__":
    main()
