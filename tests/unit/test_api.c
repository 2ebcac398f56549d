/*
 * test_api.c: the public C API as a host sees it.
 *
 * The state machine (everything before pv_init() is PV_ERR_STATE; pv_init() is
 * idempotent), argument checking (NULL and malformed arguments are PV_ERR_INVALID and
 * leave *out NULL), the free functions, error strings, the rules catalogue, the program
 * accessors, the compiled code object kept by an accepted program, diagnostic order, and
 * host globals.
 *
 * cmocka runs the tests in the order listed in main(): test_00_before_init must stay first.
 * Tests named test_KNOWN_BUG_* fail on purpose: they pin a reported verifier bug.
 * Messages starting with "REGRESSION:" belong to tests of bugs that were reported and fixed.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"

static pv_policy *g_pol;

/* A handle that is never dereferenced: the state check must come first. */
#define BOGUS_POLICY ((const pv_policy *)(uintptr_t)16)
#define BOGUS_PROGRAM ((const pv_program *)(uintptr_t)16)

static void test_00_before_init(void **state)
{
    (void)state;
    assert_false(Py_IsInitialized());
    /* Usable before pv_init(). */
    assert_non_null(pv_last_error());
    assert_string_equal(pv_version(), PV_VERSION_STRING);
    assert_int_equal(strncmp(pv_python_version(), "3.11", 4), 0);
    assert_non_null(pv_rule_find("PV300"));
    size_t n = 0;
    assert_non_null(pv_default_rules(&n));
    assert_true(n > 0);
    pv_shutdown(); /* a no-op before pv_init() */

    pv_policy *p = (pv_policy *)(uintptr_t)1;
    assert_int_equal(pv_policy_default(&p), PV_ERR_STATE);
    assert_null(p);
    assert_non_null(strstr(pv_last_error(), "pv_init"));
    p = (pv_policy *)(uintptr_t)1;
    assert_int_equal(pv_policy_load_buffer(&p, "", 0, "x"), PV_ERR_STATE);
    assert_null(p);
    p = (pv_policy *)(uintptr_t)1;
    assert_int_equal(pv_policy_load_file(&p, "/dev/null"), PV_ERR_STATE);
    assert_null(p);
    pv_program *prog = (pv_program *)(uintptr_t)1;
    assert_int_equal(pv_verify(&prog, BOGUS_POLICY, "x = 1", 5, "x.py", NULL), PV_ERR_STATE);
    assert_null(prog);
    pv_run_result *r = (pv_run_result *)(uintptr_t)1;
    assert_int_equal(pv_run(&r, BOGUS_PROGRAM, NULL), PV_ERR_STATE);
    assert_null(r);
    assert_false(Py_IsInitialized()); /* none of these started the interpreter */
}

static void test_01_init(void **state)
{
    (void)state;
    assert_int_equal(pv_init(), 0);
    assert_true(Py_IsInitialized());
    assert_int_equal(pv_init(), 0); /* idempotent */
    assert_int_equal(pv_init(), 0);
    assert_int_equal(pv_policy_default(&g_pol), 0);
    assert_non_null(g_pol);
    /* The embedded interpreter is isolated. */
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *sys = PyImport_ImportModule("sys");
    assert_non_null(sys);
    PyObject *flags = PyObject_GetAttrString(sys, "flags");
    assert_non_null(flags);
    PyObject *iso = PyObject_GetAttrString(flags, "isolated");
    assert_non_null(iso);
    assert_int_equal(PyLong_AsLong(iso), 1);
    PyObject *dwb = PyObject_GetAttrString(sys, "dont_write_bytecode");
    assert_true(dwb == Py_True);
    Py_DECREF(iso);
    Py_DECREF(dwb);
    Py_DECREF(flags);
    Py_DECREF(sys);
    PyGILState_Release(gs);
}

static pv_program *verify(const char *src, const pv_verify_opts *o)
{
    pv_program *prog = NULL;
    int rc = pv_verify(&prog, g_pol, src, strlen(src), "api.py", o);
    if (rc != 0)
        fail_msg("pv_verify: %d %s", rc, pv_last_error());
    return prog;
}

static void test_null_arguments(void **state)
{
    (void)state;
    pv_program *prog = (pv_program *)(uintptr_t)1;
    assert_int_equal(pv_verify(NULL, g_pol, "x", 1, "x.py", NULL), PV_ERR_INVALID);
    assert_int_equal(pv_verify(&prog, NULL, "x", 1, "x.py", NULL), PV_ERR_INVALID);
    assert_int_equal(pv_verify(&prog, g_pol, NULL, 5, "x.py", NULL), PV_ERR_INVALID);
    assert_true(*pv_last_error() != '\0');
    /* A NULL filename is allowed and named by a placeholder. */
    prog = NULL;
    assert_int_equal(pv_verify(&prog, g_pol, "().__class__", 12, NULL, NULL), 0);
    assert_non_null(pv_program_diag(prog, 0)->file);
    pv_program_free(prog);

    assert_int_equal(pv_policy_default(NULL), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_buffer(NULL, "", 0, "x"), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_file(NULL, "/dev/null"), PV_ERR_INVALID);
    pv_policy *p = NULL;
    assert_int_equal(pv_policy_load_file(&p, NULL), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_buffer(&p, NULL, 1, "x"), PV_ERR_INVALID);
    assert_int_equal(pv_run(NULL, BOGUS_PROGRAM, NULL), PV_ERR_INVALID);
    pv_run_result *r = NULL;
    assert_int_equal(pv_run(&r, NULL, NULL), PV_ERR_INVALID);

    /* Accessors on NULL handles answer, they do not crash. */
    assert_int_equal(pv_program_verdict(NULL), PV_INVALID);
    assert_int_equal(pv_program_mode(NULL), PV_MODE_MODULE);
    assert_int_equal(pv_program_diag_count(NULL), 0);
    assert_null(pv_program_diag(NULL, 0));
    size_t len = 99;
    assert_null(pv_program_source_line(NULL, 1, &len));
    assert_int_equal(len, 0);
    assert_null(pv_policy_origin(NULL));
    assert_null(pv_rule_find(NULL));
    assert_non_null(pv_default_rules(NULL)); /* len may be NULL */
}

static void test_free_null(void **state)
{
    (void)state;
    pv_policy_free(NULL);
    pv_program_free(NULL);
    pv_run_result_free(NULL);
}

static void test_strerror(void **state)
{
    (void)state;
    static const int codes[] = { PV_OK, PV_ERR_NOMEM, PV_ERR_INVALID, PV_ERR_STATE,
                                 PV_ERR_PYTHON, PV_ERR_POLICY, PV_ERR_IO, PV_ERR_RUNTIME };
    const char *unknown = pv_strerror(-1000);
    assert_non_null(unknown);
    assert_non_null(pv_strerror(1));
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++) {
        const char *s = pv_strerror(codes[i]);
        assert_non_null(s);
        assert_true(strlen(s) > 0);
        assert_string_not_equal(s, unknown);
        for (size_t j = 0; j < i; j++)
            assert_string_not_equal(s, pv_strerror(codes[j]));
    }
    assert_non_null(strstr(pv_strerror(PV_ERR_NOMEM), "memory"));
    assert_non_null(strstr(pv_strerror(PV_ERR_POLICY), "rules"));
}

static void test_rules_catalogue(void **state)
{
    (void)state;
    size_t n = pv_rule_count();
    assert_true(n >= 39);
    assert_null(pv_rule_at(n));
    assert_null(pv_rule_at(SIZE_MAX));
    for (size_t i = 0; i < n; i++) {
        const pv_rule_info *r = pv_rule_at(i);
        assert_non_null(r);
        assert_ptr_equal(pv_rule_find(r->code), r);
        /* Case-insensitive. */
        char lower[16];
        snprintf(lower, sizeof lower, "%s", r->code);
        lower[0] = 'p';
        lower[1] = 'v';
        assert_ptr_equal(pv_rule_find(lower), r);
        assert_true(r->verdict == PV_REJECTED || r->verdict == PV_INVALID);
    }
    assert_null(pv_rule_find("PV999"));
    assert_null(pv_rule_find(""));
    assert_null(pv_rule_find("PV30"));
    assert_null(pv_rule_find("PV3000"));
    assert_null(pv_rule_find("PV300 "));
    assert_null(pv_rule_find("300"));
    const pv_rule_info *r = pv_rule_find("pV001");
    assert_non_null(r);
    assert_int_equal(r->layer, PV_DIAG_INPUT);
    assert_int_equal(r->verdict, PV_INVALID);
    r = pv_rule_find("PV300");
    assert_int_equal(r->layer, PV_DIAG_AST);
    assert_int_equal(r->verdict, PV_REJECTED);
    assert_non_null(strstr(r->explanation, "__subclasses__"));
    r = pv_rule_find("PV500");
    assert_non_null(r);
    assert_int_equal(r->layer, PV_DIAG_BYTECODE);
    assert_int_equal(pv_rule_find("PV003")->verdict, PV_REJECTED);
    assert_int_equal(pv_rule_find("PV006")->verdict, PV_INVALID);
}

static void test_diag_accessors(void **state)
{
    (void)state;
    pv_program *prog = verify("x = 1\n().__class__\n", NULL);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_int_equal(pv_program_mode(prog), PV_MODE_MODULE);
    assert_true(pv_program_diag_count(prog) >= 1);
    const pv_diag *d = pv_program_diag(prog, 0);
    assert_non_null(d);
    assert_string_equal(d->code, "PV300");
    assert_string_equal(d->title, pv_rule_find("PV300")->title);
    assert_int_equal(d->severity, PV_SEV_ERROR);
    assert_int_equal(d->layer, PV_DIAG_AST);
    assert_non_null(strstr(d->message, "__class__"));
    assert_string_equal(d->file, "api.py");
    assert_int_equal(d->line, 2);
    assert_int_equal(d->col, 4);
    assert_int_equal(d->end_line, 2);
    assert_int_equal(d->end_col, 13);
    assert_non_null(d->hint);
    assert_true(strlen(d->hint) > 0);
    size_t n = pv_program_diag_count(prog);
    assert_null(pv_program_diag(prog, n));
    assert_null(pv_program_diag(prog, n + 1));
    assert_null(pv_program_diag(prog, SIZE_MAX));
    pv_program_free(prog);

    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    prog = verify("1 + 2", &o);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    assert_int_equal(pv_program_mode(prog), PV_MODE_EXPR);
    assert_int_equal(pv_program_diag_count(prog), 0);
    assert_null(pv_program_diag(prog, 0));
    pv_program_free(prog);
}

static void test_source_line(void **state)
{
    (void)state;
    pv_program *prog = verify("x = 1\r\ny = 'caf\xc3\xa9'\n\nlast", NULL);
    size_t len = 99;
    const char *s = pv_program_source_line(prog, 1, &len);
    assert_non_null(s);
    assert_int_equal(len, 5);
    assert_memory_equal(s, "x = 1", 5);
    s = pv_program_source_line(prog, 2, &len);
    assert_int_equal(len, strlen("y = 'caf\xc3\xa9'"));
    assert_memory_equal(s, "y = 'caf\xc3\xa9'", len);
    s = pv_program_source_line(prog, 3, &len);
    assert_non_null(s);
    assert_int_equal(len, 0);
    s = pv_program_source_line(prog, 4, &len);
    assert_int_equal(len, 4);
    assert_memory_equal(s, "last", 4);
    len = 99;
    assert_null(pv_program_source_line(prog, 0, &len));
    assert_int_equal(len, 0);
    assert_null(pv_program_source_line(prog, 5, &len));
    assert_null(pv_program_source_line(prog, 1000000, NULL));
    assert_non_null(pv_program_source_line(prog, 1, NULL));
    pv_program_free(prog);

    /* Input that could not be decoded has no source lines. */
    prog = NULL;
    assert_int_equal(pv_verify(&prog, g_pol, "x = 1\0", 6, "nul.py", NULL), 0);
    assert_int_equal(pv_program_verdict(prog), PV_INVALID);
    assert_null(pv_program_source_line(prog, 1, &len));
    pv_program_free(prog);
}

static void test_code_object(void **state)
{
    (void)state;
    pv_program *prog = verify("def f(a):\n    return a * 2\nprint(f(21))\n", NULL);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    assert_non_null(prog->code);
    PyGILState_STATE gs = PyGILState_Ensure();
    assert_true(PyCode_Check(prog->code));
    PyObject *fn = PyObject_GetAttrString(prog->code, "co_filename");
    assert_non_null(fn);
    assert_string_equal(PyUnicode_AsUTF8(fn), "api.py");
    Py_DECREF(fn);
    PyGILState_Release(gs);
    pv_program_free(prog);

    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    prog = verify("len([1, 2])", &o);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    assert_non_null(prog->code);
    assert_true(PyCode_Check(prog->code));
    pv_program_free(prog);

    /* Rejected by either layer, or invalid: no code object. */
    prog = verify("().__class__", NULL);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_null(prog->code);
    pv_program_free(prog);
    o.mode = PV_MODE_MODULE;
    o.layers = PV_LAYER_BYTECODE;
    prog = verify("().__class__", &o);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_null(prog->code);
    pv_program_free(prog);
    prog = verify("x = = 1", NULL);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_null(prog->code);
    pv_program_free(prog);
    prog = NULL;
    assert_int_equal(pv_verify(&prog, g_pol, "\xff", 1, "bad.py", NULL), 0);
    assert_int_equal(pv_program_verdict(prog), PV_INVALID);
    assert_null(prog->code);
    pv_program_free(prog);
}

static void test_diagnostics_sorted(void **state)
{
    (void)state;
    /* Found in different passes (walk, then scopes and attribute chains afterwards). */
    pv_program *prog = verify("print(y)\nimport os\nx = ().__class__; getattr(1, 'a')\n"
                              "class C(metaclass=len):\n    def __del__(self):\n        pass\n"
                              "z = x._p + q\n", NULL);
    size_t n = pv_program_diag_count(prog);
    assert_true(n >= 7);
    for (size_t i = 1; i < n; i++) {
        const pv_diag *a = pv_program_diag(prog, i - 1), *b = pv_program_diag(prog, i);
        if (a->line > b->line || (a->line == b->line && a->col > b->col))
            fail_msg("diagnostic %zu (%s %u:%u) comes after %zu (%s %u:%u)", i - 1, a->code,
                     a->line, a->col, i, b->code, b->line, b->col);
    }
    assert_string_equal(pv_program_diag(prog, 0)->code, "PV205");
    assert_string_equal(pv_program_diag(prog, n - 1)->code, "PV205");
    pv_program_free(prog);
}

static void test_opts(void **state)
{
    (void)state;
    pv_program *prog = (pv_program *)(uintptr_t)1;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.version = PV_VERIFY_OPTS_VERSION + 1;
    assert_int_equal(pv_verify(&prog, g_pol, "x = 1", 5, "x.py", &o), PV_ERR_INVALID);
    assert_null(prog);
    assert_non_null(strstr(pv_last_error(), "version"));
    o.version = 0;
    assert_int_equal(pv_verify(&prog, g_pol, "x = 1", 5, "x.py", &o), PV_ERR_INVALID);
    o = (pv_verify_opts)PV_VERIFY_OPTS_INIT;
    o.mode = (pv_mode)7;
    assert_int_equal(pv_verify(&prog, g_pol, "x = 1", 5, "x.py", &o), PV_ERR_INVALID);
    o = (pv_verify_opts)PV_VERIFY_OPTS_INIT;
    o.layers = 1u << 5;
    assert_int_equal(pv_verify(&prog, g_pol, "x = 1", 5, "x.py", &o), PV_ERR_INVALID);
    /* layers = 0 means both layers; NULL opts means module mode with both layers. */
    o = (pv_verify_opts)PV_VERIFY_OPTS_INIT;
    o.layers = 0;
    prog = verify("x = 1", &o);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_program_free(prog);
    prog = verify("x = 1", NULL);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    assert_int_equal(pv_program_mode(prog), PV_MODE_MODULE);
    pv_program_free(prog);
}

static int verify_globals(const char *const *g, size_t n, const char *src, pv_program **out)
{
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    o.globals = g;
    o.nglobals = n;
    *out = (pv_program *)(uintptr_t)1;
    return pv_verify(out, g_pol, src, strlen(src), "g.py", &o);
}

static void test_globals(void **state)
{
    (void)state;
    pv_program *prog;
    static const char *const bad[] = { "__x__", "__builtins__", "1abc", "a b", "", "a.b",
                                       "x\xff", "-x" };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *g[] = { "ok", bad[i] };
        if (verify_globals(g, 2, "ok", &prog) != PV_ERR_INVALID)
            fail_msg("global '%s' should be refused with PV_ERR_INVALID", bad[i]);
        assert_null(prog);
    }
    const char *gnull[] = { "ok", NULL };
    assert_int_equal(verify_globals(gnull, 2, "ok", &prog), PV_ERR_INVALID);
    assert_null(prog);

    const char *good[] = { "price", "qty", "\xc3\xa9t\xc3\xa9", "_private" };
    assert_int_equal(verify_globals(good, 4, "price * qty + \xc3\xa9t\xc3\xa9 + _private", &prog), 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_program_free(prog);
    /* nglobals bounds the array. */
    assert_int_equal(verify_globals(good, 1, "price * qty", &prog), 0);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_string_equal(pv_program_diag(prog, 0)->code, "PV205");
    pv_program_free(prog);
}

/* A host global named like a forbidden builtin: at run time, whenever the host does not bind
 * it, the name reaches the real builtin, exactly the PV203 situation. Layer 1 alone must not
 * accept `eval('1')` then (layer 2 rejects it, PV504); pv_verify may refuse the global
 * instead (PV_ERR_INVALID). Regression: layer 1 accepted it. */
static void test_global_named_like_forbidden_builtin(void **state)
{
    (void)state;
    const char *g[] = { "eval" };
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    o.layers = PV_LAYER_AST;
    o.globals = g;
    o.nglobals = 1;
    pv_program *prog = NULL;
    int rc = pv_verify(&prog, g_pol, "eval('1')", 9, "g.py", &o);
    if (rc == PV_ERR_INVALID)
        return;
    assert_int_equal(rc, 0);
    pv_verdict v = pv_program_verdict(prog);
    pv_program_free(prog);
    if (v != PV_REJECTED)
        fail_msg("REGRESSION: globals=[\"eval\"], expression 'eval(\\'1\\')', layer 1 only: "
                 "expected PV_ERR_INVALID or a rejection (PV203); got verdict %d (accepted)",
                 (int)v);
}

static void test_policy_outlives_programs(void **state)
{
    (void)state;
    /* Many programs from one policy, freed in any order. */
    pv_program *progs[16];
    for (size_t i = 0; i < 16; i++)
        progs[i] = verify(i % 2 ? "().__class__" : "x = 1", NULL);
    for (size_t i = 16; i-- > 0;) {
        assert_int_equal(pv_program_verdict(progs[i]), i % 2 ? PV_REJECTED : PV_ACCEPTED);
        pv_program_free(progs[i]);
    }
}

/* pv_shutdown() then pv_init() again must work. Regression: the library's caches (policy
 * loader namespace, node tables) still pointed into the finalised interpreter and
 * pv_policy_default() failed. Run in a child process so that a crash cannot take the other
 * tests with it. */
static void test_reinit_after_shutdown(void **state)
{
    (void)state;
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        pv_policy_free(g_pol);
        pv_shutdown();
        if (pv_init() != 0)
            _exit(10);
        pv_policy *p = NULL;
        if (pv_policy_default(&p) != 0) {
            fprintf(stderr, "pv_policy_default after re-init: %s\n", pv_last_error());
            _exit(11);
        }
        pv_program *prog = NULL;
        if (pv_verify(&prog, p, "x = ().__class__", 16, "r.py", NULL) != 0)
            _exit(12);
        int ok = pv_program_verdict(prog) == PV_REJECTED && pv_program_diag_count(prog) == 1;
        pv_program_free(prog);
        pv_policy_free(p);
        pv_shutdown();
        _exit(ok ? 0 : 13);
    }
    int st = 0;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0)
        fail_msg("REGRESSION: pv_init() -> pv_shutdown() -> pv_init() -> pv_policy_default(): "
                 "expected a working policy; child %s %d (11: pv_policy_default failed)",
                 WIFEXITED(st) ? "exited with" : "killed by signal",
                 WIFEXITED(st) ? WEXITSTATUS(st) : WTERMSIG(st));
}

static int group_teardown(void **state)
{
    (void)state;
    pv_policy_free(g_pol);
    pv_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_00_before_init),
        cmocka_unit_test(test_01_init),
        cmocka_unit_test(test_null_arguments),
        cmocka_unit_test(test_free_null),
        cmocka_unit_test(test_strerror),
        cmocka_unit_test(test_rules_catalogue),
        cmocka_unit_test(test_diag_accessors),
        cmocka_unit_test(test_source_line),
        cmocka_unit_test(test_code_object),
        cmocka_unit_test(test_diagnostics_sorted),
        cmocka_unit_test(test_opts),
        cmocka_unit_test(test_globals),
        cmocka_unit_test(test_global_named_like_forbidden_builtin),
        cmocka_unit_test(test_policy_outlives_programs),
        cmocka_unit_test(test_reinit_after_shutdown),
    };
    return cmocka_run_group_tests(tests, NULL, group_teardown);
}
