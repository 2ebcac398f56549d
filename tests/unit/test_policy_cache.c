/*
 * test_policy_cache.c: the default policy's build-time cache (verifier/policy_cache.c).
 *
 * The cache may never drift from what the running interpreter derives: every table of the
 * cached loader dict must equal the live derivation's. It must also be used (a build whose
 * key never matches would be silently slow), and a change of the key, or modules imported
 * beyond pyverify's start-up, must turn a hit into a miss. The tests run in order.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "internal.h"

static int group_setup(void **state)
{
    (void)state;
    return pv_init() == 0 ? 0 : -1;
}

static int group_teardown(void **state)
{
    (void)state;
    pv_shutdown();
    return 0;
}

/* The build's cache matches this process: the test binary starts its interpreter the way
 * pyverify does, from the same build. */
static void test_cache_is_used(void **state)
{
    (void)state;
    pv_policy *p = NULL;
    const char *why = NULL;
    assert_int_equal(pv_policy_default(&p), 0);
    int st = pvc_state(&why);
    if (st != PVC_HIT)
        fail_msg("default policy cache not used (state %d): %s", st, why ? why : "?");
    /* the public view says the same */
    assert_string_equal(pv_policy_default_origin(&why), "build");
    assert_string_equal(why, "");
    pv_policy_free(p);
}

/* Another sys.path is another key: a miss; the same again, a hit. */
static void test_changed_key_misses(void **state)
{
    (void)state;
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *path = PySys_GetObject("path"), *extra = PyUnicode_FromString("/nonexistent-pv");
    PyObject *cached = NULL;
    const char *why = NULL;
    assert_non_null(path);
    assert_int_equal(PyList_Insert(path, 0, extra), 0);
    assert_int_equal(pvc_default_tables(&cached), 0);
    assert_null(cached);
    assert_int_equal(pvc_state(&why), PVC_MISS);
    assert_non_null(strstr(why, "differs"));
    assert_int_equal(PySequence_DelItem(path, 0), 0);
    Py_DECREF(extra);
    assert_int_equal(pvc_default_tables(&cached), 1);
    Py_DECREF(cached);
    PyGILState_Release(gs);
}

/* Cached == live, table by table (sets, dicts and lists compared by value). */
static void test_cache_equals_live(void **state)
{
    (void)state;
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *cached = NULL, *live = NULL, *key, *value;
    Py_ssize_t pos = 0;
    assert_int_equal(pvc_default_tables(&cached), 1);
    live = pvp_derive_default();
    if (!live)
        fail_msg("live derivation failed: %s", pv_last_error());
    assert_int_equal(PyDict_Size(cached), PyDict_Size(live));
    size_t compared = 0;
    while (PyDict_Next(live, &pos, &key, &value)) {
        PyObject *c = PyDict_GetItemWithError(cached, key);
        const char *k = PyUnicode_AsUTF8(key);
        if (!c)
            fail_msg("table '%s' missing from the cache", k ? k : "?");
        if (PyObject_RichCompareBool(c, value, Py_EQ) != 1) {
            PyErr_Clear();
            fail_msg("table '%s' differs between the cache and live derivation", k ? k : "?");
        }
        compared++;
    }
    /* The tables the layers use are among them, and not trivially empty. */
    const char *need[] = {"attrs_allowed", "module_members", "modules", "builtins_allowed",
                          "builtins_all", "special_methods", "encodings", "opcodes", "nodes"};
    for (size_t i = 0; i < sizeof need / sizeof need[0]; i++) {
        PyObject *t = PyDict_GetItemString(cached, need[i]);
        if (!t || PyObject_Length(t) <= 0)
            fail_msg("cached table '%s' missing or empty", need[i]);
    }
    assert_true(compared >= 9);
    /* The opcode attributes the bytecode layer checks: the build's copy == the module. */
    static const char *const opattrs[] = { PVC_OPCODE_ATTRS };
    PyObject *copy = pvc_opcode_module(), *real = PyImport_ImportModule("opcode");
    assert_non_null(copy);
    assert_non_null(real);
    assert_ptr_not_equal(copy, real);
    for (size_t i = 0; i < sizeof opattrs / sizeof opattrs[0]; i++) {
        PyObject *a = PyObject_GetAttrString(copy, opattrs[i]);
        PyObject *b = PyObject_GetAttrString(real, opattrs[i]);
        if (!a || !b || PyObject_RichCompareBool(a, b, Py_EQ) != 1)
            fail_msg("opcode.%s differs between the cache and the module", opattrs[i]);
        Py_DECREF(a);
        Py_DECREF(b);
    }
    Py_DECREF(copy);
    Py_DECREF(real);
    Py_DECREF(cached);
    Py_DECREF(live);
    PyGILState_Release(gs);
}

/* Once Python code has imported more than pyverify's start-up (here the live derivation
 * above), the cache is not used: the policy still loads, derived live. */
static void test_imports_miss(void **state)
{
    (void)state;
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *cached = NULL;
    const char *why = NULL;
    assert_int_equal(pvc_default_tables(&cached), 0);
    assert_null(cached);
    assert_int_equal(pvc_state(&why), PVC_MISS);
    assert_non_null(strstr(why, "was imported before the policy loaded"));
    PyGILState_Release(gs);
    pv_policy *p = NULL;
    assert_int_equal(pv_policy_default(&p), 0);
    assert_int_equal(pvc_state(NULL), PVC_MISS);
    assert_string_equal(pv_policy_default_origin(&why), "derived");
    assert_non_null(strstr(why, "was imported before the policy loaded"));
    pv_policy_free(p);
}

/* A fingerprint follows a file's size and modification time; an absent file is (-1, -1). */
static void test_fingerprints(void **state)
{
    (void)state;
    char dir[] = "/tmp/pvcacheXXXXXX";
    assert_non_null(mkdtemp(dir));
    char file[64];
    snprintf(file, sizeof file, "%s/m.py", dir);
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *paths = Py_BuildValue("[s]", file);
    PyObject *absent = pvc_fingerprints(paths), *a, *b;
    assert_non_null(absent);
    PyObject *want = Py_BuildValue("[(s(LL))]", file, -1LL, -1LL);
    assert_int_equal(PyObject_RichCompareBool(absent, want, Py_EQ), 1);
    FILE *f = fopen(file, "w");
    assert_non_null(f);
    fputs("x = 1\n", f);
    fclose(f);
    a = pvc_fingerprints(paths);
    f = fopen(file, "a");
    assert_non_null(f);
    fputs("y = 2\n", f);
    fclose(f);
    b = pvc_fingerprints(paths);
    assert_non_null(a);
    assert_non_null(b);
    assert_int_equal(PyObject_RichCompareBool(a, absent, Py_EQ), 0);
    assert_int_equal(PyObject_RichCompareBool(a, b, Py_EQ), 0);
    Py_DECREF(paths);
    Py_DECREF(absent);
    Py_DECREF(want);
    Py_DECREF(a);
    Py_DECREF(b);
    PyGILState_Release(gs);
    unlink(file);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_cache_is_used),
        cmocka_unit_test(test_changed_key_misses),
        cmocka_unit_test(test_cache_equals_live), /* derives live: imports the modules */
        cmocka_unit_test(test_imports_miss),      /* so must come after it */
        cmocka_unit_test(test_fingerprints),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
