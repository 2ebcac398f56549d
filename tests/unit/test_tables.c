/*
 * test_tables.c: the tables that mirror CPython or define the policy, checked against the
 * running interpreter, so that a CPython upgrade (or a careless edit) fails loudly.
 *
 *   - nodes.def == every concrete node class of the interpreter's _ast module, both ways;
 *   - rules.def: codes unique, ^PV[0-9]{3}$, families on the right layer, text present;
 *   - the default policy: no async/except* node kinds, every allowed builtin exists, every
 *     forbidden builtin is rejected (PV202) when called, the derived attribute whitelist is
 *     public names only, the opcode list leaves out IMPORT_STAR and async/except* opcodes,
 *     and the embedded text is rules/default.toml byte for byte.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "internal.h"

static pv_policy *g_pol;

static int group_setup(void **state)
{
    (void)state;
    if (pv_init() != 0 || pv_policy_default(&g_pol) != 0)
        return -1;
    return 0;
}

static int group_teardown(void **state)
{
    (void)state;
    pv_policy_free(g_pol);
    pv_shutdown();
    return 0;
}

/* Run Python `code` in a fresh namespace and return a new reference to its `result`. */
static PyObject *py_eval(const char *code)
{
    PyObject *g = PyDict_New();
    assert_non_null(g);
    assert_int_equal(PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()), 0);
    PyObject *r = PyRun_String(code, Py_file_input, g, g);
    if (!r) {
        PyErr_Print();
        fail_msg("python helper failed");
    }
    Py_DECREF(r);
    PyObject *res = PyDict_GetItemString(g, "result");
    assert_non_null(res);
    Py_INCREF(res);
    Py_DECREF(g);
    return res;
}

/* ---- nodes.def ------------------------------------------------------------------------------ */

static void test_node_table_matches_interpreter(void **state)
{
    (void)state;
    /* Concrete node classes: AST subclasses of _ast with no subclass of their own there. */
    PyObject *live = py_eval(
        "import _ast\n"
        "cls = [c for c in vars(_ast).values() if isinstance(c, type) and issubclass(c, _ast.AST)]\n"
        "result = sorted(c.__name__ for c in cls\n"
        "                if not any(d is not c and issubclass(d, c) for d in cls)\n"
        "                and hasattr(c, '_fields') and hasattr(c, '_attributes'))\n");
    assert_true(PyList_Check(live));
    size_t n = pva_kind_count();
    assert_true(n > 100);
    assert_null(pva_kind_name(n));
    int problems = 0;
    /* Table -> interpreter. */
    for (size_t i = 0; i < n; i++) {
        const char *name = pva_kind_name(i);
        assert_non_null(name);
        for (size_t j = 0; j < i; j++)
            if (strcmp(pva_kind_name(j), name) == 0) {
                print_error("nodes.def lists %s twice\n", name);
                problems++;
            }
        PyObject *s = PyUnicode_FromString(name);
        int in = PySequence_Contains(live, s);
        Py_DECREF(s);
        if (in != 1) {
            print_error("nodes.def has %s, which is not a concrete node class of _ast\n", name);
            problems++;
        }
    }
    /* Interpreter -> table. */
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(live); k++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(live, k));
        bool found = false;
        for (size_t i = 0; i < n && !found; i++)
            found = strcmp(pva_kind_name(i), name) == 0;
        if (!found) {
            print_error("_ast.%s is missing from nodes.def\n", name);
            problems++;
        }
    }
    assert_int_equal((size_t)PyList_GET_SIZE(live), n);
    Py_DECREF(live);
    assert_int_equal(problems, 0);
}

/* Every node kind the parser produces for a program exercising all of them is known. */
static void test_parser_output_is_in_table(void **state)
{
    (void)state;
    PyObject *kinds = py_eval(
        "import ast\n"
        "src = '''\n"
        "import a.b as c\nfrom d import e as f\nglobal g\nx: int = 1\nx += 1\ndel x\n"
        "async def af(p, /, q=1, *r, s, t=2, **u) -> int:\n"
        "    nonlocal v\n    await w\n    async for y in z: pass\n    async with m as n: pass\n"
        "@dec\nclass K(B):\n    def m(self): return (yield 1), (yield from o)\n"
        "for i in l:\n    break\nelse:\n    continue\nwhile 0: pass\nif a and b or not c: pass\n"
        "with q as (r, s): pass\n"
        "try: pass\nexcept E as e: raise X from Y\nelse: pass\nfinally: pass\n"
        "try: pass\nexcept* E: pass\nassert a, b\n"
        "match p:\n    case 1 | 2: pass\n    case None: pass\n    case [a, *rest]: pass\n"
        "    case {'k': v, **kw}: pass\n    case C(x, y=z) as w: pass\n    case _: pass\n"
        "(x := 1); lambda a: a; a if b else c; {1: 2}; {1}; [i for i in j if k];\n"
        "{i for i in j}; {i: i for i in j}; (i for i in j); f'{a!r:>{w}}'; a[1:2:3]; *s,\n"
        "a < b <= c > d >= e == f != g is h is not i in j not in k\n"
        "a + b - c * d @ e / f % g ** h << i >> j | k ^ l & m // n; -a; +a; ~a; a.b\n"
        "'''\n"
        "kinds = set()\n"
        "for mode, text in (('exec', src), ('eval', 'x'), ('single', 'x'),\n"
        "                   ('func_type', '(int) -> str')):\n"
        "    tree = ast.parse(text, mode=mode, type_comments=True)\n"
        "    kinds.update(type(n).__name__ for n in ast.walk(tree))\n"
        "tree = ast.parse('x = 1  # type: ignore', type_comments=True)\n"
        "kinds.update(type(n).__name__ for n in tree.type_ignores)\n"
        "result = sorted(kinds)\n");
    int missing = 0;
    for (Py_ssize_t k = 0; k < PyList_GET_SIZE(kinds); k++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(kinds, k));
        bool found = false;
        for (size_t i = 0; i < pva_kind_count() && !found; i++)
            found = strcmp(pva_kind_name(i), name) == 0;
        if (!found) {
            print_error("the parser produced %s, which nodes.def lacks\n", name);
            missing++;
        }
    }
    assert_true(PyList_GET_SIZE(kinds) >= 100);
    Py_DECREF(kinds);
    assert_int_equal(missing, 0);
}

/* ---- rules.def ------------------------------------------------------------------------------- */

static void test_rule_codes(void **state)
{
    (void)state;
    size_t n = pv_rule_count();
    assert_true(n > 0);
    for (size_t i = 0; i < n; i++) {
        const pv_rule_info *r = pv_rule_at(i);
        assert_non_null(r);
        const char *c = r->code;
        /* ^PV[0-9]{3}$ */
        if (!(strlen(c) == 5 && c[0] == 'P' && c[1] == 'V' && c[2] >= '0' && c[2] <= '9' &&
              c[3] >= '0' && c[3] <= '9' && c[4] >= '0' && c[4] <= '9'))
            fail_msg("rule code '%s' does not match ^PV[0-9]{3}$", c);
        for (size_t j = 0; j < i; j++)
            if (strcmp(pv_rule_at(j)->code, c) == 0)
                fail_msg("rule code %s is used twice", c);
        if (!r->title || !*r->title || !r->hint || !*r->hint || !r->explanation ||
            strlen(r->explanation) < 20)
            fail_msg("rule %s lacks a title, hint or explanation", c);
        /* Families: PV0xx input (PV005 syntax is the parser's: AST), PV1-4xx AST,
         * PV5xx bytecode, PV6xx runtime, PV7xx .pyc input. */
        pv_layer_id want = c[2] == '0' ? PV_DIAG_INPUT
                         : c[2] <= '4' ? PV_DIAG_AST
                         : c[2] == '5' ? PV_DIAG_BYTECODE
                         : c[2] == '7' ? PV_DIAG_INPUT /* PV7xx: .pyc and marshal input */
                                       : PV_DIAG_RUNTIME;
        if (strcmp(c, "PV005") == 0)
            want = PV_DIAG_AST;
        if (r->layer != want)
            fail_msg("rule %s is on layer %d, its family says %d", c, (int)r->layer, (int)want);
        if (r->verdict != PV_REJECTED && r->verdict != PV_INVALID)
            fail_msg("rule %s has verdict %d", c, (int)r->verdict);
        /* Codes are listed in order within the catalogue. */
        if (i > 0)
            assert_true(strcmp(pv_rule_at(i - 1)->code, c) < 0);
    }
    /* The input rules that make a file impossible to check are INVALID (exit 2). */
    static const char *const invalid[] = { "PV001", "PV002", "PV004", "PV006", "PV007", "PV009" };
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++)
        assert_int_equal(pv_rule_find(invalid[i])->verdict, PV_INVALID);
    static const char *const reject[] = { "PV003", "PV005", "PV008", "PV100", "PV300" };
    for (size_t i = 0; i < sizeof reject / sizeof reject[0]; i++)
        assert_int_equal(pv_rule_find(reject[i])->verdict, PV_REJECTED);
}

/* ---- the default policy ---------------------------------------------------------------------- */

static bool node_allowed(const char *name)
{
    for (size_t i = 0; i < pva_kind_count(); i++)
        if (strcmp(pva_kind_name(i), name) == 0)
            return g_pol->node_allowed[i] != 0;
    fail_msg("no node kind %s", name);
    return false;
}

static void test_default_nodes(void **state)
{
    (void)state;
    static const char *const banned[] = { "AsyncFunctionDef", "Await", "AsyncFor", "AsyncWith",
                                          "TryStar", "Interactive", "FunctionType" };
    for (size_t i = 0; i < sizeof banned / sizeof banned[0]; i++)
        if (node_allowed(banned[i]))
            fail_msg("the default policy allows %s", banned[i]);
    static const char *const needed[] = { "Module", "Expression", "FunctionDef", "ClassDef",
                                          "Match", "MatchClass", "NamedExpr", "JoinedStr",
                                          "Try", "With", "Lambda", "GeneratorExp", "YieldFrom" };
    for (size_t i = 0; i < sizeof needed / sizeof needed[0]; i++)
        if (!node_allowed(needed[i]))
            fail_msg("the default policy does not allow %s", needed[i]);
}

static PyObject *default_toml_table(const char *table, const char *key)
{
    size_t n = 0;
    const char *text = pv_default_rules(&n);
    PyObject *g = PyDict_New();
    assert_non_null(g);
    assert_int_equal(PyDict_SetItemString(g, "__builtins__", PyEval_GetBuiltins()), 0);
    PyObject *t = PyUnicode_DecodeUTF8(text, (Py_ssize_t)n, "strict");
    PyObject *tb = PyUnicode_FromString(table), *k = PyUnicode_FromString(key);
    assert_non_null(t);
    PyDict_SetItemString(g, "TEXT", t);
    PyDict_SetItemString(g, "TABLE", tb);
    PyDict_SetItemString(g, "KEY", k);
    Py_DECREF(t);
    Py_DECREF(tb);
    Py_DECREF(k);
    PyObject *r = PyRun_String("import tomllib\nresult = tomllib.loads(TEXT)[TABLE][KEY]\n",
                               Py_file_input, g, g);
    if (!r)
        PyErr_Print();
    assert_non_null(r);
    Py_DECREF(r);
    PyObject *res = PyDict_GetItemString(g, "result");
    assert_non_null(res);
    Py_INCREF(res);
    Py_DECREF(g);
    return res;
}

static void test_default_nodes_text(void **state)
{
    (void)state;
    PyObject *allow = default_toml_table("nodes", "allow");
    assert_true(PyList_Check(allow));
    size_t allowed_bits = 0;
    for (size_t i = 0; i < pva_kind_count(); i++)
        allowed_bits += g_pol->node_allowed[i] != 0;
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(allow); i++) {
        const char *name = PyUnicode_AsUTF8(PyList_GET_ITEM(allow, i));
        assert_true(node_allowed(name));
    }
    assert_int_equal((size_t)PyList_GET_SIZE(allow), allowed_bits);
    Py_DECREF(allow);
}

static pv_program *verify_ast(const char *src)
{
    pv_program *prog = NULL;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = PV_LAYER_AST;
    assert_int_equal(pv_verify(&prog, g_pol, src, strlen(src), "t.py", &o), 0);
    return prog;
}

static void test_default_builtins_exist(void **state)
{
    (void)state;
    PyObject *allow = default_toml_table("builtins", "allow");
    PyObject *bmod = PyImport_ImportModule("builtins");
    assert_non_null(bmod);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(allow); i++) {
        PyObject *name = PyList_GET_ITEM(allow, i);
        if (!PyObject_HasAttr(bmod, name))
            fail_msg("[builtins] allow lists '%s', which is not a builtin", PyUnicode_AsUTF8(name));
        assert_int_equal(PySet_Contains(g_pol->builtins_allowed, name), 1);
        /* And calling it is accepted by layer 1. */
        char src[96];
        snprintf(src, sizeof src, "x = %s", PyUnicode_AsUTF8(name));
        pv_program *prog = verify_ast(src);
        if (pv_program_verdict(prog) != PV_ACCEPTED)
            fail_msg("'%s' is rejected although the default allows it", src);
        pv_program_free(prog);
    }
    assert_int_equal((size_t)PyList_GET_SIZE(allow), (size_t)PySet_Size(g_pol->builtins_allowed));
    Py_DECREF(bmod);
    Py_DECREF(allow);
}

static void test_forbidden_builtins_rejected(void **state)
{
    (void)state;
    static const char *const forbidden[] = {
        "getattr", "setattr", "delattr", "hasattr", "type", "vars", "dir", "globals", "locals",
        "eval", "exec", "compile", "open", "__import__", "breakpoint", "help",
        "memoryview", "id", "exit", "quit", "license", "credits", "copyright",
        "BaseExceptionGroup", "ExceptionGroup", "__build_class__", "__loader__", "__spec__",
    };
    PyObject *bmod = PyImport_ImportModule("builtins");
    assert_non_null(bmod);
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
        const char *name = forbidden[i];
        PyObject *s = PyUnicode_FromString(name);
        assert_int_equal(PySet_Contains(g_pol->builtins_allowed, s), 0);
        Py_DECREF(s);
        char src[96];
        snprintf(src, sizeof src, "%s()", name);
        pv_program *prog = verify_ast(src);
        bool has202 = false;
        for (size_t k = 0; k < pv_program_diag_count(prog); k++) {
            const pv_diag *d = pv_program_diag(prog, k);
            if (d->line == 1 && d->col == 1 && strcmp(d->code, "PV202") == 0)
                has202 = true;
        }
        /* PV202 even for the site-module helpers (exit, quit, help, license, credits,
         * copyright), which the isolated interpreter lacks but a host's may have. */
        if (pv_program_verdict(prog) != PV_REJECTED || !has202)
            fail_msg("'%s' should be rejected with PV202 at 1:1", src);
        pv_program_free(prog);
    }
    Py_DECREF(bmod);
}

static void test_default_attributes(void **state)
{
    (void)state;
    PyObject *attrs = g_pol->attrs_allowed;
    assert_true(PySet_Size(attrs) > 100);
    PyObject *it = PyObject_GetIter(attrs), *a;
    assert_non_null(it);
    while ((a = PyIter_Next(it)) != NULL) {
        const char *s = PyUnicode_AsUTF8(a);
        if (!s || s[0] == '_')
            fail_msg("the derived attribute whitelist holds '%s'", s ? s : "?");
        Py_DECREF(a);
    }
    Py_DECREF(it);
    static const char *const public[] = { "append", "keys", "items", "join", "split", "real",
                                          "startswith", "most_common", "isoformat" };
    for (size_t i = 0; i < sizeof public / sizeof public[0]; i++) {
        PyObject *s = PyUnicode_FromString(public[i]);
        if (PySet_Contains(attrs, s) != 1)
            fail_msg("'%s' should be on the derived attribute whitelist", public[i]);
        Py_DECREF(s);
    }
    /* Module names re-exported through allowed modules never become plain attributes. */
    static const char *const never[] = { "sys", "os", "builtins", "bltns", "codecs" };
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        PyObject *s = PyUnicode_FromString(never[i]);
        if (PySet_Contains(attrs, s) != 0)
            fail_msg("'%s' is on the attribute whitelist", never[i]);
        Py_DECREF(s);
    }
}

static void test_default_modules(void **state)
{
    (void)state;
    static const char *const allowed[] = { "math", "cmath", "itertools", "functools",
                                           "collections", "heapq", "bisect", "random",
                                           "statistics", "re", "json", "datetime", "decimal",
                                           "fractions", "dataclasses", "enum" };
    assert_int_equal((size_t)PySet_Size(g_pol->modules), sizeof allowed / sizeof allowed[0]);
    for (size_t i = 0; i < sizeof allowed / sizeof allowed[0]; i++) {
        PyObject *s = PyUnicode_FromString(allowed[i]);
        assert_int_equal(PySet_Contains(g_pol->modules, s), 1);
        Py_DECREF(s);
    }
    static const char *const never[] = { "os", "sys", "typing", "builtins", "importlib",
                                         "codecs", "io", "subprocess", "ctypes", "types",
                                         "inspect", "gc", "pickle", "string" };
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        PyObject *s = PyUnicode_FromString(never[i]);
        assert_int_equal(PySet_Contains(g_pol->modules, s), 0);
        Py_DECREF(s);
    }
}

static void test_default_opcodes(void **state)
{
    (void)state;
    PyObject *excluded = py_eval(
        "import opcode\n"
        "names = ['IMPORT_STAR', 'PRINT_EXPR', 'GET_AITER', 'GET_ANEXT', 'BEFORE_ASYNC_WITH',\n"
        "         'END_ASYNC_FOR', 'ASYNC_GEN_WRAP', 'GET_AWAITABLE', 'CHECK_EG_MATCH',\n"
        "         'PREP_RERAISE_STAR', 'CACHE']\n"
        "result = [(n, opcode.opmap[n]) for n in names if n in opcode.opmap]\n");
    assert_true(PyList_GET_SIZE(excluded) >= 10);
    for (Py_ssize_t i = 0; i < PyList_GET_SIZE(excluded); i++) {
        PyObject *t = PyList_GET_ITEM(excluded, i);
        long op = PyLong_AsLong(PyTuple_GET_ITEM(t, 1));
        if (g_pol->opcode_allowed[op])
            fail_msg("the default policy allows opcode %s",
                     PyUnicode_AsUTF8(PyTuple_GET_ITEM(t, 0)));
    }
    Py_DECREF(excluded);
}

static void test_embedded_default_is_the_file(void **state)
{
    (void)state;
    const char *dir = getenv("PV_SOURCE_DIR");
    if (!dir)
        skip();
    char path[4096];
    snprintf(path, sizeof path, "%s/rules/default.toml", dir);
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    size_t cap = 1u << 20;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t n = fread(buf, 1, cap, f);
    fclose(f);
    size_t len = 0;
    const char *text = pv_default_rules(&len);
    assert_int_equal(len, n);
    assert_memory_equal(text, buf, n);
    assert_int_equal(text[len], '\0');
    free(buf);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_table_matches_interpreter),
        cmocka_unit_test(test_parser_output_is_in_table),
        cmocka_unit_test(test_rule_codes),
        cmocka_unit_test(test_default_nodes),
        cmocka_unit_test(test_default_nodes_text),
        cmocka_unit_test(test_default_builtins_exist),
        cmocka_unit_test(test_forbidden_builtins_rejected),
        cmocka_unit_test(test_default_attributes),
        cmocka_unit_test(test_default_modules),
        cmocka_unit_test(test_default_opcodes),
        cmocka_unit_test(test_embedded_default_is_the_file),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
