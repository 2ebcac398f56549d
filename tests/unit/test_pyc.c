/*
 * test_pyc.c: unit tests of compiled-code verification (verifier/marshal.c, verifier/pyc.c
 * and the structural checks of verifier/bytecode_struct.c they rely on).
 *
 * - pv_verify_pyc(): arguments, header handling (auto, required, none), magic numbers.
 * - Benign programs compiled by CPython verify (structure and policy) and run.
 * - The marshal validator: every proper prefix of a valid .pyc is refused; every
 *   single-byte corruption is either refused or, when accepted, still a valid code object
 *   (no crash, no pending exception); type codes, references and limits at their boundary.
 * - PV_PYC_STRUCTURE_ONLY skips the policy and marks the program unverified.
 */
#include "internal.h"
#include "pv_marshal.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static pv_policy *pol;

static int setup(void **state)
{
    (void)state;
    /* CPython's debug hooks over malloc (PYTHONMALLOC=malloc_debug; the embedded
     * interpreter ignores the environment): a write past a Python object by libpython
     * itself, which no sanitizer sees, aborts at the object's free (test_local_kinds). */
    PyPreConfig pre;
    PyPreConfig_InitIsolatedConfig(&pre);
    pre.allocator = PYMEM_ALLOCATOR_MALLOC_DEBUG;
    if (PyStatus_Exception(Py_PreInitialize(&pre))) {
        fprintf(stderr, "setup: Py_PreInitialize failed\n");
        return -1;
    }
    if (pv_init() != 0 || pv_policy_default(&pol) != 0) {
        fprintf(stderr, "setup: %s\n", pv_last_error());
        return -1;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* Bytes computed by trusted Python code: the value of `expr` (bytes) after running
 * `stmts`, with marshal, struct and importlib.util imported. Caller frees. */
static unsigned char *py_bytes(const char *stmts, const char *expr, size_t *len)
{
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *d = PyDict_New();
    assert_non_null(d);
    PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins());
    PyObject *r = PyRun_String("import marshal, struct, importlib.util\n"
                               "MAGIC = importlib.util.MAGIC_NUMBER\n"
                               "def pyc(body): return MAGIC + b'\\1\\0\\0\\0' + bytes(8) + body\n",
                               Py_file_input, d, d);
    if (r != NULL) {
        Py_DECREF(r);
        r = PyRun_String(stmts, Py_file_input, d, d);
    }
    if (r != NULL) {
        Py_DECREF(r);
        r = PyRun_String(expr, Py_eval_input, d, d);
    }
    if (r == NULL || !PyBytes_Check(r)) {
        PyErr_Print();
        fail_msg("python failed: %s", expr);
    }
    *len = (size_t)PyBytes_GET_SIZE(r);
    unsigned char *out = malloc(*len + 1);
    assert_non_null(out);
    memcpy(out, PyBytes_AS_STRING(r), *len);
    Py_DECREF(r);
    Py_DECREF(d);
    PyGILState_Release(g);
    return out;
}

/* Verify and return the program; fails the test on a library error. */
static pv_program *verify(const void *b, size_t n, pv_pyc_header h, unsigned flags)
{
    pv_program *prog = NULL;
    int rc = pv_verify_pyc(&prog, pol, b, n, "<test>", h, flags);
    if (rc != 0)
        fail_msg("pv_verify_pyc: %d %s", rc, pv_last_error());
    assert_non_null(prog);
    PyGILState_STATE g = PyGILState_Ensure();
    assert_false(PyErr_Occurred());
    PyGILState_Release(g);
    return prog;
}

static bool has_code(const pv_program *prog, const char *code)
{
    for (size_t i = 0; i < pv_program_diag_count(prog); i++)
        if (strcmp(pv_program_diag(prog, i)->code, code) == 0)
            return true;
    return false;
}

static void dump(const pv_program *prog, const char *name)
{
    for (size_t i = 0; i < pv_program_diag_count(prog); i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        fprintf(stderr, "  [%s] %s %s\n", name, d->code, d->message);
    }
}

/* Expect `code` (or acceptance when code is NULL). */
static void expect(const void *b, size_t n, pv_pyc_header h, unsigned flags, const char *code,
                   const char *name)
{
    pv_program *prog = verify(b, n, h, flags);
    bool ok = code == NULL ? pv_program_verdict(prog) == PV_ACCEPTED
                           : pv_program_verdict(prog) != PV_ACCEPTED && has_code(prog, code);
    if (!ok) {
        dump(prog, name);
        pv_program_free(prog);
        fail_msg("%s: expected %s", name, code ? code : "acceptance");
    }
    pv_program_free(prog);
}

static const char benign[] =
    "src = '''\n"
    "import math\n"
    "def area(w, h=2, *, scale=1):\n"
    "    return w * h * scale\n"
    "def outer(a):\n"
    "    def inner(b):\n"
    "        return a + b\n"
    "    return inner\n"
    "def gen(n):\n"
    "    for i in range(n):\n"
    "        try:\n"
    "            yield 10 // i\n"
    "        except ZeroDivisionError:\n"
    "            yield -1\n"
    "class Acc:\n"
    "    def __init__(self):\n"
    "        self.total = 0\n"
    "print(area(3), outer(1)(2), list(gen(3)), Acc().total, math.floor(2.5), {1, 2} , 3 in {4, 5})\n"
    "'''\n"
    "code = compile(src, 'benign.py', 'exec', dont_inherit=True)\n";

static void test_arguments(void **state)
{
    (void)state;
    pv_program *prog = NULL;
    unsigned char b[4] = { 0 };
    assert_int_equal(pv_verify_pyc(NULL, pol, b, 4, NULL, PV_PYC_HEADER_AUTO, 0), PV_ERR_INVALID);
    assert_int_equal(pv_verify_pyc(&prog, NULL, b, 4, NULL, PV_PYC_HEADER_AUTO, 0), PV_ERR_INVALID);
    assert_int_equal(pv_verify_pyc(&prog, pol, NULL, 4, NULL, PV_PYC_HEADER_AUTO, 0), PV_ERR_INVALID);
    assert_int_equal(pv_verify_pyc(&prog, pol, b, 4, NULL, (pv_pyc_header)7, 0), PV_ERR_INVALID);
    assert_int_equal(pv_verify_pyc(&prog, pol, b, 4, NULL, PV_PYC_HEADER_AUTO, 0x10), PV_ERR_INVALID);
    assert_null(prog);
    /* Empty input is data, not an error: refused. */
    expect("", 0, PV_PYC_HEADER_NONE, 0, "PV701", "empty");
    expect("", 0, PV_PYC_HEADER_AUTO, 0, "PV700", "empty with header");
}

static void test_benign_header_modes(void **state)
{
    (void)state;
    size_t n, m;
    unsigned char *raw = py_bytes(benign, "marshal.dumps(code)", &n);
    unsigned char *full = py_bytes(benign, "pyc(marshal.dumps(code))", &m);
    expect(raw, n, PV_PYC_HEADER_NONE, 0, NULL, "raw, none");
    expect(raw, n, PV_PYC_HEADER_AUTO, 0, NULL, "raw, auto");
    expect(full, m, PV_PYC_HEADER_REQUIRED, 0, NULL, "pyc, required");
    expect(full, m, PV_PYC_HEADER_AUTO, 0, NULL, "pyc, auto");
    expect(raw, n, PV_PYC_HEADER_REQUIRED, 0, "PV700", "raw given as a pyc");
    expect(full, m, PV_PYC_HEADER_NONE, 0, "PV702", "pyc given as raw");
    /* Other magic numbers and header flags. */
    full[0] ^= 1;
    expect(full, m, PV_PYC_HEADER_AUTO, 0, "PV700", "magic");
    full[0] ^= 1;
    full[4] = 2;
    expect(full, m, PV_PYC_HEADER_AUTO, 0, "PV700", "flags 2");
    full[4] = 3;
    expect(full, m, PV_PYC_HEADER_AUTO, 0, NULL, "flags 3");
    expect(full, 15, PV_PYC_HEADER_REQUIRED, 0, "PV700", "15 bytes");
    free(raw);
    free(full);
}

/* An accepted .pyc runs, and its output is the program's. */
static void test_run(void **state)
{
    (void)state;
    size_t n;
    unsigned char *full = py_bytes(benign, "pyc(marshal.dumps(code))", &n);
    pv_program *prog = verify(full, n, PV_PYC_HEADER_AUTO, 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_run_result *r = NULL;
    assert_int_equal(pv_run(&r, prog, NULL), 0);
    size_t ol;
    const char *out = pv_run_result_stdout(r, &ol);
    if (pv_run_result_status(r) != PV_RUN_OK || strstr(out, "6 3 [-1, 10, 5] 0 2 {1, 2} False") == NULL)
        fail_msg("run: %s: %.*s", pv_run_status_name(pv_run_result_status(r)), (int)ol, out);
    pv_run_result_free(r);
    pv_program_free(prog);

    /* Structure only: unverified, pv_run refuses it without PV_RUN_ALLOW_UNVERIFIED. */
    prog = verify(full, n, PV_PYC_HEADER_AUTO, PV_PYC_STRUCTURE_ONLY);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    r = NULL;
    assert_int_equal(pv_run(&r, prog, NULL), PV_ERR_STATE);
    assert_null(r);
    pv_program_free(prog);
    free(full);
}

/* The policy runs on .pyc input; structure-only skips it. */
static void test_policy(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = py_bytes("code = compile('import os\\nprint(eval(\"1\"), ().__class__)\\n', "
                                "'p.py', 'exec')\n", "marshal.dumps(code)", &n);
    pv_program *prog = verify(b, n, PV_PYC_HEADER_AUTO, 0);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_true(has_code(prog, "PV505"));
    assert_true(has_code(prog, "PV504"));
    assert_true(has_code(prog, "PV503"));
    assert_null(pv_program_source_line(prog, 1, NULL));
    pv_program_free(prog);
    expect(b, n, PV_PYC_HEADER_AUTO, PV_PYC_STRUCTURE_ONLY, NULL, "structure only");
    free(b);
}

/* Red team 2026-12-03: values LOAD_METHOD and LOAD_BUILD_CLASS push may only be read by
 * their call. A crafted .pyc swapped the receiver of 'ok'.format for a template built at run
 * time (str.format(template, obj) reached attributes), and kept __build_class__ in a
 * variable, so that a later call passed metaclass= unseen. A closure binds free variables by
 * name only (a method's __class__ bound to another cell made super() any super(T, obj)).
 * Compiled code, closures and zero-argument super() included, stays accepted. */
static void test_receiver_and_build_class(void **state)
{
    (void)state;
    static const char s[] =
        "import dis\n"
        "def ins(co): return list(dis.get_instructions(co))\n"
        "def put(b, i, op, arg): b[i.offset] = dis.opmap[op]; b[i.offset + 1] = arg\n"
        /* 'ok'.format(x, t, 1): LOAD_NAME x -> POP_TOP (drops 'ok'), call 1: str.format(t, 1) */
        "fs = \"t = '{0.' + 'real}'\\nprint('ok'.format(x, t, 1))\\n\"\n"
        "fc = compile(fs, 'f.py', 'exec', dont_inherit=True)\n"
        "b = bytearray(fc.co_code); st = 0\n"
        "for i in ins(fc):\n"
        "    if st == 0 and i.opname == 'LOAD_NAME' and i.argval == 'x': put(b, i, 'POP_TOP', 0); st = 1\n"
        "    elif st == 1 and i.opname in ('PRECALL', 'CALL'):\n"
        "        b[i.offset + 1] = 1; st = 2 if i.opname == 'CALL' else 1\n"
        "fmt = marshal.dumps(fc.replace(co_code=bytes(b)))\n"
        /* bc = g(0) -> bc = LOAD_BUILD_CLASS; then bc(body, 'C', metaclass=m) */
        "bs = ('def m(n, b, ns):\\n    return 1\\ndef body():\\n    pass\\n'\n"
        "      'bc = g(0)\\nprint(bc(body, \"C\", metaclass=m))\\n')\n"
        "bco = compile(bs, 'b.py', 'exec', dont_inherit=True)\n"
        "b = bytearray(bco.co_code); l = ins(bco)\n"
        "k = [j for j, i in enumerate(l) if i.opname == 'LOAD_NAME' and i.argval == 'g'][0]\n"
        "e = [i for i in l if i.opname == 'STORE_NAME' and i.argval == 'bc'][0].offset\n"
        "for o in range(l[k - 1].offset, e, 2): b[o] = dis.opmap['NOP']; b[o + 1] = 0\n"
        "b[l[k - 1].offset] = dis.opmap['LOAD_BUILD_CLASS']\n"
        "bcl = marshal.dumps(bco.replace(co_code=bytes(b)))\n"
        /* outer's cell __class__ renamed zz: the method's __class__ free variable is bound
         * to a cell holding any type, so super() is super(T, obj) */
        "ss = ('def outer(T, obj):\\n    __class__ = T\\n    def m(self):\\n'\n"
        "      '        return super().__init__\\n    return m(obj)\\nprint(outer(int, 1))\\n')\n"
        "sco = compile(ss, 's.py', 'exec', dont_inherit=True)\n"
        "o = sco.co_consts[0]\n"
        "o = o.replace(co_cellvars=tuple('zz' if n == '__class__' else n for n in o.co_cellvars))\n"
        "sup = marshal.dumps(sco.replace(co_consts=(o,) + sco.co_consts[1:]))\n"
        "ok = marshal.dumps(compile(\"class B:\\n    pass\\nclass C(B, *[B]):\\n    def __init__(s):\\n\"\n"
        "                           \"        super().__init__()\\n        f = lambda: super().__init__\\n\"\n"
        "                           \"print('{}-{x}'.format(1, x=C), 'a'.upper())\\n\", 'o.py', 'exec'))\n";
    static const struct {
        const char *expr, *code;
    } cases[] = {
        {"fmt", "PV516"}, {"bcl", "PV516"}, {"sup", "PV507"}, {"ok", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof *cases; k++) {
        size_t n;
        unsigned char *b = py_bytes(s, cases[k].expr, &n);
        expect(b, n, PV_PYC_HEADER_NONE, PV_PYC_STRUCTURE_ONLY, cases[k].code, cases[k].expr);
        expect(b, n, PV_PYC_HEADER_NONE, 0, cases[k].code, cases[k].expr);
        free(b);
    }
}

/* Every proper prefix is refused; every single-byte change either is refused or still
 * verifies cleanly (and never leaves an exception pending or crashes). */
static void test_prefixes_and_mutations(void **state)
{
    (void)state;
    size_t n;
    unsigned char *b = py_bytes(benign, "marshal.dumps(code)", &n);
    for (size_t k = 0; k < n; k++) {
        pv_program *prog = verify(b, k, PV_PYC_HEADER_NONE, 0);
        if (pv_program_verdict(prog) != PV_INVALID)
            fail_msg("prefix of %zu bytes (of %zu) not refused as invalid", k, n);
        pv_program_free(prog);
    }
    static const unsigned char vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff, 'r', 'c', ')' };
    size_t accepted = 0, total = 0;
    for (size_t k = 0; k < n; k++) {
        unsigned char old = b[k];
        for (size_t v = 0; v < sizeof vals; v++) {
            if (vals[v] == old)
                continue;
            b[k] = vals[v];
            pv_program *prog = verify(b, n, PV_PYC_HEADER_NONE, PV_PYC_STRUCTURE_ONLY);
            accepted += pv_program_verdict(prog) == PV_ACCEPTED;
            total++;
            pv_program_free(prog);
        }
        b[k] = old;
    }
    fprintf(stderr, "  %zu prefixes refused; %zu of %zu single-byte mutations accepted\n", n,
            accepted, total);
    free(b);
}

/* pvm_validate directly: the limits at their boundary. */
static void validate(const char *stmts, const char *expr, int want_rc, pv_rule want_rule)
{
    size_t n;
    unsigned char *b = py_bytes(stmts, expr, &n);
    pvm_error err;
    pvm_stats st;
    int rc = pvm_validate(b, n, &err, &st);
    free(b);
    if (rc != want_rc || (rc == 1 && err.rule != want_rule))
        fail_msg("%s: rc %d rule %d (%s), expected rc %d rule %d", expr, rc, (int)err.rule, err.msg,
                 want_rc, (int)want_rule);
}

static void test_limits(void **state)
{
    (void)state;
    /* Nesting: the code object (1), co_consts (2), then tuples. Marshal version 2 writes
     * no back-references, so that a constant can be replaced by hand-made bytes. */
    char s[512];
    snprintf(s, sizeof s, "def nest(k): return b')\\x01' * k + b')\\x00'\n"
             "code = compile('x = 1', 'l.py', 'exec')\n"
             "import types\n"
             "def with_const(raw):\n"
             "    m = marshal.dumps(code.replace(co_consts=code.co_consts + (b'@@SENTINEL@@',)), 2)\n"
             "    for t in (b's', b'\\xf3'):\n"
             "        m = m.replace(t + b'\\x0c\\0\\0\\0@@SENTINEL@@', raw)\n"
             "    assert b'@@SENTINEL@@' not in m\n"
             "    return m\n");
    char e[128];
    snprintf(e, sizeof e, "with_const(nest(%u))", PV_MARSHAL_MAX_DEPTH - 3);
    validate(s, e, 0, PVR_INTERNAL);
    snprintf(e, sizeof e, "with_const(nest(%u))", PV_MARSHAL_MAX_DEPTH - 2);
    validate(s, e, 1, PVR_MARSHAL_LIMIT);
    /* Ints: PV_MARSHAL_MAX_LONG_DIGITS digits of 15 bits. */
    snprintf(e, sizeof e, "with_const(marshal.dumps(2 ** (15 * %u - 1)))", PV_MARSHAL_MAX_LONG_DIGITS);
    validate(s, e, 0, PVR_INTERNAL);
    snprintf(e, sizeof e, "with_const(marshal.dumps(2 ** (15 * %u)))", PV_MARSHAL_MAX_LONG_DIGITS);
    validate(s, e, 1, PVR_MARSHAL_LIMIT);
    /* Frozensets (items all hashing to 0 would make building them quadratic). */
    snprintf(e, sizeof e, "with_const(marshal.dumps(frozenset(range(%u))))", PV_MARSHAL_MAX_SET_ITEMS);
    validate(s, e, 0, PVR_INTERNAL);
    snprintf(e, sizeof e, "with_const(marshal.dumps(frozenset(range(%u))))", PV_MARSHAL_MAX_SET_ITEMS + 1);
    validate(s, e, 1, PVR_MARSHAL_LIMIT);
    /* co_stacksize. */
    snprintf(e, sizeof e, "marshal.dumps(code.replace(co_stacksize=%u))", PV_MAX_STACKSIZE);
    validate(s, e, 0, PVR_INTERNAL);
    snprintf(e, sizeof e, "marshal.dumps(code.replace(co_stacksize=%u))", PV_MAX_STACKSIZE + 1);
    validate(s, e, 1, PVR_MARSHAL_LIMIT);
    /* Size of the whole buffer. */
    pvm_error err;
    unsigned char one = 'c';
    assert_int_equal(pvm_validate(&one, (size_t)PV_MAX_PYC_BYTES + 1, &err, NULL), 1);
    assert_int_equal(err.rule, PVR_MARSHAL_LIMIT);
    /* Types and references. */
    validate(s, "with_const(b'[\\0\\0\\0\\0')", 1, PVR_MARSHAL_TYPE);
    validate(s, "with_const(b'r\\x63\\0\\0\\0')", 1, PVR_MARSHAL_REF);
    validate(s, "with_const(b'\\xa9\\x01r\\0\\0\\0\\0')", 1, PVR_MARSHAL_REF);
    validate(s, "with_const(b'\\xa9\\x00') + b''", 0, PVR_INTERNAL);
    validate(s, "with_const(b'u\\x02\\0\\0\\0\\xed\\xa0')", 1, PVR_MARSHAL_MALFORMED);
    validate(s, "with_const(b'u\\x03\\0\\0\\0\\xed\\xa0\\x80')", 0, PVR_INTERNAL); /* surrogate */
}

/* co_localspluskinds holds only 0x20, 0x40, 0x60 and 0x80. A free variable that is also a
 * local or a cell (0xa0, 0xc0, 0xe0) is counted once in co_nfreevars by CPython but listed
 * twice when co_freevars is built: reading that attribute wrote past the tuple, in the
 * verifier (the heap corruption fuzz_pyc reported, fuzz/regressions/pyc/kinds-free-and-
 * local.pyc). The marshal validator refuses such kinds (PV705); the bytecode layer, given
 * such a code object from elsewhere, refuses it (PV515) without asking CPython for the
 * name tuples. With the debug allocator of setup(), a write past the tuple aborts at the
 * collection below. */
static void test_local_kinds(void **state)
{
    (void)state;
    static const char s[] =
        "src = ('def outer():\\n    x = 1\\n    y = 2\\n    def f():\\n'\n"
        "       '        return x + y\\n    return f\\nprint(outer()())\\n')\n"
        "m = marshal.dumps(compile(src, 'k.py', 'exec'))\n"
        "i = m.index(b'\\x02\\0\\0\\0\\x80\\x80')\n"
        "assert m.find(b'\\x02\\0\\0\\0\\x80\\x80', i + 1) < 0\n"
        "def kinds(k): return m[:i + 4] + bytes([k]) + m[i + 5:]\n";
    static const unsigned bad[] = { 0xa0, 0xc0, 0xe0, 0x30, 0x00, 0x81, 0x10, 0xff };
    char e[64];
    validate(s, "kinds(0x80)", 0, PVR_INTERNAL);
    for (size_t k = 0; k < sizeof bad / sizeof *bad; k++) {
        snprintf(e, sizeof e, "kinds(%u)", bad[k]);
        validate(s, e, 1, PVR_MARSHAL_CODE);
        snprintf(e, sizeof e, "pyc(kinds(%u))", bad[k]);
        size_t n;
        unsigned char *b = py_bytes(s, e, &n);
        expect(b, n, PV_PYC_HEADER_AUTO, PV_PYC_STRUCTURE_ONLY, "PV705", e);
        expect(b, n, PV_PYC_HEADER_AUTO, 0, "PV705", e);
        free(b);
    }
    size_t n;
    unsigned char *ok = py_bytes(s, "pyc(kinds(0x80))", &n);
    pv_program *prog = verify(ok, n, PV_PYC_HEADER_AUTO, 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_run_result *r = NULL;
    assert_int_equal(pv_run(&r, prog, NULL), 0);
    size_t ol;
    const char *out = pv_run_result_stdout(r, &ol);
    if (pv_run_result_status(r) != PV_RUN_OK || ol != 2 || memcmp(out, "3\n", 2) != 0)
        fail_msg("kinds 0x80: %s: %.*s", pv_run_status_name(pv_run_result_status(r)), (int)ol, out);
    pv_run_result_free(r);
    pv_program_free(prog);

    /* The bytecode layer alone, on code objects CPython's marshal built without pyverify's
     * validator: the inner function with each bad kind. */
    for (size_t k = 0; k < 3; k++) {
        prog = verify("", 0, PV_PYC_HEADER_NONE, 0); /* an empty, refused program to add to */
        size_t before = pv_program_diag_count(prog);
        PyGILState_STATE g = PyGILState_Ensure();
        PyObject *d = PyDict_New();
        assert_non_null(d);
        PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins());
        char py[1200];
        snprintf(py, sizeof py, "import marshal\n%s"
                 "f = [c for c in marshal.loads(kinds(%u)).co_consts[0].co_consts"
                 " if hasattr(c, 'co_code')][0]\n", s, bad[k]);
        PyObject *res = PyRun_String(py, Py_file_input, d, d);
        if (res == NULL) {
            PyErr_Print();
            fail_msg("building the code object failed");
        }
        Py_DECREF(res);
        PyObject *f = PyDict_GetItemString(d, "f");
        assert_non_null(f);
        assert_int_equal(pvb_check_ex(prog, pol, f, PVB_STRUCTURE_ONLY), 0);
        assert_false(PyErr_Occurred());
        Py_DECREF(d);
        PyGC_Collect(); /* empties the free lists: every freed tuple is checked now */
        PyGILState_Release(g);
        bool found = false;
        for (size_t j = before; j < pv_program_diag_count(prog); j++) {
            const pv_diag *dg = pv_program_diag(prog, j);
            if (strcmp(dg->code, "PV515") == 0 && strstr(dg->message, "unknown local kind"))
                found = true;
        }
        if (!found) {
            dump(prog, "bytecode layer");
            fail_msg("kind 0x%x: no PV515 'unknown local kind'", bad[k]);
        }
        pv_program_free(prog);
    }
    free(ok);
}

/* CPython's own stdlib modules, compiled here, all pass the structural checks. */
static void test_stdlib_sample(void **state)
{
    (void)state;
    static const char *const mods[] = { "os", "json.decoder", "collections", "dataclasses",
                                        "asyncio.tasks", "email.message", "argparse", "typing" };
    for (size_t i = 0; i < sizeof mods / sizeof mods[0]; i++) {
        char s[512];
        size_t n;
        snprintf(s, sizeof s, "import sysconfig, os.path\n"
                 "p = os.path.join(sysconfig.get_paths()['stdlib'], *'%s'.split('.'))\n"
                 "p = p + '.py' if os.path.exists(p + '.py') else os.path.join(p, '__init__.py')\n"
                 "code = compile(open(p, 'rb').read(), p, 'exec', dont_inherit=True)\n", mods[i]);
        unsigned char *b = py_bytes(s, "pyc(marshal.dumps(code))", &n);
        expect(b, n, PV_PYC_HEADER_AUTO, PV_PYC_STRUCTURE_ONLY, NULL, mods[i]);
        free(b);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_arguments),
        cmocka_unit_test(test_benign_header_modes),
        cmocka_unit_test(test_run),
        cmocka_unit_test(test_policy),
        cmocka_unit_test(test_receiver_and_build_class),
        cmocka_unit_test(test_prefixes_and_mutations),
        cmocka_unit_test(test_limits),
        cmocka_unit_test(test_local_kinds),
        cmocka_unit_test(test_stdlib_sample),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
