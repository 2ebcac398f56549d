/*
 * test_batch.c: pv_run_batch() (issue 19): many expressions in one sandboxed child.
 *
 * A failing expression in the middle, one over its CPU limit, a rejected one, inputs per
 * item, an item trying to leave state for the next, a batch over the count and byte
 * limits, a child that stops answering, and items forging results on the control pipe
 * (unverified, Python layer off: the only way to write fd 3).
 */
#include <Python.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "pyverify.h"

static pv_policy *policy;

typedef struct expr {
    const char *src;
    const char *input;   /* JSON object or NULL */
    bool unverified;
} expr;

/* Verify each expression (its input's keys as globals), run the batch. */
static int batch(pv_batch_result **out, const expr *e, size_t n, const pv_run_opts *o,
                 const pv_batch_opts *bo, pv_program **progs)
{
    pv_batch_item *items = calloc(n, sizeof *items);
    int rc;
    assert_non_null(items);
    for (size_t i = 0; i < n; i++) {
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        static const char *keys[] = {"a", "b"};
        vo.mode = PV_MODE_EXPR;
        vo.globals = keys;
        vo.nglobals = 2;
        if (e[i].unverified)
            vo.layers = PV_LAYER_UNSAFE_NONE;
        assert_int_equal(pv_verify(&progs[i], policy, e[i].src, strlen(e[i].src), "<item>", &vo),
                         0);
        items[i].program = progs[i];
        items[i].input_json = e[i].input;
    }
    rc = pv_run_batch(out, items, n, o, bo);
    free(items);
    return rc;
}

static void free_progs(pv_program **p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        pv_program_free(p[i]);
}

static void expect(const pv_batch_result *r, size_t i, pv_run_status st, const char *value)
{
    if (pv_batch_item_status(r, i) != st)
        fprintf(stderr, "item %zu: %s (%s) %s: %s\n", i,
                pv_run_status_name(pv_batch_item_status(r, i)),
                pv_batch_item_reason(r, i) ? pv_batch_item_reason(r, i) : "",
                pv_batch_item_exception_type(r, i) ? pv_batch_item_exception_type(r, i) : "",
                pv_batch_item_exception_message(r, i) ? pv_batch_item_exception_message(r, i)
                                                      : "");
    assert_int_equal(pv_batch_item_status(r, i), st);
    if (value) {
        assert_non_null(pv_batch_item_value(r, i));
        assert_string_equal(pv_batch_item_value(r, i), value);
    }
}

static void test_failing_in_the_middle(void **state)
{
    static const expr e[] = {{"a + b", "{\"a\": 1, \"b\": 2}", false},
                             {"a / b", "{\"a\": 1, \"b\": 0}", false},
                             {"[a] * b", "{\"a\": \"x\", \"b\": 3}", false},
                             {"__import__('os')", NULL, false}, /* rejected: never runs */
                             {"a", "{\"zz\": 1}", false},       /* undeclared input */
                             {"len('abc')", NULL, false}};
    pv_program *p[6];
    pv_batch_result *r = NULL;
    (void)state;
    assert_int_equal(batch(&r, e, 6, NULL, NULL, p), 0);
    assert_int_equal(pv_batch_result_count(r), 6);
    expect(r, 0, PV_RUN_OK, "3");
    expect(r, 1, PV_RUN_ERROR, NULL);
    assert_string_equal(pv_batch_item_exception_type(r, 1), "ZeroDivisionError");
    assert_int_equal(pv_batch_item_exception_line(r, 1), 1);
    expect(r, 2, PV_RUN_OK, "[\"x\", \"x\", \"x\"]");
    expect(r, 3, PV_RUN_REJECTED, NULL);
    assert_true(pv_program_diag_count(p[3]) > 0);
    expect(r, 4, PV_RUN_REJECTED, NULL);
    assert_non_null(strstr(pv_batch_item_reason(r, 4), "input"));
    expect(r, 5, PV_RUN_OK, "3");
    assert_int_equal(pv_batch_result_children(r), 1);
    {
        bool seccomp = false, audit = false;
        for (size_t i = 0; i < pv_batch_result_layer_count(r); i++) {
            seccomp |= strcmp(pv_batch_result_layer(r, i), "seccomp") == 0;
            audit |= strcmp(pv_batch_result_layer(r, i), "python:audit") == 0;
        }
        assert_true(seccomp);
        assert_true(audit);
    }
    pv_batch_result_free(r);
    free_progs(p, 6);
}

static void test_cpu_limit_per_item(void **state)
{
    static const expr e[] = {{"1 + 1", NULL, false},
                             {"sum(range(10 ** 10))", NULL, false},
                             {"2 + 2", NULL, false},
                             {"max([i * i for i in range(10 ** 9)])", NULL, false},
                             {"3 + 3", NULL, false}};
    pv_program *p[5];
    pv_batch_result *r = NULL;
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    bo.item_cpu_s = 0.1;
    o.cpu_s = 2;
    o.timeout_s = 10;
    assert_int_equal(batch(&r, e, 5, &o, &bo, p), 0);
    expect(r, 0, PV_RUN_OK, "2");
    expect(r, 1, PV_RUN_CPU, NULL);
    assert_non_null(strstr(pv_batch_item_reason(r, 1), "expression's CPU limit"));
    expect(r, 2, PV_RUN_OK, "4");
    expect(r, 3, PV_RUN_CPU, NULL);
    expect(r, 4, PV_RUN_OK, "6");
    assert_int_equal(pv_batch_result_children(r), 3);
    assert_true(pv_batch_result_wall_ms(r) < 5000);
    pv_batch_result_free(r);
    free_progs(p, 5);
}

static void test_batch_cpu_limit(void **state)
{
    /* the batch's CPU runs out: the running item is "cpu", the rest "not_run" */
    static const expr e[] = {{"sum(range(10 ** 10))", NULL, false},
                             {"sum(range(10 ** 10))", NULL, false},
                             {"sum(range(10 ** 10))", NULL, false},
                             {"1", NULL, false}};
    pv_program *p[4];
    pv_batch_result *r = NULL;
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    bo.item_cpu_s = 0.15;
    o.cpu_s = 0.2;
    o.timeout_s = 10;
    assert_int_equal(batch(&r, e, 4, &o, &bo, p), 0);
    expect(r, 0, PV_RUN_CPU, NULL);
    expect(r, 1, PV_RUN_CPU, NULL);
    assert_non_null(strstr(pv_batch_item_reason(r, 1), "batch's CPU"));
    expect(r, 2, PV_RUN_NOT_RUN, NULL);
    expect(r, 3, PV_RUN_NOT_RUN, NULL);
    pv_batch_result_free(r);
    free_progs(p, 4);
}

static void test_fresh_globals(void **state)
{
    /* an item binds a name (walrus), the next reads it; an input of one item is not the
       next one's; an item changing a shared object sees it gone in the next */
    static const expr e[] = {{"(a := 41) + 1", NULL, false},
                             {"a", NULL, false},
                             {"a", "{\"a\": 7}", false},
                             {"a", NULL, false},
                             {"[s for s in [print] if (print := 5)]", NULL, false},
                             {"print is not None and callable(print)", NULL, false}};
    pv_program *p[6];
    pv_batch_result *r = NULL;
    (void)state;
    assert_int_equal(batch(&r, e, 6, NULL, NULL, p), 0);
    expect(r, 0, PV_RUN_OK, "42");
    expect(r, 1, PV_RUN_ERROR, NULL);
    assert_string_equal(pv_batch_item_exception_type(r, 1), "NameError");
    expect(r, 2, PV_RUN_OK, "7");
    expect(r, 3, PV_RUN_ERROR, NULL);
    assert_string_equal(pv_batch_item_exception_type(r, 3), "NameError");
    expect(r, 5, PV_RUN_OK, "true");
    pv_batch_result_free(r);
    free_progs(p, 6);
}

static void test_limits(void **state)
{
    static const expr e[] = {{"1", "{\"a\": \"xxxxxxxxxxxxxxxxxxxx\"}", false},
                             {"2", "{\"a\": \"xxxxxxxxxxxxxxxxxxxx\"}", false},
                             {"3", NULL, false}};
    pv_program *p[3];
    pv_batch_result *r = NULL;
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *m = NULL;
    pv_batch_item it;
    (void)state;
    bo.max_items = 2;
    assert_int_equal(batch(&r, e, 3, NULL, &bo, p), PV_ERR_INVALID);
    assert_null(r);
    assert_non_null(strstr(pv_last_error(), "over the limit"));
    free_progs(p, 3);
    bo = (pv_batch_opts)PV_BATCH_OPTS_INIT;
    bo.max_bytes = 40; /* the two inputs alone are over it */
    assert_int_equal(batch(&r, e, 3, NULL, &bo, p), PV_ERR_INVALID);
    assert_null(r);
    free_progs(p, 3);
    bo.max_bytes = 100; /* the inputs fit, the marshalled code does not */
    assert_int_equal(batch(&r, e, 3, NULL, &bo, p), PV_ERR_INVALID);
    assert_null(r);
    free_progs(p, 3);
    /* per-batch stdin or input: refused */
    o.input_json = "{}";
    assert_int_equal(batch(&r, e, 3, &o, NULL, p), PV_ERR_INVALID);
    free_progs(p, 3);
    /* a module-mode program */
    assert_int_equal(pv_verify(&m, policy, "x = 1\n", 6, "m.py", NULL), 0);
    it.program = m;
    it.input_json = NULL;
    assert_int_equal(pv_run_batch(&r, &it, 1, NULL, NULL), PV_ERR_INVALID);
    pv_program_free(m);
    /* nothing runnable: no child at all */
    {
        static const expr rej[] = {{"__import__('os')", NULL, false}};
        pv_program *q[1];
        assert_int_equal(batch(&r, rej, 1, NULL, NULL, q), 0);
        expect(r, 0, PV_RUN_REJECTED, NULL);
        assert_int_equal(pv_batch_result_children(r), 0);
        pv_batch_result_free(r);
        free_progs(q, 1);
    }
}

static void test_stops_answering(void **state)
{
    /* sleeps without CPU: only the batch's wall clock ends it; the rest are not run */
    static const expr e[] = {{"1", NULL, true},
                             {"__import__('time').sleep(30)", NULL, true},
                             {"3", NULL, true}};
    pv_program *p[3];
    pv_batch_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    o.timeout_s = 0.5;
    o.flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED;
    assert_int_equal(batch(&r, e, 3, &o, NULL, p), 0);
    expect(r, 0, PV_RUN_OK, "1");
    expect(r, 1, PV_RUN_TIMEOUT, NULL);
    expect(r, 2, PV_RUN_NOT_RUN, NULL);
    assert_true(pv_batch_result_wall_ms(r) < 3000);
    pv_batch_result_free(r);
    free_progs(p, 3);
}

/* A record "B" for `index` with value text `v`, as Python bytes. */
#define FORGE(index, v)                                                                    \
    "__import__('os').write(3, b'B' + (5 + len(b'" v "')).to_bytes(4, 'little') + "         \
    "(" #index ").to_bytes(4, 'little') + b'V' + b'" v "')"

static void test_forged_records(void **state)
{
    static const expr e[] = {{"10", NULL, true},
                             /* forges the NEXT item's result: out of order */
                             {FORGE(2, "666"), NULL, true},
                             {"20", NULL, true},
                             /* forges its own result, then the real one follows: a repeat */
                             {FORGE(3, "666"), NULL, true},
                             {"30", NULL, true},
                             /* a framed record of another type: the runtime writes none */
                             {"__import__('os').write(3, b'Z' + (4).to_bytes(4, 'little') + "
                              "b'junk') and 40", NULL, true},
                             /* a value that is not printable ASCII JSON */
                             {"__import__('os').write(3, b'B' + (7).to_bytes(4, 'little') + "
                              "(6).to_bytes(4, 'little') + b'V\\n{') and __import__('os')._exit(0)",
                              NULL, true},
                             {"50", NULL, true},
                             /* a header whose length would swallow the records after it */
                             {"__import__('os').write(3, b'Zjunk') and 60", NULL, true},
                             {"70", NULL, true},
                             /* a record for an item of an earlier child: this item is
                                blamed, and the batch moves on (no child restarts here) */
                             {FORGE(1, "666"), NULL, true},
                             {"80", NULL, true}};
    pv_program *p[12];
    pv_batch_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    o.flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED;
    assert_int_equal(batch(&r, e, 12, &o, NULL, p), 0);
    expect(r, 0, PV_RUN_OK, "10");
    expect(r, 1, PV_RUN_KILLED, NULL);
    assert_non_null(strstr(pv_batch_item_reason(r, 1), "protocol"));
    expect(r, 2, PV_RUN_OK, "20"); /* never "666" */
    expect(r, 3, PV_RUN_KILLED, NULL);
    assert_null(pv_batch_item_value(r, 3));
    expect(r, 4, PV_RUN_OK, "30");
    expect(r, 5, PV_RUN_KILLED, NULL);
    expect(r, 6, PV_RUN_KILLED, NULL);
    expect(r, 7, PV_RUN_OK, "50");
    expect(r, 8, PV_RUN_KILLED, NULL);
    expect(r, 9, PV_RUN_OK, "70");
    expect(r, 10, PV_RUN_KILLED, NULL);
    expect(r, 11, PV_RUN_OK, "80");
    assert_true(pv_batch_result_children(r) <= 7);
    pv_batch_result_free(r);
    free_progs(p, 12);
}

static void test_many(void **state)
{
    /* one program, many inputs: one child, one code object sent */
    enum { N = 2000 };
    pv_program *prog = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    static const char *keys[] = {"a"};
    pv_batch_item *items = calloc(N, sizeof *items);
    char (*inputs)[32] = calloc(N, sizeof *inputs);
    pv_batch_result *r = NULL;
    (void)state;
    assert_non_null(items);
    assert_non_null(inputs);
    vo.mode = PV_MODE_EXPR;
    vo.globals = keys;
    vo.nglobals = 1;
    assert_int_equal(pv_verify(&prog, policy, "a * 2", 5, "<e>", &vo), 0);
    for (int i = 0; i < N; i++) {
        snprintf(inputs[i], sizeof inputs[i], "{\"a\": %d}", i);
        items[i].program = prog;
        items[i].input_json = inputs[i];
    }
    assert_int_equal(pv_run_batch(&r, items, N, NULL, NULL), 0);
    for (int i = 0; i < N; i += 97) {
        char want[16];
        snprintf(want, sizeof want, "%d", 2 * i);
        expect(r, (size_t)i, PV_RUN_OK, want);
    }
    assert_int_equal(pv_batch_result_children(r), 1);
    pv_batch_result_free(r);
    pv_program_free(prog);
    free(items);
    free(inputs);
}

static void test_fast_items_tight_limit(void **state)
{
    /* many quick items under a 2 ms per-item limit: the records the parent has not read yet
       are finished items; their CPU must not be charged to the running one */
    enum { N = 20000 };
    pv_program *prog = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_batch_opts bo = PV_BATCH_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_batch_item *items = calloc(N, sizeof *items);
    pv_batch_result *r = NULL;
    size_t bad = 0;
    (void)state;
    assert_non_null(items);
    vo.mode = PV_MODE_EXPR;
    assert_int_equal(pv_verify(&prog, policy, "sum(range(20))", 14, "<e>", &vo), 0);
    for (int i = 0; i < N; i++)
        items[i].program = prog;
#if defined(__SANITIZE_ADDRESS__)
    bo.item_cpu_s = 0.02; /* an ASan child is several times slower */
#else
    bo.item_cpu_s = 0.005; /* the parent reads the clock between records: load adds a little */
#endif
    o.timeout_s = 30;
    o.cpu_s = 30;
    assert_int_equal(pv_run_batch(&r, items, N, &o, &bo), 0);
    for (size_t i = 0; i < N; i++)
        bad += pv_batch_item_status(r, i) != PV_RUN_OK;
    if (bad)
        fprintf(stderr, "%zu items not ok, %u children\n", bad, pv_batch_result_children(r));
    assert_int_equal(bad, 0);
    assert_int_equal(pv_batch_result_children(r), 1);
    pv_batch_result_free(r);
    pv_program_free(prog);
    free(items);
}

static int setup_all(void **state)
{
    PyGILState_STATE g;
    (void)state;
    if (pv_init() < 0 || pv_policy_default(&policy) < 0) {
        fprintf(stderr, "setup: %s\n", pv_last_error());
        return -1;
    }
    g = PyGILState_Ensure();
    if (PyRun_SimpleString("import time") != 0) {
        PyGILState_Release(g);
        return -1;
    }
    PyGILState_Release(g);
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    pv_policy_free(policy);
    pv_shutdown();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_in_the_middle), cmocka_unit_test(test_cpu_limit_per_item),
        cmocka_unit_test(test_batch_cpu_limit),       cmocka_unit_test(test_fresh_globals),
        cmocka_unit_test(test_limits),                cmocka_unit_test(test_stops_answering),
        cmocka_unit_test(test_forged_records),        cmocka_unit_test(test_many),
        cmocka_unit_test(test_fast_items_tight_limit),
    };
    return cmocka_run_group_tests_name("batch", tests, setup_all, teardown_all);
}
