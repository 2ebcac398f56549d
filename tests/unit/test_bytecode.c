/*
 * test_bytecode.c: unit tests of layer 2, the bytecode verifier (verifier/bytecode*.c).
 *
 * - The opcode table layer 2 was written against matches the running interpreter's
 *   `opcode` module, and the default [bytecode] opcodes list is exactly what it should be.
 * - Independence: programs the AST layer rejects (names, attributes, builtins, imports,
 *   format strings, match-class keywords, class keywords, modules as values, async and
 *   except*), verified with the bytecode layer alone (opts.layers = PV_LAYER_BYTECODE),
 *   are rejected with the exact PV5xx code.
 * - No false positives: realistic benign programs produce no PV5xx diagnostic.
 * - Positions are the offending instruction's, in characters; host input globals count.
 * - Structure: hand-built code objects (compiled, then patched through the embedded
 *   interpreter) with bad jumps, operands, caches, exception tables, stack depths, hidden
 *   instructions ... get their structural class's code (PV507, PV510-PV516, or PV502/PV509),
 *   with the expected message.
 */
#include "internal.h"

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
    if (pv_init() != 0) {
        fprintf(stderr, "pv_init: %s\n", pv_last_error());
        return -1;
    }
    if (pv_policy_default(&pol) != 0) {
        fprintf(stderr, "pv_policy_default: %s\n", pv_last_error());
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

/* Verify `src` with the given layers; fails the test on a library error. */
static pv_program *verify(const char *src, unsigned layers, pv_mode mode)
{
    pv_program *prog = NULL;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = layers;
    o.mode = mode;
    int rc = pv_verify(&prog, pol, src, strlen(src), "<test>", &o);
    if (rc != 0)
        fail_msg("pv_verify: %s", pv_last_error());
    assert_non_null(prog);
    return prog;
}

/* Print the diagnostics from index `from` (for failure messages). */
static void dump(const pv_program *prog, size_t from, const char *name)
{
    for (size_t i = from; i < pv_program_diag_count(prog); i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        fprintf(stderr, "  [%s] %u:%u %s %s\n", name, d->line, d->col, d->code, d->message);
    }
}

/* True when some diagnostic from index `from` on has `code`, the bytecode layer and (if
 * `what` is not NULL) `what` in its message. */
static bool has_diag(const pv_program *prog, size_t from, const char *code, const char *what)
{
    for (size_t i = from; i < pv_program_diag_count(prog); i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        if (strcmp(d->code, code) == 0 && d->layer == PV_DIAG_BYTECODE &&
            (what == NULL || strstr(d->message, what) != NULL))
            return true;
    }
    return false;
}

static bool has_code(const pv_program *prog, size_t from, const char *code)
{
    return has_diag(prog, from, code, NULL);
}

static size_t count_layer(const pv_program *prog, pv_layer_id layer)
{
    size_t n = 0;
    for (size_t i = 0; i < pv_program_diag_count(prog); i++)
        if (pv_program_diag(prog, i)->layer == layer)
            n++;
    return n;
}

/* ---- the opcode table ------------------------------------------------------------------- */

/* CPython 3.11's opcode module: named opcodes and inline cache entries in total. If these
 * change, bytecode_opcodes.h (and this file) must be reviewed for the new interpreter. */
#define PY311_NAMED_OPCODES 110
#define PY311_CACHE_ENTRIES 37

static void test_opcode_table_matches_interpreter(void **state)
{
    (void)state;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *mod = PyImport_ImportModule("opcode");
    assert_non_null(mod);
    PyObject *names = PyObject_GetAttrString(mod, "opname");
    PyObject *caches = PyObject_GetAttrString(mod, "_inline_cache_entries");
    assert_non_null(names);
    assert_non_null(caches);
    assert_int_equal(PyList_Size(names), 256);
    int named = 0;
    long total_caches = 0;
    for (int i = 0; i < 256; i++) {
        const char *s = PyUnicode_AsUTF8(PyList_GetItem(names, i));
        assert_non_null(s);
        total_caches += PyLong_AsLong(PyList_GetItem(caches, i));
        if (s[0] == '<')
            continue;
        named++;
        /* bytecode_opcodes.h has every named opcode under its number (this also runs the
         * layer's own comparison of caches and operand kinds with the module). */
        int n = pvb_opcode_number(s);
        if (n != i)
            fail_msg("pvb_opcode_number(%s) = %d, interpreter says %d (%s)", s, n, i, pv_last_error());
    }
    assert_int_equal(named, PY311_NAMED_OPCODES);
    assert_int_equal(total_caches, PY311_CACHE_ENTRIES);
    /* Opcodes of other CPython versions, and specialized forms, are unknown names. */
    assert_int_equal(pvb_opcode_number("BINARY_ADD"), PV_ERR_POLICY);
    assert_int_equal(pvb_opcode_number("RETURN_CONST"), PV_ERR_POLICY);
    assert_int_equal(pvb_opcode_number("LOAD_FAST__LOAD_FAST"), PV_ERR_POLICY);
    assert_int_equal(pvb_opcode_number(""), PV_ERR_POLICY);
    Py_DECREF(names);
    Py_DECREF(caches);
    Py_DECREF(mod);
    PyGILState_Release(g);
}

/* The default policy allows every named opcode except these. */
static const char *const default_excluded[] = {
    "CACHE",                                   /* never an instruction of its own */
    "IMPORT_STAR", "PRINT_EXPR",               /* star imports; interactive mode only */
    "GET_AITER", "GET_ANEXT", "BEFORE_ASYNC_WITH", "END_ASYNC_FOR", "ASYNC_GEN_WRAP",
    "GET_AWAITABLE",                           /* async code only */
    "CHECK_EG_MATCH", "PREP_RERAISE_STAR",     /* except* only */
};

static void test_default_opcode_list(void **state)
{
    (void)state;
    PyGILState_STATE g = PyGILState_Ensure();
    PyObject *mod = PyImport_ImportModule("opcode");
    PyObject *names = mod ? PyObject_GetAttrString(mod, "opname") : NULL;
    assert_non_null(names);
    for (int i = 0; i < 256; i++) {
        const char *s = PyUnicode_AsUTF8(PyList_GetItem(names, i));
        bool excluded = s[0] == '<';
        for (size_t j = 0; j < sizeof default_excluded / sizeof *default_excluded; j++)
            if (strcmp(s, default_excluded[j]) == 0)
                excluded = true;
        if ((pol->opcode_allowed[i] != 0) == excluded)
            fail_msg("default policy: opcode %s (%d) should %sbe allowed", s, i, excluded ? "not " : "");
    }
    Py_DECREF(names);
    Py_DECREF(mod);
    PyGILState_Release(g);
}

/* ---- independence: attacks rejected by the bytecode layer alone ----------------------------- */

typedef struct attack {
    const char *name;
    const char *code; /* the PV5xx code expected */
    const char *src;
} attack;

static const attack attacks[] = {
    {"dunder_global_load", "PV502",
     "x = __builtins__\n"},
    {"dunder_store", "PV502",
     "__builtins__ = {}\n"},
    {"dunder_local", "PV502",
     "def f(__class__x__=1):\n"
     "    return 1\n"},
    {"load_deref_class", "PV502",
     "class C:\n"
     "    def m(self):\n"
     "        return __class__\n"},
    {"module_name_store", "PV502",
     "__module__ = 'x'\n"},
    {"qualname_outside_prologue", "PV502",
     "class C:\n"
     "    x = 1\n"
     "    __qualname__ = 'D'\n"},
    {"classcell_module", "PV502",
     "__classcell__ = 1\n"},
    {"special_method_module_level", "PV502",
     "def __init__(self):\n"
     "    pass\n"},
    {"special_method_not_allowed", "PV502",
     "class C:\n"
     "    def __getattr__(self, name):\n"
     "        return 1\n"},
    {"special_method_not_a_def", "PV502",
     "class C:\n"
     "    __eq__ = len\n"},
    {"name_load_in_function", "PV502",
     "def f():\n"
     "    return __name__\n"},
    {"annotations_read", "PV502",
     "x: int = 1\n"
     "y = __annotations__\n"},
    {"dunder_kw_default_param", "PV502",
     "f = lambda __x__: 1\n"},
    {"dunder_attribute", "PV503",
     "x = ().__class__\n"},
    {"subclasses_chain", "PV503",
     "x = object.__subclasses__()\n"},
    {"generator_frame", "PV503",
     "g = (i for i in [1])\n"
     "f = g.gi_frame\n"},
    {"frame_back", "PV503",
     "def f(g):\n"
     "    return g.f_back.f_globals\n"},
    {"traceback_frame", "PV503",
     "try:\n"
     "    1 / 0\n"
     "except ZeroDivisionError as e:\n"
     "    t = e.__traceback__\n"},
    {"mro", "PV503",
     "x = int.mro()\n"},
    {"format_map_attribute", "PV506",
     "x = '{a.real}'.format_map({'a': 1})\n"},
    {"format_map_dunder_key", "PV506",
     "x = '{0[__class__]}'.format_map({})\n"},
    {"format_map_not_literal", "PV506",
     "t = '{a}'\n"
     "x = t.format_map({'a': 1})\n"},
    {"attr_obj", "PV503",
     "try:\n"
     "    pass\n"
     "except AttributeError as e:\n"
     "    o = e.obj\n"},
    {"unknown_attr", "PV503",
     "x = [].nonexistent_attribute_xyz\n"},
    {"private_store", "PV503",
     "class C:\n"
     "    pass\n"
     "c = C()\n"
     "c.__hidden = 1\n"},
    {"private_unknown", "PV503",
     "x = [1]\n"
     "y = x._hidden\n"},
    {"annotations_crafted_key", "PV502",
     "class A:\n"
     "    b: int = 0\n"
     "    __annotations__['a\"\\n if 1:\\n  print(1)\\n #'] = int\n"},
    {"annotations_dunder_key", "PV502",
     "class A:\n"
     "    b: int = 0\n"
     "    __annotations__['__class__'] = int\n"},
    {"annotations_module_crafted_key", "PV502",
     "b: int = 0\n"
     "__annotations__['x y'] = int\n"},
    {"annotations_runtime_key", "PV502",
     "k = 'a'\n"
     "class A:\n"
     "    b: int = 0\n"
     "    __annotations__[k] = int\n"},
    {"library_store_field", "PV520",
     "import dataclasses\n"
     "f = dataclasses.field()\n"
     "f.name = 'x'\n"},
    {"library_store_fields_item", "PV520",
     "import dataclasses\n"
     "class A:\n"
     "    a: int = 0\n"
     "dataclasses.fields(A)[0].name = 'x'\n"},
    {"library_store_module_class", "PV520",
     "import collections\n"
     "collections.OrderedDict.keys = None\n"},
    {"library_store_from_import_alias_del", "PV520",
     "from dataclasses import field\n"
     "f = field()\n"
     "g = f\n"
     "del g.default\n"},
    {"library_store_for_loop", "PV520",
     "import dataclasses\n"
     "class A:\n"
     "    a: int = 0\n"
     "def f():\n"
     "    for fl in dataclasses.fields(A):\n"
     "        fl.name = 'x'\n"},
    {"library_store_member_method_result", "PV520",
     "import collections\n"
     "collections.OrderedDict.fromkeys('a').x = 1\n"},
    {"library_store_annotated_binding", "PV520",
     "import dataclasses\n"
     "h: object = dataclasses.field()\n"
     "h.name = 'y'\n"},
    {"library_store_in_function", "PV520",
     "import functools\n"
     "def f():\n"
     "    p = functools.partial(print, sep=',')\n"
     "    p.x = 1\n"},
    {"library_store_from_import_fields", "PV520",
     "from dataclasses import fields\n"
     "class A:\n"
     "    a: int = 0\n"
     "fields(A)[0].name = 'x'\n"},
    {"library_store_class_instance", "PV520",
     "import json\n"
     "g = json.JSONEncoder()\n"
     "g.item_separator = ';'\n"},
    {"library_store_class_alias", "PV520",
     "import json\n"
     "E = json.JSONEncoder\n"
     "g = E()\n"
     "g.item_separator = ';'\n"},
    {"library_store_deque_instance", "PV520",
     "import collections\n"
     "q = collections.deque()\n"
     "q.label = 'x'\n"},
    {"library_store_from_import_class_in_function", "PV520",
     "from collections import deque\n"
     "def f():\n"
     "    q = deque()\n"
     "    q.label = 'x'\n"},
    {"library_store_module_function", "PV520",
     "import heapq\n"
     "heapq.heappop.x = 1\n"},
    {"library_store_from_import_function", "PV520",
     "from heapq import heappop\n"
     "heappop.x = 1\n"},
    {"library_store_deeper_chain_call", "PV520",
     "import datetime\n"
     "datetime.date.today().foo = 1\n"},
    /* HOLES f14: ANY store of a library value makes the name one; a library value handed
     * to a call (a program function, next, random.choice), put in a container, returned
     * or yielded by a function may come back */
    {"library_store_binding_order", "PV520",
     "import dataclasses\n"
     "f = dataclasses.field()\n"
     "f.name = 'y'\n"
     "class f:\n"
     "    pass\n"},
    {"library_store_binding_order_rebound", "PV520",
     "import dataclasses\n"
     "class A:\n"
     "    pass\n"
     "f = dataclasses.field()\n"
     "f = A()\n"
     "f.name = 'x'\n"},
    {"library_store_pass_through", "PV520",
     "import dataclasses\n"
     "def g(x):\n"
     "    return x\n"
     "h = g(dataclasses.field())\n"
     "h.name = 'y'\n"},
    {"library_store_pass_through_second_argument", "PV520",
     "import dataclasses\n"
     "def g(a, b):\n"
     "    return b\n"
     "h = g(1, dataclasses.field())\n"
     "h.name = 'y'\n"},
    {"library_store_function_returns", "PV520",
     "import dataclasses\n"
     "def mk():\n"
     "    return dataclasses.field()\n"
     "mk().name = 'y'\n"},
    {"library_store_generator_yields", "PV520",
     "import dataclasses\n"
     "def gen():\n"
     "    yield dataclasses.field()\n"
     "for f in gen():\n"
     "    f.name = 'y'\n"},
    {"library_store_lambda_returns", "PV520",
     "import dataclasses\n"
     "mk = lambda: dataclasses.field()\n"
     "mk().name = 'y'\n"},
    {"library_store_builtin_next", "PV520",
     "import dataclasses\n"
     "class A:\n"
     "    a: int = 0\n"
     "next(iter(dataclasses.fields(A))).name = 'x'\n"},
    {"library_store_list_display", "PV520",
     "import dataclasses\n"
     "box = [dataclasses.field()]\n"
     "box[0].name = 'y'\n"},
    {"library_store_walrus", "PV520",
     "import dataclasses\n"
     "if (f := dataclasses.field()):\n"
     "    f.name = 'y'\n"},
    {"library_store_chained_assignment", "PV520",
     "import dataclasses\n"
     "a = b = dataclasses.field()\n"
     "b.name = 'y'\n"},
    {"library_store_comprehension", "PV520",
     "import dataclasses\n"
     "class A:\n"
     "    a: int = 0\n"
     "xs = [f for f in dataclasses.fields(A)]\n"
     "xs[0].name = 'x'\n"},
    {"library_store_after_loop", "PV520",
     "import dataclasses\n"
     "for i in range(2):\n"
     "    pass\n"
     "f = dataclasses.field()\n"
     "f.name = 'y'\n"},
    {"library_store_star_arguments", "PV520",
     "import dataclasses\n"
     "def g(*a):\n"
     "    return a[0]\n"
     "h = g(*[dataclasses.field()])\n"
     "h.name = 'y'\n"},
    {"library_store_double_star_arguments", "PV520",
     "import dataclasses\n"
     "def g(**k):\n"
     "    return k['b']\n"
     "h = g(**{'b': dataclasses.field()})\n"
     "h.name = 'y'\n"},
    {"library_store_many_arguments", "PV520",
     "import dataclasses\n"
     "def g(*a):\n"
     "    return a[-1]\n"
     "h = g(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22,\n"
     "      23, 24, 25, 26, 27, 28, 29, 30, 31, 32, dataclasses.field())\n"
     "h.name = 'y'\n"},
    {"library_store_comprehension_element", "PV520",
     "import dataclasses\n"
     "xs = [dataclasses.field() for _ in range(1)]\n"
     "xs[0].name = 'y'\n"},
    {"library_store_conditional", "PV520",
     "import dataclasses\n"
     "f = dataclasses.field() if len('a') else None\n"
     "f.name = 'y'\n"},
    {"library_store_tuple_unpacking", "PV520",
     "import dataclasses\n"
     "a, b = 0, dataclasses.field()\n"
     "b.name = 'y'\n"},
    {"library_store_through_attribute", "PV520",
     "import dataclasses\n"
     "class O:\n"
     "    def __init__(self):\n"
     "        self.f = dataclasses.field()\n"
     "    def go(self):\n"
     "        self.f.name = 'y'\n"},
    {"library_store_list_append", "PV520",
     "import dataclasses\n"
     "box = []\n"
     "box.append(dataclasses.field())\n"
     "box[0].name = 'y'\n"},
    {"library_store_item_store", "PV520",
     "import dataclasses\n"
     "class O:\n"
     "    def __init__(self):\n"
     "        self.d = {}\n"
     "        self.d['k'] = dataclasses.field()\n"
     "    def go(self):\n"
     "        self.d['k'].name = 'y'\n"},
    {"library_store_heappush", "PV520",
     "import dataclasses\n"
     "import heapq\n"
     "pq = []\n"
     "heapq.heappush(pq, dataclasses.field())\n"
     "pq[0].name = 'y'\n"},
    {"library_store_class_decorator", "PV520",
     "import collections\n"
     "def deco(c):\n"
     "    return collections.OrderedDict\n"
     "@deco\n"
     "class K:\n"
     "    pass\n"
     "k = K()\n"
     "k.x = 1\n"},
    {"main_guard_other_value", "PV502",
     "if __name__ == 'builtins':\n"
     "    pass\n"},
    {"main_guard_name_as_value", "PV502",
     "x = __name__\n"},
    {"main_guard_in_function", "PV502",
     "def f():\n"
     "    if __name__ == '__main__':\n"
     "        pass\n"},
    {"slots_dunder", "PV502",
     "class A:\n"
     "    __slots__ = ('__dict__',)\n"},
    {"slots_computed", "PV502",
     "y = 'a'\n"
     "class A:\n"
     "    __slots__ = ['a', y]\n"},
    {"all_not_identifier", "PV502",
     "__all__ = ['a b']\n"},
    {"namedtuple_dunder_field", "PV503",
     "import collections\n"
     "P = collections.namedtuple('P', '__class__ xq')\n"
     "y = P(1, 2).__class__\n"},
    {"namedtuple_library_field", "PV519",
     "import collections\n"
     "P = collections.namedtuple('P', ['register'])\n"
     "y = P(1).register\n"},
    {"namedtuple_api_without_namedtuple", "PV503",
     "x = [1]\n"
     "y = x._replace\n"},
    {"library_name_register", "PV519",
     "import collections\n"
     "class P(collections.UserDict):\n"
     "    pass\n"
     "class X:\n"
     "    pass\n"
     "x = X()\n"
     "x.register = None\n"
     "P.register(int)\n"},
    {"library_private_name", "PV519",
     "class C:\n"
     "    pass\n"
     "c = C()\n"
     "c._abc_impl = 1\n"
     "y = c._abc_impl\n"},
    {"library_name_match_keyword", "PV519",
     "class C:\n"
     "    register = 1\n"
     "match C():\n"
     "    case C(register=x):\n"
     "        pass\n"},
    {"super_non_special", "PV503",
     "class C:\n"
     "    def m(self):\n"
     "        return super().__reduce_ex__(2)\n"},
    {"super_rebound", "PV503",
     "super = lambda: 1\n"
     "class C:\n"
     "    def __init__(self):\n"
     "        super().__init__()\n"},
    {"dunder_delete_attr", "PV503",
     "class C:\n"
     "    pass\n"
     "del C.__doc__\n"},
    {"eval", "PV504",
     "eval('1')\n"},
    {"exec_in_function", "PV504",
     "def f():\n"
     "    exec('x = 1')\n"},
    {"getattr", "PV504",
     "x = getattr(1, 'real')\n"},
    {"open", "PV504",
     "open('/etc/passwd')\n"},
    {"globals_call", "PV504",
     "g = globals()\n"},
    {"vars_call", "PV504",
     "v = vars()\n"},
    {"compile_call", "PV504",
     "c = compile('1', 'f', 'eval')\n"},
    {"type_call", "PV504",
     "T = type('T', (), {})\n"},
    {"undefined_global", "PV504",
     "x = undefined_name_xyz\n"},
    {"shadow_then_call", "PV504",
     "if False:\n"
     "    eval = len\n"
     "eval('1')\n"},
    {"store_forbidden_builtin", "PV504",
     "getattr = 1\n"},
    {"class_level_forbidden", "PV504",
     "class C:\n"
     "    id = 1\n"},
    {"delete_forbidden", "PV504",
     "del open\n"},
    {"breakpoint_call", "PV504",
     "def f():\n"
     "    breakpoint()\n"},
    {"import_os", "PV505",
     "import os\n"},
    {"import_in_function", "PV505",
     "def f():\n"
     "    import subprocess\n"
     "    return subprocess.run\n"},
    {"from_import_module", "PV505",
     "from os import path\n"},
    {"dotted", "PV505",
     "import os.path\n"},
    {"relative", "PV505",
     "from . import helpers\n"},
    {"star", "PV505",
     "from math import *\n"},
    {"reexport_enum_bltns", "PV505",
     "from enum import bltns\n"},
    {"reexport_dataclasses_sys", "PV505",
     "from dataclasses import sys\n"},
    {"private_member", "PV505",
     "from json import _default_encoder\n"},
    {"alias", "PV505",
     "import ctypes as math\n"},
    {"format_field_attr", "PV506",
     "x = '{0.__class__}'.format(1)\n"},
    {"format_item_attribute", "PV506",
     "x = '{0[0].real}'.format([1])\n"},
    {"format_item_dunder_key", "PV506",
     "x = '{0[__class__]}'.format({})\n"},
    {"format_unbound", "PV506",
     "x = str.format('{0.__class__}', 1)\n"},
    {"format_variable_template", "PV506",
     "t = '{0.__class__}'\n"
     "x = t.format(1)\n"},
    {"format_conditional_template", "PV506",
     "def f(c, t):\n"
     "    return (t if c else '{}').format(1)\n"},
    {"match_class_dunder", "PV506",
     "class P:\n"
     "    pass\n"
     "def f(v):\n"
     "    match v:\n"
     "        case P(__class__=c):\n"
     "            return c\n"},
    {"match_class_denied", "PV506",
     "def f(v):\n"
     "    match v:\n"
     "        case object(gi_frame=fr):\n"
     "            return fr\n"},
    {"kw_names_dunder", "PV506",
     "x = dict(__class__=1)\n"},
    {"module_as_value", "PV508",
     "import math\n"
     "m = math\n"},
    {"module_passed", "PV508",
     "import math\n"
     "print(math)\n"},
    {"module_returned", "PV508",
     "def f():\n"
     "    import math\n"
     "    return math\n"},
    {"module_member_module", "PV508",
     "import enum\n"
     "x = enum.bltns\n"},
    /* collections.namedtuple re-exported (HOLES f15) */
    {"module_member_namedtuple_statistics", "PV508",
     "import statistics\n"
     "T = statistics.namedtuple('P', 'a b')\n"},
    {"module_member_namedtuple_functools_passed", "PV508",
     "import functools\n"
     "def mk(f):\n"
     "    return f('__getattr__', 'a b')\n"
     "mk(functools.namedtuple)\n"},
    {"module_member_sys", "PV508",
     "import dataclasses\n"
     "dataclasses.sys.modules\n"},
    {"module_in_closure", "PV508",
     "def f():\n"
     "    import json\n"
     "    def g():\n"
     "        return json\n"
     "    return g\n"},
    {"module_private_member", "PV508",
     "import random\n"
     "r = random._inst\n"},
    {"async_def", "PV500",
     "async def f():\n"
     "    pass\n"},
    {"except_star", "PV500",
     "try:\n"
     "    pass\n"
     "except* ValueError:\n"
     "    pass\n"},
    {"classcell_in_class_body", "PV502",
     "class C:\n"
     "    __classcell__ = 1\n"},
    {"module_in_class_late", "PV502",
     "class C:\n"
     "    x = 1\n"
     "    __module__ = 'm'\n"},
    {"doc_from_variable", "PV502",
     "x = 'text'\n"
     "__doc__ = x\n"},
    {"annotations_in_class_read", "PV502",
     "class C:\n"
     "    x: int\n"
     "    y = __annotations__\n"},
    {"undefined_in_function", "PV504",
     "def f():\n"
     "    return not_defined_anywhere\n"},
    {"module_in_class_body", "PV508",
     "class C:\n"
     "    import random\n"},
    {"module_global_then_value", "PV508",
     "def f():\n"
     "    global m\n"
     "    import math as m\n"
     "def g():\n"
     "    return m\n"},
    {"class_metaclass_function", "PV506",
     "def meta(name, bases, ns):\n"
     "    return ns\n"
     "class C(metaclass=meta):\n"
     "    x = 1\n"},
    {"class_keyword_init_subclass", "PV506",
     "class Base:\n"
     "    pass\n"
     "class Child(Base, plugin='x'):\n"
     "    pass\n"},
    {"class_keywords_mapping", "PV506",
     "kw = {'metaclass': print}\n"
     "class C(*[object], **kw):\n"
     "    pass\n"},
    {"module_stored_in_list", "PV508",
     "import math\n"
     "ms = [math]\n"},
};

static void test_attacks_bytecode_layer_alone(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof attacks / sizeof *attacks; i++) {
        const attack *a = &attacks[i];
        pv_program *prog = verify(a->src, PV_LAYER_BYTECODE, PV_MODE_MODULE);
        bool ok = pv_program_verdict(prog) != PV_ACCEPTED && has_code(prog, 0, a->code) &&
                  count_layer(prog, PV_DIAG_AST) == 0;
        if (!ok) {
            fprintf(stderr, "attack %s: expected %s from the bytecode layer, verdict %d\n",
                    a->name, a->code, (int)pv_program_verdict(prog));
            dump(prog, 0, a->name);
            failures++;
        }
        pv_program_free(prog);
    }
    assert_int_equal(failures, 0);
}

/* Diagnostics carry the position of the offending instruction, in characters. */
static void test_positions(void **state)
{
    (void)state;
    pv_program *prog = verify("s = 'caf\xc3\xa9'; x = ().__class__\n", PV_LAYER_BYTECODE,
                              PV_MODE_MODULE);
    assert_int_equal(pv_program_diag_count(prog), 1);
    const pv_diag *d = pv_program_diag(prog, 0);
    assert_string_equal(d->code, "PV503");
    assert_int_equal(d->layer, PV_DIAG_BYTECODE);
    assert_int_equal(d->line, 1);
    assert_int_equal(d->col, 17);     /* "().__class__" starts at character 17 */
    assert_int_equal(d->end_col, 29);
    pv_program_free(prog);
}

/* Host input globals count as bound; other unbound names do not. */
static void test_host_globals(void **state)
{
    (void)state;
    const char *src = "y = inp + 1\n";
    pv_program *prog = verify(src, PV_LAYER_BYTECODE, PV_MODE_MODULE);
    assert_true(has_code(prog, 0, "PV504"));
    pv_program_free(prog);

    const char *const globals[] = { "inp" };
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = PV_LAYER_BYTECODE;
    o.globals = globals;
    o.nglobals = 1;
    prog = NULL;
    assert_int_equal(pv_verify(&prog, pol, src, strlen(src), "<test>", &o), 0);
    dump(prog, 0, "host_globals");
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_program_free(prog);

    /* A host input named like a forbidden builtin could be the builtin itself whenever
     * the host failed to bind it: pv_verify() refuses such an input outright. */
    const char *const bad[] = { "eval" };
    o.globals = bad;
    prog = NULL;
    assert_int_equal(pv_verify(&prog, pol, "eval('1')\n", 10, "<test>", &o), PV_ERR_INVALID);
    assert_null(prog);
}

/* Too many code objects: PV509, and nothing else is decided on a partial walk. */
static void test_code_object_limit(void **state)
{
    (void)state;
    size_t n = PV_DEFAULT_MAX_CODE_OBJECTS + 1, len = 0;
    char *src = malloc(16 * n + 16);
    assert_non_null(src);
    memcpy(src, "x = [", 5);
    len = 5;
    for (size_t i = 0; i < n; i++) {
        memcpy(src + len, "lambda: 1,\n", 11);
        len += 11;
    }
    memcpy(src + len, "]\n", 3);
    pv_program *prog = verify(src, PV_LAYER_BYTECODE, PV_MODE_MODULE);
    assert_true(has_code(prog, 0, "PV509"));
    assert_int_equal(pv_program_verdict(prog), PV_INVALID);
    pv_program_free(prog);
    /* At the limit (the module itself is one code object): accepted. */
    len = 5;
    for (size_t i = 0; i + 1 < PV_DEFAULT_MAX_CODE_OBJECTS; i++) {
        memcpy(src + len, "lambda: 1,\n", 11);
        len += 11;
    }
    memcpy(src + len, "]\n", 3);
    prog = verify(src, PV_LAYER_BYTECODE, PV_MODE_MODULE);
    dump(prog, 0, "limit");
    assert_int_equal(count_layer(prog, PV_DIAG_BYTECODE), 0);
    pv_program_free(prog);
    free(src);
}

/* ---- no false positives ------------------------------------------------------------------------ */

static const char benign_p1[] =
    "import math\n"
     "from collections import OrderedDict, namedtuple\n"
     "from dataclasses import dataclass, field\n"
     "import enum\n"
     "from functools import reduce\n"
     "\n"
     "\n"
     "class Shape:\n"
     "    \"\"\"A shape.\"\"\"\n"
     "    sides: int = 0\n"
     "\n"
     "    def __init__(self, name):\n"
     "        self.name = name\n"
     "\n"
     "    def __repr__(self):\n"
     "        return f\"Shape({self.name!r}, {self.sides:>3})\"\n"
     "\n"
     "    def __eq__(self, other):\n"
     "        return isinstance(other, Shape) and self.name == other.name\n"
     "\n"
     "    def area(self):\n"
     "        raise NotImplementedError\n"
     "\n"
     "\n"
     "class Square(Shape):\n"
     "    sides = 4\n"
     "\n"
     "    def __init__(self, side):\n"
     "        super().__init__(\"square\")\n"
     "        self.side = side\n"
     "\n"
     "    def area(self):\n"
     "        return self.side ** 2\n"
     "\n"
     "    @property\n"
     "    def diag(self):\n"
     "        return self.side * math.sqrt(2)\n"
     "\n"
     "    @staticmethod\n"
     "    def unit():\n"
     "        return Square(1)\n"
     "\n"
     "    @classmethod\n"
     "    def make(cls, n):\n"
     "        return cls(n)\n"
     "\n"
     "\n"
     "@dataclass\n"
     "class Point:\n"
     "    x: int\n"
     "    y: int = 0\n"
     "    tags: list = field(default_factory=list)\n"
     "\n"
     "    def norm(self):\n"
     "        return math.hypot(self.x, self.y)\n"
     "\n"
     "\n"
     "class Color(enum.Enum):\n"
     "    RED = 1\n"
     "    GREEN = enum.auto()\n"
     "\n"
     "\n"
     "def gen(n):\n"
     "    for i in range(n):\n"
     "        if i % 2:\n"
     "            yield i\n"
     "        else:\n"
     "            continue\n"
     "    yield from range(3)\n"
     "\n"
     "\n"
     "def closure(k):\n"
     "    total = 0\n"
     "    def add(v):\n"
     "        nonlocal total\n"
     "        total += v\n"
     "        return total\n"
     "    return add\n"
     "\n"
     "\n"
     "def matcher(v):\n"
     "    match v:\n"
     "        case Point(x=0, y=0):\n"
     "            return \"origin\"\n"
     "        case Point(x=xx):\n"
     "            return xx\n"
     "        case [1, 2, *rest]:\n"
     "            return rest\n"
     "        case {\"k\": val, **others}:\n"
     "            return val\n"
     "        case 1 | 2 | None:\n"
     "            return \"small\"\n"
     "        case str() as s if len(s) > 2:\n"
     "            return s\n"
     "        case _:\n"
     "            return None\n"
     "\n"
     "\n"
     "def tryer(x):\n"
     "    try:\n"
     "        y = 1 / x\n"
     "    except ZeroDivisionError as e:\n"
     "        y = 0\n"
     "        print(\"err\", e)\n"
     "    except (TypeError, ValueError):\n"
     "        raise\n"
     "    else:\n"
     "        y += 1\n"
     "    finally:\n"
     "        print(\"done\")\n"
     "    return y\n"
     "\n"
     "\n"
     "class Ctx:\n"
     "    def __enter__(self):\n"
     "        return self\n"
     "\n"
     "    def __exit__(self, *a):\n"
     "        return False\n"
     "\n"
     "\n"
     "with Ctx() as c:\n"
     "    print(c)\n"
     "\n"
     "squares = [i * i for i in range(10) if i > 2]\n"
     "evens = {i for i in range(10) if not i & 1}\n"
     "mapping = {str(k): v for k, v in zip(\"abc\", range(3))}\n"
     "lazy = sum(x for x in range(5))\n"
     "f = lambda a, b=2, *c, d, **e: (a, b, c, d, e)\n"
     "a, *b = [1, 2, 3]\n"
     "del a\n"
     "s = \"{} {:>5}\".format(1, 2)\n"
     "t = (1, 2) + tuple([*squares, *evens])\n"
     "d = {**mapping, \"z\": 1}\n"
     "print(reduce(lambda p, q: p + q, [1, 2, 3]), sorted(d, key=len, reverse=True))\n"
     "print(matcher(Point(0, 0)), tryer(0), list(gen(5)), closure(1)(2), Color.RED.value)\n"
     "print(Square(2).area(), Square.make(3).diag, Square.unit(), -abs(-1), ~3, +1)\n"
     "x = 5 if lazy else 6\n"
     "x **= 2\n"
     "x //= 3\n"
     "assert x > 0, \"positive\"\n"
     "n = None\n"
     "while n is None or n < 3:\n"
     "    n = (n or 0) + 1\n"
     "g = globals_like = OrderedDict()\n"
     "g[\"k\"] = 1\n"
     "del g[\"k\"]\n"
     "lst = [1, 2, 3]\n"
     "lst[1:2] = [5]\n"
     "del lst[0]\n"
     "print(lst[::-1], 1 in lst, 2 not in lst, lst is not None, n and x, n or x)\n"
     "for i, v in enumerate(lst):\n"
     "    if v == 5:\n"
     "        break\n"
     "else:\n"
     "    pass\n"
     "P = namedtuple(\"P\", \"a b\")\n"
     "\n"
     "\n"
     "def kw(*args, key=None, **kwargs):\n"
     "    return args, key, kwargs\n"
     "\n"
     "\n"
     "print(kw(1, 2, key=3, other=4), kw(*lst, **d))\n"
     "total: int\n"
     "counter = 0\n"
     "\n"
     "\n"
     "def incr():\n"
     "    global counter\n"
     "    counter += 1\n"
     "    del_me = 1\n"
     "    del del_me\n"
     "\n"
     "\n"
     "def outer():\n"
     "    val = 1\n"
     "\n"
     "    class Inner:\n"
     "        w = val\n"
     "\n"
     "    return Inner\n"
     "\n"
     "\n"
     "def fmt(v, width):\n"
     "    return f\"{v:{width}.{2}f}|{v!s}|{v!a}\"\n"
     "\n"
     "\n"
     "def nested_with(a, b):\n"
     "    with a as x, b as y:\n"
     "        return x, y\n"
     "\n"
     "\n"
     "def ann(x: int, *, y: str = \"a\") -> str:\n"
     "    return str(x) + y\n"
     "\n"
     "\n"
     "r = [[y for y in range(x)] for x in range(3)]\n"
     "walrus = [z for v in range(3) if (z := v * 2)]\n";

static const char benign_p2[] =
    "import math\n"
     "import itertools as it\n"
     "from collections import deque\n"
     "\n"
     "\n"
     "class Node:\n"
     "    def __init__(self):\n"
     "        self.child = None\n"
     "\n"
     "\n"
     "def cleanup(n):\n"
     "    del n.child\n"
     "    v = 1\n"
     "\n"
     "    def inner():\n"
     "        nonlocal v\n"
     "        del v\n"
     "    return inner\n"
     "\n"
     "\n"
     "def glob():\n"
     "    global gvar\n"
     "    gvar = 1\n"
     "    del gvar\n"
     "\n"
     "\n"
     "def spread(a, b):\n"
     "    return (*a, *b), {*a, *b}, {1, 2, 3}, -a[0], +a[0], ~a[0], not a\n"
     "\n"
     "\n"
     "def walk(n):\n"
     "    while n is not None:\n"
     "        n = n.child\n"
     "    while True:\n"
     "        if n is not None:\n"
     "            break\n"
     "    return n\n"
     "\n"
     "\n"
     "def uses_modules(x):\n"
     "    return math.floor(x) + math.pi, list(it.chain([1], [2])), deque([1])\n"
     "\n"
     "\n"
     "def gen_send():\n"
     "    x = yield 1\n"
     "    yield x\n"
     "\n"
     "\n"
     "result = [f\"{i:03d}\" for i in range(3)]\n";

static const char benign_small[] =
    "\"\"\"Module docstring.\"\"\"\n"
    "from dataclasses import dataclass\n"
    "import enum\n"
    "counts: dict = {}\n"
    "class Base:\n"
    "    \"\"\"Doc.\"\"\"\n"
    "    kind: str = 'base'\n"
    "    def __init__(self, v):\n"
    "        self.v = v\n"
    "    def __len__(self):\n"
    "        return 1\n"
    "class Child(Base):\n"
    "    def __init__(self, v, w):\n"
    "        super().__init__(v)\n"
    "        self.w = w\n"
    "    def __repr__(self):\n"
    "        return f'Child({self.v!r}, {self.w})'\n"
    "    def pairs(self):\n"
    "        return [(a, b) for a in range(self.v) for b in range(self.w) if a < b]\n"
    "@dataclass\n"
    "class Pt:\n"
    "    x: int\n"
    "    y: int = 0\n"
    "class Mode(enum.Enum):\n"
    "    A = 1\n"
    "def where(p):\n"
    "    match p:\n"
    "        case Pt(x=0, y=yy):\n"
    "            return yy\n"
    "        case Pt(x=xx):\n"
    "            return xx\n"
    "    return None\n"
    "print(Child(3, 4).pairs(), where(Pt(0, 2)), Mode.A.value, len(Child(1, 2)))\n"
    "print('{}-{:>4}'.format(1, 2), counts)\n"
    "class Memo:\n"
    "    def __init__(self):\n"
    "        self._cache = {}\n"
    "    def _key(self, k):\n"
    "        return str(k)\n"
    "    def get(self, k):\n"
    "        return self._cache.get(self._key(k))\n"
    "print(Memo().get(1))\n"
    "print('{0[name]} {row[2]}'.format({'name': 1}, row=[1, 2, 3]), '{a}'.format_map({'a': 1}))\n";

/* Stores on the program's own objects, next to library values (PV520 must not fire). */
static const char benign_stores[] =
    "import collections\n"
    "import dataclasses\n"
    "class A:\n"
    "    def __init__(self):\n"
    "        self.x = 1\n"
    "a = A()\n"
    "a.x = 2\n"
    "del a.x\n"
    "a.d = collections.OrderedDict()\n"
    "a.d['k'] = 1\n"
    "nodes = [A(), A()]\n"
    "nodes[0].y = 2\n"
    "for n in nodes:\n"
    "    n.y = 3\n"
    "def g(obj):\n"
    "    obj.z = 1\n"
    "    return obj\n"
    "g(A()).w = 1\n"
    "q = collections.deque([A()])\n"
    "n = q.popleft()\n"
    "n.seen = True\n"
    "od = collections.OrderedDict()\n"
    "od['a'] = A()\n"
    "m = od.get('a')\n"
    "m.seen = 1\n"
    "def h():\n"
    "    k = q.pop()\n"
    "    k.seen = 2\n";

/* Calling a program class makes a program instance whatever it is handed (also through
 * dataclasses.dataclass and functools.total_ordering); len, str ... make new values
 * (PV520 must not fire). */
static const char benign_class_calls[] =
    "import math\n"
    "import dataclasses\n"
    "import functools\n"
    "import collections\n"
    "class N:\n"
    "    def __init__(self, d):\n"
    "        self.d = d\n"
    "@dataclasses.dataclass(frozen=False)\n"
    "class M:\n"
    "    d: float = 0.0\n"
    "@functools.total_ordering\n"
    "class O:\n"
    "    pass\n"
    "n = N(math.inf)\n"
    "n.d = 1\n"
    "m = M(math.inf)\n"
    "m.d = 2\n"
    "q = collections.deque()\n"
    "o = N(len(q))\n"
    "o.d = 3\n"
    "def mk(v):\n"
    "    r = N(v)\n"
    "    return r\n"
    "k = mk(str(q))\n"
    "k.d = 4\n"
    "O.x = 1\n"
    "def f():\n"
    "    p = N(math.pi)\n"
    "    p.d = 5\n"
    "    kids = []\n"
    "    kids.append(N(1))\n"
    "    kids[0].d = 6\n"
    "    a, b = N(1), N(2)\n"
    "    a.d = 7\n"
    "    q = collections.deque()\n"
    "    q.append(N(3))\n"
    "    q.popleft().d = 8\n"
    "class Acct:\n"
    "    def __init__(self):\n"
    "        self.bal = collections.deque()\n"
    "        self.bal += [1]\n";

/* The results of module functions and of writable data classes are the program's to change
 * (PV520 must not fire). */
static const char benign_library_results[] =
    "import heapq\n"
    "import random\n"
    "import decimal\n"
    "import collections\n"
    "from heapq import heappop\n"
    "class N:\n"
    "    pass\n"
    "pq = [N(), N(), N(), N()]\n"
    "n = heapq.heappop(pq)\n"
    "n.dist = 3\n"
    "m = heappop(pq)\n"
    "m.dist = 4\n"
    "random.choice([n, m]).visited = True\n"
    "decimal.getcontext().prec = 5\n"
    "with decimal.localcontext() as ctx:\n"
    "    ctx.prec = 50\n"
    "c = decimal.Context()\n"
    "c.prec = 3\n"
    "d = collections.defaultdict(list)\n"
    "d.default_factory = set\n"
    "def f():\n"
    "    k = heappop(pq)\n"
    "    k.dist = 5\n"
    "    heapq.heappop(pq).dist = 6\n"
    "    hp = heapq.heappop\n"
    "    hp(pq).dist = 7\n";

/* namedtuple and Enum functional API field names (issue 16). */
static const char benign_namedtuples[] =
    "import collections\n"
    "import enum\n"
    "from collections import namedtuple\n"
    "Point = collections.namedtuple('Point', ['xq', 'yq', 'zq'])\n"
    "Pair = namedtuple('Pair', 'lft, rgt')\n"
    "Row = namedtuple('Row', ('nm', 'score'))\n"
    "Color = enum.Enum('Color', 'REDX GREENX')\n"
    "Shape = enum.Enum('Shape', [('CIRCLEX', 1), ('SQUAREX', 2)])\n"
    "p = Point(1, 2, 3)\n"
    "q = p._replace(xq=5)\n"
    "print(p.xq, p.yq, p.zq, q._asdict(), Point._fields, Point._make([3, 4, 5]))\n"
    "print(Pair(1, 2).rgt, Row('a', 3).score, Color.REDX, Shape.SQUAREX.value)\n"
    "__all__ = ['Point', 'Pair', 'main']\n"
    "class Slotted:\n"
    "    __slots__ = ('aq', 'bq', 'cq')\n"
    "    def __init__(self):\n"
    "        self.aq = 1\n"
    "class Slotted2:\n"
    "    __slots__ = ['aq', 'bq', 'cq', 'dq']\n"
    "class Slotted3:\n"
    "    __slots__ = 'aq'\n"
    "def main():\n"
    "    print(Slotted().aq)\n"
    "if __name__ == '__main__':\n"
    "    main()\n";

static void check_benign(const char *name, const char *src, pv_mode mode)
{
    pv_program *prog = verify(src, PV_LAYER_BYTECODE, mode);
    if (count_layer(prog, PV_DIAG_BYTECODE) != 0 || pv_program_verdict(prog) != PV_ACCEPTED) {
        dump(prog, 0, name);
        fail_msg("benign program %s: %zu bytecode diagnostics", name,
                 count_layer(prog, PV_DIAG_BYTECODE));
    }
    pv_program_free(prog);
}

static void test_benign_programs(void **state)
{
    (void)state;
    check_benign("small", benign_small, PV_MODE_MODULE);
    check_benign("stores", benign_stores, PV_MODE_MODULE);
    check_benign("library_results", benign_library_results, PV_MODE_MODULE);
    check_benign("class_calls", benign_class_calls, PV_MODE_MODULE);
    check_benign("namedtuples", benign_namedtuples, PV_MODE_MODULE);
    check_benign("p1", benign_p1, PV_MODE_MODULE);
    check_benign("p2", benign_p2, PV_MODE_MODULE);
    /* A parameter named like a module imported elsewhere is not that module. */
    check_benign("module_name_reused",
                 "import math\n"
                 "def f(math):\n"
                 "    return math + 1\n"
                 "def g():\n"
                 "    import json\n"
                 "    return json.dumps([1])\n"
                 "def h(json):\n"
                 "    return json\n"
                 "print(f(1), g(), h(2), math.floor(2.5))\n", PV_MODE_MODULE);
    /* Calls with keywords inside a class statement's bases are not class keywords. */
    check_benign("class_bases_calls",
                 "def make(x, key=None):\n"
                 "    return object\n"
                 "class C(make(1, key=2), *[]):\n"
                 "    y = sorted([2, 1], key=abs)\n"
                 "class D(C):\n"
                 "    pass\n"
                 "print(D.y)\n", PV_MODE_MODULE);
    check_benign("expr", "sum(x * 2 for x in range(10) if x % 3) + max([1, 2], key=abs)",
                 PV_MODE_EXPR);
    check_benign("expr_lambda", "(lambda a, *b, c=1, **d: [a, b, c, d])(1, 2, c=3, e=4)",
                 PV_MODE_EXPR);

    /* Many locals and constants: EXTENDED_ARG in jumps and operands. */
    size_t cap = 64 * 1024, len = 0;
    char *src = malloc(cap);
    assert_non_null(src);
    len += (size_t)snprintf(src + len, cap - len, "def big(x):\n    acc = 0\n");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(src + len, cap - len, "    v%d = x + %d.5\n", i, i);
    len += (size_t)snprintf(src + len, cap - len, "    while acc < 10:\n        acc += 1\n");
    for (int i = 0; i < 300; i++)
        len += (size_t)snprintf(src + len, cap - len, "        acc += v%d\n", i);
    snprintf(src + len, cap - len, "    return acc\nprint(big(1))\n");
    check_benign("extended_arg", src, PV_MODE_MODULE);
    free(src);
}

/* ---- structure: hand-built code objects ------------------------------------------------------------ */

/* Python run before each case: SRC is the base program, `patch` rewrites one instruction,
 * `inner` rewrites the code objects in co_consts. The case sets `code`. */
static const char prelude[] =
    "import dis\n"
    "def patch(c, opname, arg=None, op=None, nth=0):\n"
    "    b = bytearray(c.co_code)\n"
    "    i = [i for i in dis.get_instructions(c) if i.opname == opname][nth]\n"
    "    if arg is not None: b[i.offset + 1] = arg\n"
    "    if op is not None: b[i.offset] = op\n"
    "    return c.replace(co_code=bytes(b))\n"
    "def inner(c, fn):\n"
    "    return c.replace(co_consts=tuple(fn(k) if hasattr(k, 'co_code') else k\n"
    "                                     for k in c.co_consts))\n"
    "c = compile(SRC, '<test>', 'exec')\n";

typedef struct crafted {
    const char *name;
    const char *code; /* expected */
    const char *what; /* expected in its message */
    const char *src;  /* the base program (benign) */
    const char *py;   /* sets `code` */
} crafted;

static const crafted crafted_cases[] = {
    { "jump_into_inline_cache", "PV511", "does not start an instruction", "x = [1]\nif x:\n    y = x[0]\n",
      "ins = list(dis.get_instructions(c, show_caches=True))\n"
      "j = [i for i in ins if i.opname == 'POP_JUMP_FORWARD_IF_FALSE'][0]\n"
      "k = [i for i in ins if i.opname == 'CACHE' and i.offset > j.offset][0]\n"
      "code = patch(c, 'POP_JUMP_FORWARD_IF_FALSE', arg=(k.offset - j.offset - 2) // 2)\n" },
    { "jump_out_of_code", "PV511", "does not start an instruction", "x = 1\nif x:\n    y = 2\n",
      "code = patch(c, 'POP_JUMP_FORWARD_IF_FALSE', arg=200)\n" },
    { "const_out_of_range", "PV510", "outside co_consts", "x = 1\n", "code = patch(c, 'LOAD_CONST', arg=50)\n" },
    { "name_out_of_range", "PV510", "outside co_names", "x = 1\n", "code = patch(c, 'STORE_NAME', arg=50)\n" },
    { "load_global_out_of_range", "PV510", "outside co_names", "def f():\n    return len\n",
      "code = inner(c, lambda f: patch(f, 'LOAD_GLOBAL', arg=9))\n" },
    { "extended_arg_before_no_arg", "PV513", "EXTENDED_ARG before RETURN_VALUE", "x = 1\n",
      "code = patch(c, 'LOAD_CONST', op=dis.opmap['EXTENDED_ARG'], arg=0, nth=-1)\n" },
    { "compare_op_out_of_range", "PV510", "COMPARE_OP operand 9", "x = 1\ny = x < 2\n",
      "code = patch(c, 'COMPARE_OP', arg=9)\n" },
    { "binary_op_out_of_range", "PV510", "BINARY_OP operand 99", "x = 1\ny = x + 2\n",
      "code = patch(c, 'BINARY_OP', arg=99)\n" },
    { "load_fast_of_a_cell", "PV510", "not a plain local", "def f(a):\n    def g():\n        return a\n    return g\n",
      "code = inner(c, lambda f: patch(f, 'LOAD_CLOSURE', op=dis.opmap['LOAD_FAST']))\n" },
    { "runs_off_the_end", "PV507", "run past its last instruction", "x = 1\n",
      "code = patch(c, 'RETURN_VALUE', op=dis.opmap['NOP'], nth=-1)\n" },
    { "make_function_without_code", "PV507", "MAKE_FUNCTION without", "def f():\n    pass\n",
      "code = patch(c, 'LOAD_CONST', arg=c.co_consts.index(None), nth=0)\n" },
    { "code_object_as_value", "PV507", "code object constant is used as a value", "f = lambda: 1\n",
      "code = patch(c, 'MAKE_FUNCTION', op=dis.opmap['NOP'], arg=0)\n" },
    { "exception_table_out_of_code", "PV514", "does not fit the code", "try:\n    x = 1\nexcept ValueError:\n    pass\n",
      "code = c.replace(co_exceptiontable=bytes([0x80, 1, 60, 0]))\n" },
    { "exception_table_truncated", "PV514", "malformed", "try:\n    x = 1\nexcept ValueError:\n    pass\n",
      "code = c.replace(co_exceptiontable=c.co_exceptiontable + bytes([0x80, 0x41]))\n" },
    { "code_object_in_tuple", "PV507", "hidden in a constant tuple", "x = 1\n",
      "code = c.replace(co_consts=c.co_consts + ((compile('1', 't', 'eval'),),))\n" },
    { "specialized_instruction_hidden", "PV507", "differ from co_code", "x = 1\n",
      "code = patch(c, 'LOAD_CONST', op=dis._all_opmap['LOAD_CONST__LOAD_FAST'])\n" },
    { "unnamed_opcode", "PV507", "differ from co_code", "x = 1\n", "code = patch(c, 'LOAD_CONST', op=200)\n" },
    { "nesting_limit", "PV509", "nested deeper than", "x = 1\n",
      "code = compile('f = ' + 'lambda: ' * 250 + '1', '<test>', 'exec')\n" },
    { "comprehension_arg_renamed", "PV502", "not an identifier", "y = [i for i in range(3)]\n",
      "code = inner(c, lambda k: k.replace(co_varnames=('.1',) + k.co_varnames[1:]))\n" },
    { "dot_zero_outside_comprehension", "PV502", "'.0' outside", "def f(a):\n    return a\n",
      "code = inner(c, lambda k: k.replace(co_varnames=('.0',)))\n" },
    { "class_cell_loaded", "PV502", "LOAD_DEREF of '__class__'",
      "class C:\n    def m(self):\n        super()\n        return self\n",
      "code = inner(c, lambda k: inner(k, lambda m: patch(m, 'LOAD_FAST', "
      "op=dis.opmap['LOAD_DEREF'], arg=len(m.co_varnames))))\n" },
    { "stack_underflow", "PV516", "stack underflow", "x = 1\n",
      "code = patch(c, 'LOAD_CONST', op=dis.opmap['NOP'], arg=0)\n" },
    { "stack_deeper_than_stacksize", "PV516", "deeper than co_stacksize", "x = 1\n",
      "code = c.replace(co_stacksize=0)\n" },
    { "exception_handler_deeper_than_stack", "PV516", "exception handler expects more stack",
      "try:\n    x = 1\nexcept ValueError:\n    pass\n",
      "t = bytearray(c.co_exceptiontable)\n"
      "t[3] = (5 << 1) | (t[3] & 1)\n"
      "code = c.replace(co_exceptiontable=bytes(t), co_stacksize=c.co_stacksize + 8)\n" },
};

/* Run `py` with SRC = src; returns the new reference `code`. GIL held by the caller. */
static PyObject *build_code(const char *src, const char *py)
{
    PyObject *d = PyDict_New(), *s = PyUnicode_FromString(src), *r = NULL, *code = NULL;
    assert_non_null(d);
    assert_non_null(s);
    PyDict_SetItemString(d, "__builtins__", PyEval_GetBuiltins());
    PyDict_SetItemString(d, "SRC", s);
    r = PyRun_String(prelude, Py_file_input, d, d);
    if (r != NULL) {
        Py_DECREF(r);
        r = PyRun_String(py, Py_file_input, d, d);
    }
    if (r == NULL) {
        PyErr_Print();
        fail_msg("building a code object failed");
    }
    Py_DECREF(r);
    code = PyDict_GetItemString(d, "code");
    assert_non_null(code);
    Py_INCREF(code);
    Py_DECREF(s);
    Py_DECREF(d);
    return code;
}

static void test_crafted_code_objects(void **state)
{
    (void)state;
    int failures = 0;
    for (size_t i = 0; i < sizeof crafted_cases / sizeof *crafted_cases; i++) {
        const crafted *k = &crafted_cases[i];
        /* The base program is benign: accepted by the bytecode layer as compiled. */
        pv_program *prog = verify(k->src, PV_LAYER_BYTECODE, PV_MODE_MODULE);
        if (pv_program_verdict(prog) != PV_ACCEPTED) {
            dump(prog, 0, k->name);
            fail_msg("base program of %s is not accepted", k->name);
        }
        PyGILState_STATE g = PyGILState_Ensure();
        PyObject *code = build_code(k->src, k->py);
        size_t before = pv_program_diag_count(prog);
        int rc = pvb_check(prog, pol, code);
        assert_false(PyErr_Occurred());
        Py_DECREF(code);
        PyGILState_Release(g);
        if (getenv("PV_TEST_VERBOSE") != NULL)
            dump(prog, before, k->name);
        if (rc != 0 || !has_diag(prog, before, k->code, k->what)) {
            fprintf(stderr, "crafted %s: rc %d, expected %s (%s)\n", k->name, rc, k->code, k->what);
            dump(prog, before, k->name);
            failures++;
        }
        pv_program_free(prog);
    }
    assert_int_equal(failures, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_opcode_table_matches_interpreter),
        cmocka_unit_test(test_default_opcode_list),
        cmocka_unit_test(test_attacks_bytecode_layer_alone),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_host_globals),
        cmocka_unit_test(test_code_object_limit),
        cmocka_unit_test(test_benign_programs),
        cmocka_unit_test(test_crafted_code_objects),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
