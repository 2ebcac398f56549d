/*
 * test_policy.c: loading rules files (pv_policy_load_buffer / pv_policy_load_file).
 *
 * Valid files (extends = "none", extend-KEY, replacing a list, attribute allow lists, deny
 * patterns that win), and every kind of broken file: each must return PV_ERR_POLICY (or
 * PV_ERR_IO for a missing file) with *out == NULL and a pv_last_error() that says what is
 * wrong and where.
 *
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
#include <unistd.h>
#include <cmocka.h>

#include "pyverify.h"

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

static pv_policy *load_ok(const char *toml)
{
    pv_policy *p = NULL;
    int rc = pv_policy_load_buffer(&p, toml, strlen(toml), "test.toml");
    if (rc != 0)
        fail_msg("expected the rules to load: %d %s\n--- rules:\n%s", rc, pv_last_error(), toml);
    assert_non_null(p);
    assert_string_equal(pv_policy_origin(p), "test.toml");
    return p;
}

/* Loading fails with PV_ERR_POLICY, *out NULL, and every `want` substring (NULL-terminated
 * list) in the message. */
static void load_bad_len(const char *toml, size_t len, const char *const *want)
{
    pv_policy *p = (pv_policy *)(uintptr_t)1; /* must be overwritten with NULL */
    int rc = pv_policy_load_buffer(&p, toml, len, "bad.toml");
    const char *msg = pv_last_error();
    if (rc != PV_ERR_POLICY || p != NULL) {
        if (rc == 0)
            pv_policy_free(p);
        fail_msg("expected PV_ERR_POLICY and NULL; got %d (%s) for:\n%s", rc, msg, toml);
    }
    assert_non_null(msg);
    for (const char *const *w = want; *w; w++)
        if (!strstr(msg, *w))
            fail_msg("error message '%s' does not mention '%s'", msg, *w);
}

#define BAD(toml, ...) \
    load_bad_len(toml, strlen(toml), (const char *const[]){ __VA_ARGS__, NULL })

static pv_program *verify(const pv_policy *pol, const char *src, unsigned layers)
{
    pv_program *prog = NULL;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = layers;
    assert_int_equal(pv_verify(&prog, pol, src, strlen(src), "t.py", &o), 0);
    return prog;
}

static void expect_verdict(const pv_policy *pol, const char *src, pv_verdict v, const char *code)
{
    pv_program *prog = verify(pol, src, PV_LAYER_STATIC);
    if (pv_program_verdict(prog) != v ||
        (code && (pv_program_diag_count(prog) == 0 ||
                  strcmp(pv_program_diag(prog, 0)->code, code) != 0))) {
        for (size_t i = 0; i < pv_program_diag_count(prog); i++)
            print_message("  diag %s %u:%u %s\n", pv_program_diag(prog, i)->code,
                          pv_program_diag(prog, i)->line, pv_program_diag(prog, i)->col,
                          pv_program_diag(prog, i)->message);
        fail_msg("'%s': expected verdict %d%s%s; got %d", src, (int)v, code ? " with " : "",
                 code ? code : "", (int)pv_program_verdict(prog));
    }
    pv_program_free(prog);
}

/* ---- valid rules files -------------------------------------------------------------------- */

static void test_default_policy(void **state)
{
    (void)state;
    pv_policy *p = NULL;
    assert_int_equal(pv_policy_default(&p), 0);
    assert_string_equal(pv_policy_origin(p), "<default>");
    expect_verdict(p, "x = 1", PV_ACCEPTED, NULL);
    pv_policy_free(p);
    /* The embedded default text loads as a rules file too, and behaves the same. */
    size_t n = 0;
    const char *text = pv_default_rules(&n);
    assert_true(n > 0);
    assert_int_equal(strlen(text), n);
    assert_int_equal(pv_policy_load_buffer(&p, text, n, "copy.toml"), 0);
    expect_verdict(p, "import math\nprint(math.pi)", PV_ACCEPTED, NULL);
    expect_verdict(p, "().__class__", PV_REJECTED, "PV300");
    pv_policy_free(p);
}

static void test_empty_rules_file_is_the_default(void **state)
{
    (void)state;
    pv_policy *p = load_ok("");
    expect_verdict(p, "import math\nprint(math.pi)", PV_ACCEPTED, NULL);
    expect_verdict(p, "import os", PV_REJECTED, "PV400");
    pv_policy_free(p);
    p = load_ok("# only a comment\nextends = \"default\"\n");
    expect_verdict(p, "x = [1]\nx.append(2)", PV_ACCEPTED, NULL);
    pv_policy_free(p);
}

static void test_extends_none(void **state)
{
    (void)state;
    pv_policy *p = load_ok("extends = \"none\"\n");
    /* Nothing is allowed: not even the Module node. */
    pv_program *prog = verify(p, "x = 1", PV_LAYER_AST);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_true(pv_program_diag_count(prog) >= 1);
    bool module = false;
    for (size_t i = 0; i < pv_program_diag_count(prog); i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        assert_string_equal(d->code, "PV100");
        if (strstr(d->message, "'Module'"))
            module = true;
    }
    assert_true(module);
    pv_program_free(prog);
    prog = verify(p, "", PV_LAYER_AST);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_int_equal(pv_program_diag_count(prog), 1);
    assert_string_equal(pv_program_diag(prog, 0)->code, "PV100");
    assert_non_null(strstr(pv_program_diag(prog, 0)->message, "Module"));
    pv_program_free(prog);
    pv_policy_free(p);

    /* extends = "none" plus exactly what a tiny language needs. */
    p = load_ok("extends = \"none\"\n"
                "[nodes]\nallow = [\"Expression\", \"BinOp\", \"Add\", \"Name\", \"Load\", "
                "\"Constant\"]\n");
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    o.layers = PV_LAYER_AST;
    const char *g[] = { "a" };
    o.globals = g;
    o.nglobals = 1;
    prog = NULL;
    assert_int_equal(pv_verify(&prog, p, "a + 1", 5, "e", &o), 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_program_free(prog);
    assert_int_equal(pv_verify(&prog, p, "a * 1", 5, "e", &o), 0);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_string_equal(pv_program_diag(prog, 0)->code, "PV100");
    assert_non_null(strstr(pv_program_diag(prog, 0)->message, "Mult"));
    pv_program_free(prog);
    /* No builtins in that policy. */
    assert_int_equal(pv_verify(&prog, p, "len + 1", 7, "e", &o), 0);
    assert_int_equal(pv_program_verdict(prog), PV_REJECTED);
    assert_string_equal(pv_program_diag(prog, 0)->code, "PV202");
    pv_program_free(prog);
    pv_policy_free(p);
}

static void test_extend_allow(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[builtins]\nextend-allow = [\"vars\"]\n"
                           "[nodes]\nextend-allow = [\"AsyncFunctionDef\", \"Await\"]\n");
    expect_verdict(p, "x = vars", PV_ACCEPTED, NULL);
    pv_program *prog = verify(p, "async def f():\n    pass", PV_LAYER_AST);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    pv_program_free(prog);
    /* The rest of the default list is still there. */
    expect_verdict(p, "print(len([1]))", PV_ACCEPTED, NULL);
    expect_verdict(p, "getattr(1, 'real')", PV_REJECTED, "PV202");
    pv_policy_free(p);

    p = load_ok("[imports]\nextend-allow = [\"string\"]\n");
    expect_verdict(p, "import string\nx = string.ascii_letters", PV_ACCEPTED, NULL);
    expect_verdict(p, "import math\nx = math.pi", PV_ACCEPTED, NULL);
    pv_policy_free(p);
}

static void test_replace_list(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[builtins]\nallow = [\"print\", \"len\"]\n");
    expect_verdict(p, "print(len([1]))", PV_ACCEPTED, NULL);
    /* abs was in the default list, which was replaced. */
    expect_verdict(p, "print(abs(-1))", PV_REJECTED, "PV202");
    pv_policy_free(p);

    p = load_ok("[names]\nspecial_methods = [\"__init__\"]\n");
    expect_verdict(p, "class C:\n    def __init__(self):\n        self.x = 1", PV_ACCEPTED, NULL);
    expect_verdict(p, "class C:\n    def __repr__(self):\n        return 'C'", PV_REJECTED, "PV103");
    pv_policy_free(p);

    p = load_ok("[limits]\nmax_depth = 50\nmax_nodes = 1000\n");
    expect_verdict(p, "x = 1", PV_ACCEPTED, NULL);
    pv_policy_free(p);
}

/* Replacing [imports] allow is what a rules file does to allow fewer modules. Regression:
 * once the default gained `deny_members` (functools.*, dataclasses.*), such a file failed to
 * load ("deny_members: 'functools.singledispatch' is not a member of an allowed module"). */
static void test_replace_imports_allow(void **state)
{
    (void)state;
    static const char toml[] = "[imports]\nallow = [\"math\"]\n";
    pv_policy *p = NULL;
    int rc = pv_policy_load_buffer(&p, toml, sizeof toml - 1, "fewer-modules.toml");
    if (rc != 0)
        fail_msg("REGRESSION: '[imports] allow = [\"math\"]' should load (fewer modules than the "
                 "default); got %d: %s", rc, pv_last_error());
    expect_verdict(p, "import math\nx = math.pi", PV_ACCEPTED, NULL);
    expect_verdict(p, "import json", PV_REJECTED, "PV400");
    pv_policy_free(p);
}

static void test_attributes_allow(void **state)
{
    (void)state;
    pv_policy *dflt = NULL;
    assert_int_equal(pv_policy_default(&dflt), 0);
    expect_verdict(dflt, "x = 1\nx.foo", PV_REJECTED, "PV302");
    pv_policy_free(dflt);

    pv_policy *p = load_ok("[attributes]\nextend-allow = [\"foo\"]\n");
    expect_verdict(p, "x = 1\nx.foo", PV_ACCEPTED, NULL);
    expect_verdict(p, "x = 1\nx.bar", PV_REJECTED, "PV302");
    pv_policy_free(p);

    p = load_ok("[attributes]\nallow_patterns = ['^ext_[a-z]+$']\n");
    expect_verdict(p, "x = 1\nx.ext_abc", PV_ACCEPTED, NULL);
    expect_verdict(p, "x = 1\nx.ext_ABC", PV_REJECTED, "PV302");
    pv_policy_free(p);
}

/* The library attribute set (PV306) is derived live for a policy file, not only cached for
 * the default: program-defined names that library objects have stay unreadable. */
static void test_library_attrs_live(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[attributes]\nextend-allow = [\"zzz\"]\n");
    expect_verdict(p, "class X:\n    pass\nx = X()\nx.register = 1\nx.register", PV_REJECTED, "PV306");
    expect_verdict(p, "class X:\n    pass\nx = X()\nx._abc_impl = 1\nx._abc_impl", PV_REJECTED, "PV306");
    expect_verdict(p, "class X:\n    pass\nx = X()\nx.gauss_next = 1\nx.gauss_next", PV_REJECTED, "PV306");
    expect_verdict(p, "class X:\n    pass\nx = X()\nx.xq = 1\nx._yq = 2\nx.xq + x._yq", PV_ACCEPTED, NULL);
    pv_policy_free(p);
    /* extends = "none": nothing imported, yet the builtin types' names are still in the set */
    p = load_ok("extends = \"none\"\n[nodes]\nallow = [\"Module\", \"Expr\", \"Attribute\", \"Name\", "
                "\"Load\", \"Store\", \"Assign\", \"Constant\"]\n");
    expect_verdict(p, "x = 1\nx.real = 1\nx.real", PV_REJECTED, "PV306");
    pv_policy_free(p);
}

static void test_deny_wins_over_allow(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[attributes]\nextend-allow = [\"gi_frame\", \"mro\"]\n"
                           "allow_patterns = ['.*']\n");
    expect_verdict(p, "g = (x for x in [1])\ng.gi_frame", PV_REJECTED, "PV301");
    expect_verdict(p, "x = int\nx.mro()", PV_REJECTED, "PV301");
    /* Private attributes stay private whatever the allow lists say. */
    expect_verdict(p, "x = 1\nx._y", PV_REJECTED, "PV300");
    expect_verdict(p, "x = 1\nx.anything_else", PV_ACCEPTED, NULL);
    pv_policy_free(p);
    p = load_ok("[attributes]\nextend-allow = [\"__class__\"]\n");
    expect_verdict(p, "().__class__", PV_REJECTED, "PV300");
    pv_policy_free(p);
    /* A program-defined name does not beat a deny pattern either. */
    p = load_ok("");
    expect_verdict(p, "class C:\n    gi_frame = 1\nC().gi_frame", PV_REJECTED, "PV301");
    pv_policy_free(p);
}

static void test_names_deny(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[names]\nextend-deny = ['^tmp']\n");
    expect_verdict(p, "tmp1 = 1", PV_REJECTED, "PV201");
    expect_verdict(p, "x = 1", PV_ACCEPTED, NULL);
    /* The dunder rule stays with the extended list. */
    expect_verdict(p, "__x__ = 1", PV_REJECTED, "PV200");
    pv_policy_free(p);
}

static void test_raised_limits_apply(void **state)
{
    (void)state;
    pv_policy *p = load_ok("[limits]\nmax_source_bytes = 5\n");
    expect_verdict(p, "x = 1", PV_ACCEPTED, NULL);
    expect_verdict(p, "x = 12", PV_INVALID, "PV004");
    pv_policy_free(p);
    /* Exactly the ceilings load. */
    p = load_ok("[limits]\nmax_source_bytes = 67108864\nmax_depth = 10000\n"
                "max_nodes = 20000000\nmax_diagnostics = 100000\n"
                "max_fstring_work = 100000000000\nmax_tokens = 50000000\n");
    pv_policy_free(p);
}

/* ---- broken rules files ---------------------------------------------------------------------- */

static void test_unknown_table(void **state)
{
    (void)state;
    BAD("[nodez]\nallow = []\n", "bad.toml", "unknown table", "nodez");
    BAD("foo = 1\n", "bad.toml", "foo");
    BAD("[tool.pyverify]\nx = 1\n", "bad.toml", "tool");
}

static void test_unknown_key(void **state)
{
    (void)state;
    BAD("[nodes]\nallowed = []\n", "bad.toml", "unknown key", "allowed", "[nodes]");
    BAD("[limits]\nmax_bytes = 10\n", "unknown key", "max_bytes");
    /* extend- only exists for lists. */
    BAD("[limits]\nextend-max_depth = [1]\n", "unknown key", "extend-max_depth");
    BAD("[attributes]\nextend-derive = [true]\n", "unknown key", "extend-derive");
}

static void test_wrong_types(void **state)
{
    (void)state;
    BAD("[nodes]\nallow = \"Module\"\n", "[nodes] allow", "list of strings");
    BAD("[nodes]\nallow = [1, 2]\n", "[nodes] allow", "list of strings");
    BAD("[limits]\nmax_depth = \"5\"\n", "[limits] max_depth", "positive integer");
    BAD("[limits]\nmax_depth = 0\n", "max_depth", "positive integer");
    BAD("[limits]\nmax_depth = -5\n", "max_depth", "positive integer");
    BAD("[limits]\nmax_depth = true\n", "max_depth", "positive integer");
    BAD("[limits]\nmax_depth = 5.5\n", "max_depth", "positive integer");
    BAD("[attributes]\nderive = 1\n", "[attributes] derive", "true or false");
    BAD("[format]\nsafe_template = 1\n", "[format] safe_template", "string");
    BAD("nodes = 1\n", "nodes");
    BAD("extends = \"other\"\n", "extends");
    BAD("extends = 1\n", "extends");
}

static void test_limits_over_ceiling(void **state)
{
    (void)state;
    BAD("[limits]\nmax_source_bytes = 67108865\n", "max_source_bytes", "ceiling");
    BAD("[limits]\nmax_fstring_work = 100000000001\n", "max_fstring_work", "ceiling");
    BAD("[limits]\nmax_tokens = 50000001\n", "max_tokens", "ceiling");
    BAD("[limits]\nmax_depth = 10001\n", "max_depth", "ceiling");
    BAD("[limits]\nmax_nodes = 20000001\n", "max_nodes", "ceiling");
    BAD("[limits]\nmax_diagnostics = 100001\n", "max_diagnostics", "ceiling");
    BAD("[limits]\nmax_depth = 99999999999999999999999\n", "bad.toml");
}

static void test_invalid_toml(void **state)
{
    (void)state;
    BAD("x = 1\n[limits\n", "bad.toml", "invalid TOML", "line 2");
    BAD("[limits]\nmax_depth = \n", "invalid TOML", "line 2");
    BAD("[nodes]\nallow = [\"Module\",\n\n\n", "invalid TOML"); /* tomllib: "at end of document" */
    BAD("[limits]\nmax_depth = 5\nmax_depth = 6\n", "invalid TOML", "line 3");
}

static void test_invalid_pattern(void **state)
{
    (void)state;
    BAD("[names]\nextend-deny = ['(abc']\n", "bad.toml", "[names] deny", "(abc",
        "missing closing parenthesis");
    BAD("[attributes]\nallow_patterns = ['[z-a]']\n", "[attributes] allow_patterns", "[z-a]",
        "range out of order");
    BAD("[attributes]\ndeny = ['*x']\n", "[attributes] deny", "*x");
    BAD("[format]\nsafe_template = '('\n", "[format] safe_template", "invalid pattern");
}

static void test_unknown_builtin(void **state)
{
    (void)state;
    BAD("[builtins]\nextend-allow = [\"nosuchbuiltin\"]\n", "[builtins] allow", "nosuchbuiltin",
        "not a builtin");
}

static void test_dunder_builtin(void **state)
{
    (void)state;
    BAD("[builtins]\nextend-allow = [\"__import__\"]\n", "[builtins] allow", "__import__",
        "dunder");
    BAD("[builtins]\nextend-allow = [\"__build_class__\"]\n", "__build_class__", "dunder");
}

static void test_never_definable_special_method(void **state)
{
    (void)state;
    static const char *const never[] = { "__getattr__", "__getattribute__", "__setattr__",
                                         "__delattr__", "__del__", "__new__",
                                         "__init_subclass__", "__class_getitem__",
                                         "__set_name__", "__reduce__", "__reduce_ex__" };
    for (size_t i = 0; i < sizeof never / sizeof never[0]; i++) {
        char toml[128];
        snprintf(toml, sizeof toml, "[names]\nextend-special_methods = [\"%s\"]\n", never[i]);
        load_bad_len(toml, strlen(toml),
                     (const char *const[]){ "[names] special_methods", never[i],
                                            "cannot be made definable", NULL });
    }
    BAD("[names]\nextend-special_methods = [\"init\"]\n", "special_methods", "'init'");
}

static void test_unknown_module(void **state)
{
    (void)state;
    BAD("[imports]\nextend-allow = [\"no_such_module_xyz\"]\n", "[imports] allow",
        "no_such_module_xyz");
    BAD("[imports]\nextend-allow = [\"os..path\"]\n", "[imports] allow", "os..path");
    BAD("[imports]\nextend-allow = [\"__main__\"]\n", "[imports] allow", "__main__");
}

static void test_unknown_node_kind(void **state)
{
    (void)state;
    BAD("[nodes]\nextend-allow = [\"Foo\"]\n", "[nodes] allow", "unknown node kind", "Foo");
    BAD("[nodes]\nextend-allow = [\"module\"]\n", "[nodes] allow", "module");
}

static void test_unknown_opcode(void **state)
{
    (void)state;
    BAD("[bytecode]\nextend-opcodes = [\"NO_SUCH_OP\"]\n", "[bytecode] opcodes", "NO_SUCH_OP");
}

static void test_other_bad_values(void **state)
{
    (void)state;
    BAD("[source]\nextend-encodings = [\"no-such-enc\"]\n", "[source] encodings", "no-such-enc");
    BAD("[attributes]\nextend-types = [\"types.Nope\"]\n", "[attributes] types", "types.Nope");
    BAD("[attributes]\nextend-allow = [\"a.b\"]\n", "[attributes] allow", "a.b");
}

static void test_nul_byte(void **state)
{
    (void)state;
    static const char toml[] = "[nodes]\0\nallow = []\n";
    load_bad_len(toml, sizeof toml - 1, (const char *const[]){ "bad.toml", "NUL", NULL });
}

static void test_invalid_utf8(void **state)
{
    (void)state;
    static const char toml[] = "# caf\xe9\n[limits]\nmax_depth = 5\n";
    load_bad_len(toml, sizeof toml - 1, (const char *const[]){ "bad.toml", "0xe9", NULL });
}

static void test_too_large(void **state)
{
    (void)state;
    size_t n = 1024u * 1024u + 1;
    char *big = malloc(n);
    assert_non_null(big);
    memset(big, '#', n);
    big[n - 1] = '\n';
    load_bad_len(big, n, (const char *const[]){ "bad.toml", "larger", NULL });
    free(big);
}

static void test_load_file(void **state)
{
    (void)state;
    pv_policy *p = (pv_policy *)(uintptr_t)1;
    assert_int_equal(pv_policy_load_file(&p, "/nonexistent/dir/rules.toml"), PV_ERR_IO);
    assert_null(p);
    assert_non_null(strstr(pv_last_error(), "/nonexistent/dir/rules.toml"));

    char path[] = "/tmp/pv_test_policy_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    static const char good[] = "[attributes]\nextend-allow = [\"foo\"]\n";
    assert_int_equal(write(fd, good, sizeof good - 1), (ssize_t)(sizeof good - 1));
    close(fd);
    p = NULL;
    assert_int_equal(pv_policy_load_file(&p, path), 0);
    assert_string_equal(pv_policy_origin(p), path);
    expect_verdict(p, "x = 1\nx.foo", PV_ACCEPTED, NULL);
    pv_policy_free(p);

    /* Errors in a file name the file. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("[limits]\nmax_depth = \"x\"\n", f);
    fclose(f);
    p = (pv_policy *)(uintptr_t)1;
    assert_int_equal(pv_policy_load_file(&p, path), PV_ERR_POLICY);
    assert_null(p);
    assert_non_null(strstr(pv_last_error(), path));
    unlink(path);

    /* A directory is not a rules file. */
    p = (pv_policy *)(uintptr_t)1;
    int rc = pv_policy_load_file(&p, "/tmp");
    assert_true(rc == PV_ERR_IO || rc == PV_ERR_POLICY);
    assert_null(p);
}

static void test_invalid_arguments(void **state)
{
    (void)state;
    pv_policy *p = NULL;
    assert_int_equal(pv_policy_load_buffer(NULL, "", 0, "x"), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_buffer(&p, NULL, 5, "x"), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_file(NULL, "x"), PV_ERR_INVALID);
    assert_int_equal(pv_policy_load_file(&p, NULL), PV_ERR_INVALID);
    assert_int_equal(pv_policy_default(NULL), PV_ERR_INVALID);
    /* A NULL origin is named by a placeholder. */
    assert_int_equal(pv_policy_load_buffer(&p, "", 0, NULL), 0);
    assert_non_null(pv_policy_origin(p));
    pv_policy_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_policy),
        cmocka_unit_test(test_library_attrs_live),
        cmocka_unit_test(test_empty_rules_file_is_the_default),
        cmocka_unit_test(test_extends_none),
        cmocka_unit_test(test_extend_allow),
        cmocka_unit_test(test_replace_list),
        cmocka_unit_test(test_replace_imports_allow),
        cmocka_unit_test(test_attributes_allow),
        cmocka_unit_test(test_deny_wins_over_allow),
        cmocka_unit_test(test_names_deny),
        cmocka_unit_test(test_raised_limits_apply),
        cmocka_unit_test(test_unknown_table),
        cmocka_unit_test(test_unknown_key),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_limits_over_ceiling),
        cmocka_unit_test(test_invalid_toml),
        cmocka_unit_test(test_invalid_pattern),
        cmocka_unit_test(test_unknown_builtin),
        cmocka_unit_test(test_dunder_builtin),
        cmocka_unit_test(test_never_definable_special_method),
        cmocka_unit_test(test_unknown_module),
        cmocka_unit_test(test_unknown_node_kind),
        cmocka_unit_test(test_unknown_opcode),
        cmocka_unit_test(test_other_bad_values),
        cmocka_unit_test(test_nul_byte),
        cmocka_unit_test(test_invalid_utf8),
        cmocka_unit_test(test_too_large),
        cmocka_unit_test(test_load_file),
        cmocka_unit_test(test_invalid_arguments),
    };
    return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
