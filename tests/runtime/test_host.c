/*
 * test_host.c: host functions (issue 17) through the public API, by pv_run() and by a warm
 * runner: values round-trip; non-data values are refused in both directions; budgets (calls,
 * bytes, wall clock) end the run with their status; HostError surfaces and can be caught;
 * the stub cannot be introspected (static layers and run time); a child that forges host
 * records is killed.
 */
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pyverify.h"

static pv_policy *policy;

static const char rules[] =
    "[host]\nfunctions = [\"echo\", \"fail\", \"slow\", \"bad\", \"big\", \"deep\", \"floats\"]\n";

static char *sdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *p = malloc(n);
    if (p)
        memcpy(p, s, n);
    return p;
}

static int calls_seen;

/* echo: the arguments as the host received them */
static int h_echo(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)ctx, (void)name, (void)err;
    calls_seen++;
    assert_int_equal(strlen(args), len);
    *res = sdup(args);
    return 0;
}

static int h_fail(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)res;
    *err = sdup("no rate for XYZ");
    return 1;
}

static int h_slow(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)name, (void)args, (void)len, (void)err;
    double s = *(const double *)ctx;
    struct timespec ts = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
    *res = sdup("\"done\"");
    return 0;
}

/* bad: a result that is not JSON */
static int h_bad(void *ctx, const char *name, const char *args, size_t len, char **res,
                 char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)err;
    *res = sdup("{\"a\": [1, 2");
    return 0;
}

/* big: a result of 2000 bytes */
static int h_big(void *ctx, const char *name, const char *args, size_t len, char **res,
                 char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)err;
    *res = malloc(2003);
    memset(*res, 'x', 2002);
    (*res)[0] = (*res)[2001] = '"';
    (*res)[2002] = '\0';
    return 0;
}

/* deep: a result nested 100 deep */
static int h_deep(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)err;
    *res = malloc(201);
    memset(*res, '[', 100);
    memset(*res + 100, ']', 100);
    (*res)[200] = '\0';
    return 0;
}

/* floats: 0.1 written with 17 digits once re-encoded (1,201 bytes become over 6,000) */
static int h_floats(void *ctx, const char *name, const char *args, size_t len, char **res,
                    char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)err;
    *res = malloc(1202);
    (*res)[0] = '[';
    for (int i = 0; i < 300; i++)
        memcpy(*res + 1 + 4 * i, "0.1,", 4);
    (*res)[1200] = ']';
    (*res)[1201] = '\0';
    return 0;
}

static double slow_s = 0.8;
static const pv_host_function fns[] = {
    {"echo", h_echo, NULL}, {"fail", h_fail, NULL}, {"slow", h_slow, &slow_s},
    {"bad", h_bad, NULL},   {"big", h_big, NULL},   {"deep", h_deep, NULL},
    {"floats", h_floats, NULL},
};

typedef struct host_case {
    const char *name;
    const char *src;
    bool unverified;        /* PV_LAYER_UNSAFE_NONE, run with PV_RUN_ALLOW_UNVERIFIED */
    unsigned flags;
    unsigned max_calls;
    size_t max_bytes;
    double timeout_s, cpu_s;
    pv_run_status status;
    const char *out;        /* exact stdout, or NULL */
    const char *exc_type;
    const char *exc_msg;    /* substring */
    const char *kill;       /* prefix of the kill reason */
} host_case;

#define U true
#define NOPY PV_RUN_NO_PYTHON_LAYER

static const host_case cases[] = {
    {"round_trip",
     "r = echo(1, -2, 2.5, 'é\\n\"', None, True, False, [1, [2]], (3, 4), {'k': {'x': []}}, "
     "2**63 - 1, -2**63, 1e300, key='v')\nprint(r)\nprint(r['args'][8] == [3, 4])\n",
     .status = PV_RUN_OK,
     .out = "{'args': [1, -2, 2.5, 'é\\n\"', None, True, False, [1, [2]], [3, 4], "
            "{'k': {'x': []}}, 9223372036854775807, -9223372036854775808, 1e+300], "
            "'kwargs': {'key': 'v'}}\nTrue\n"},
    {"no_args", "print(echo())\n", .status = PV_RUN_OK, .out = "{'args': [], 'kwargs': {}}\n"},
    {"nul_in_string", "print(echo('a\\x00b', k='\\x00')['args'][0] == 'a\\x00b')\n",
     .status = PV_RUN_OK, .out = "True\n"},
    {"result_reencoded_over", "floats()\n", .max_bytes = 2000, .status = PV_RUN_HOST_LIMIT,
     .kill = "host: result of 6"},
    {"result_reencoded_under", "print(len(floats()))\n", .max_bytes = 8000,
     .status = PV_RUN_OK, .out = "300\n"},
    /* every non-data value is refused in the child, before anything is sent */
    {"refuse_values",
     "class A:\n    pass\n"
     "l = []\nl.append(l)\nd = {}\nd['d'] = d\nx = []\nfor i in range(100):\n    x = [x]\n"
     "vals = [print, lambda: 1, A(), A, l, d, {1: 2}, x, 2**64, float('nan'), float('inf'), "
     "{1, 2}, b'x', 1j, range(3), echo, HostError, ValueError('e')]\n"
     "n = 0\nfor v in vals:\n    try:\n        echo(v)\n    except (TypeError, ValueError):\n"
     "        n += 1\n"
     "for v in vals:\n    try:\n        echo(k=[v])\n    except (TypeError, ValueError):\n"
     "        n += 1\n"
     "print(n)\n",
     .status = PV_RUN_OK, .out = "36\n"},
    {"refuse_module", "import math\ntry:\n    echo(math)\nexcept TypeError as e:\n    print(e)\n",
     U, .status = PV_RUN_OK,
     .out = "host call: a module is not data (None, bool, int, float, str, list, tuple, dict)\n"},
    {"refuse_subclass",
     "class S(str):\n    pass\nclass I(int):\n    pass\nn = 0\nfor v in [S('a'), I(1), {S('k'): 1}]:\n"
     "    try:\n        echo(v)\n    except TypeError:\n        n += 1\nprint(n)\n",
     .status = PV_RUN_OK, .out = "3\n"},
    /* in the other direction: the parent refuses what is not JSON data */
    {"refuse_result_invalid", "try:\n    bad()\nexcept HostError as e:\n    print(e)\n",
     .status = PV_RUN_OK, .out = "host function returned invalid JSON\n"},
    {"refuse_result_deep", "try:\n    deep()\nexcept HostError as e:\n    print(e)\n",
     .status = PV_RUN_OK, .out = "host function returned a value nested too deeply\n"},
    /* HostError */
    {"host_error_caught",
     "try:\n    fail('XYZ')\nexcept HostError as e:\n    print('caught', e, isinstance(e, Exception))\n",
     .status = PV_RUN_OK, .out = "caught no rate for XYZ True\n"},
    {"host_error_uncaught", "x = 1\nfail('XYZ')\n", .status = PV_RUN_ERROR,
     .exc_type = "HostError", .exc_msg = "no rate for XYZ"},
    /* budgets */
    {"call_flood", "for i in range(100):\n    echo(i)\n", .max_calls = 10,
     .status = PV_RUN_HOST_LIMIT, .kill = "host: more than 10 calls"},
    {"calls_at_limit", "for i in range(10):\n    echo(i)\nprint('ok')\n", .max_calls = 10,
     .status = PV_RUN_OK, .out = "ok\n"},
    {"oversized_argument", "echo('x' * 2000)\n", .max_bytes = 1000,
     .status = PV_RUN_HOST_LIMIT, .kill = "host: arguments of"},
    {"oversized_result", "big()\n", .max_bytes = 1000, .status = PV_RUN_HOST_LIMIT,
     .kill = "host: result of 2002 bytes"},
    {"slow_host_wall", "slow()\nprint('not reached')\n", .timeout_s = 0.5,
     .status = PV_RUN_TIMEOUT},
    /* the host's time is not the program's CPU */
    {"slow_host_not_cpu", "print(slow())\n", .cpu_s = 0.3, .timeout_s = 5,
     .status = PV_RUN_OK, .out = "done\n"},
    /* the stub at run time, static layers off: no attribute, read or written */
    {"stub_no_attributes",
     "n = 0\nfor a in ['__self__', '__closure__', '__class__', '__dict__', '__module__', "
     "'__call__', '__reduce_ex__', '__name__', '__qualname__', '__code__', '__globals__', "
     "'__wrapped__', 'x']:\n"
     "    try:\n        getattr(echo, a)\n    except AttributeError:\n        n += 1\n"
     "try:\n    echo.x = 1\nexcept AttributeError:\n    n += 1\n"
     "try:\n    type(echo)()\nexcept TypeError:\n    n += 1\n"
     "print(n, repr(echo))\n",
     U, .flags = NOPY, .status = PV_RUN_OK, .out = "15 <host function echo>\n"},
    {"stub_attr_python_layer", "echo.__self__\n", U, .status = PV_RUN_ERROR,
     .exc_type = "AttributeError"},
    /* records forged on the control pipe by a child running native code */
    {"forged_unknown_name",
     "import os\np = b'nope\\0{\"args\":[],\"kwargs\":{}}'\n"
     "os.write(3, b'H' + len(p).to_bytes(4, 'little') + p)\nimport time\ntime.sleep(5)\n",
     U, .flags = NOPY, .status = PV_RUN_HOST_LIMIT, .kill = "host: call of an unknown function"},
    {"forged_malformed",
     "import os\np = b'echo\\0[1, 2]'\n"
     "os.write(3, b'H' + len(p).to_bytes(4, 'little') + p)\nimport time\ntime.sleep(5)\n",
     U, .flags = NOPY, .status = PV_RUN_HOST_LIMIT, .kill = "host: malformed request"},
    {"forged_second_call",
     "import os\np = b'echo\\0{\"args\":[\"' + b'x' * 500000 + b'\"],\"kwargs\":{}}'\n"
     "r = b'H' + len(p).to_bytes(4, 'little') + p\nos.write(3, r)\nos.write(3, r)\n"
     "import time\ntime.sleep(5)\n",
     U, .flags = NOPY, .status = PV_RUN_HOST_LIMIT, .kill = "host: a second call"},
    {"forged_huge_header",
     "import os\nos.write(3, b'H' + (100 << 20).to_bytes(4, 'little') + b'echo\\0')\n"
     "import time\ntime.sleep(5)\n",
     U, .flags = NOPY, .status = PV_RUN_HOST_LIMIT, .kill = "host: arguments of 104857600"},
};

static pv_program *compile(const host_case *c)
{
    pv_program *p = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    if (c->unverified)
        vo.layers = PV_LAYER_UNSAFE_NONE;
    assert_int_equal(pv_verify(&p, policy, c->src, strlen(c->src), "host.py", &vo), 0);
    if (pv_program_verdict(p) != PV_ACCEPTED) {
        const pv_diag *d = pv_program_diag(p, 0);
        print_message("  rejected: %s %s\n", d ? d->code : "-", d ? d->message : "-");
    }
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    return p;
}

static void run_case(const host_case *c, bool warm)
{
    pv_program *prog = compile(c);
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_run_result *r = NULL;
    pv_runner *rn = NULL;
    const char *out;

    o.flags = c->flags | (c->unverified ? PV_RUN_ALLOW_UNVERIFIED : 0);
    o.host_functions = fns;
    o.n_host_functions = sizeof fns / sizeof fns[0];
    if (c->max_calls)
        o.max_host_calls = c->max_calls;
    if (c->max_bytes)
        o.max_host_bytes = c->max_bytes;
    if (c->timeout_s)
        o.timeout_s = c->timeout_s;
    if (c->cpu_s)
        o.cpu_s = c->cpu_s;
    if (warm) {
        assert_int_equal(pv_runner_new(&rn, policy, o.flags), 0);
        assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    } else {
        assert_int_equal(pv_run(&r, prog, &o), 0);
    }
    out = pv_run_result_stdout(r, NULL);
    if (pv_run_result_status(r) != c->status || (c->out && strcmp(out, c->out) != 0))
        print_message("  got status=%s exc=%s: %s kill=%s stdout=%.300s stderr=%.500s\n",
                      pv_run_status_name(pv_run_result_status(r)),
                      pv_run_result_exception_type(r) ? pv_run_result_exception_type(r) : "-",
                      pv_run_result_exception_message(r) ? pv_run_result_exception_message(r) : "",
                      pv_run_result_kill_reason(r) ? pv_run_result_kill_reason(r) : "-", out,
                      pv_run_result_stderr(r, NULL));
    assert_string_equal(pv_run_status_name(pv_run_result_status(r)),
                        pv_run_status_name(c->status));
    if (c->out)
        assert_string_equal(out, c->out);
    if (c->exc_type) {
        assert_non_null(pv_run_result_exception_type(r));
        assert_string_equal(pv_run_result_exception_type(r), c->exc_type);
    }
    if (c->exc_msg)
        assert_non_null(strstr(pv_run_result_exception_message(r), c->exc_msg));
    if (c->kill) {
        assert_non_null(pv_run_result_kill_reason(r));
        assert_true(strncmp(pv_run_result_kill_reason(r), c->kill, strlen(c->kill)) == 0);
    }
    pv_run_result_free(r);
    pv_runner_free(rn);
    pv_program_free(prog);
}

static void run_one(void **state) { run_case(*state, false); }
static void run_one_warm(void **state) { run_case(*state, true); }

/* The static layers: calls to declared names pass, undeclared ones and any attribute of a
 * stub are refused, by each layer on its own. */
static void expect_rule(const char *src, unsigned layers, const char *code)
{
    pv_program *p = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    bool found = false;
    vo.layers = layers;
    assert_int_equal(pv_verify(&p, policy, src, strlen(src), "s.py", &vo), 0);
    for (size_t i = 0; i < pv_program_diag_count(p); i++)
        if (strcmp(pv_program_diag(p, i)->code, code) == 0)
            found = true;
    if (!found)
        print_message("  %s: expected %s, verdict %d\n", src, code, pv_program_verdict(p));
    assert_true(found);
    assert_int_not_equal(pv_program_verdict(p), PV_ACCEPTED);
    pv_program_free(p);
}

static void test_static(void **state)
{
    pv_program *p = NULL;
    const char *ok = "x = echo(1, k=2)\ntry:\n    fail()\nexcept HostError as e:\n    print(e)\n";
    (void)state;
    assert_int_equal(pv_verify(&p, policy, ok, strlen(ok), "s.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    pv_program_free(p);
    expect_rule("nothere(1)\n", PV_LAYER_AST, "PV205");
    expect_rule("echo.__self__\n", PV_LAYER_AST, "PV308");
    expect_rule("echo.x\n", PV_LAYER_AST, "PV308");
    expect_rule("echo.x = 1\n", PV_LAYER_AST, "PV308");
    expect_rule("def f():\n    return echo.args\n", PV_LAYER_AST, "PV308");
    expect_rule("echo.x\n", PV_LAYER_BYTECODE, "PV521");
    expect_rule("echo.__closure__\n", PV_LAYER_BYTECODE, "PV521");
    expect_rule("def f():\n    return echo.args\n", PV_LAYER_BYTECODE, "PV521");
    expect_rule("del echo.x\n", PV_LAYER_BYTECODE, "PV521");
    /* without [host], the names mean nothing */
    {
        pv_policy *d = NULL;
        const char *src = "echo(1)\n";
        assert_int_equal(pv_policy_default(&d), 0);
        assert_int_equal(pv_verify(&p, d, src, strlen(src), "s.py", NULL), 0);
        assert_int_equal(pv_program_verdict(p), PV_REJECTED);
        pv_program_free(p);
        pv_policy_free(d);
    }
}

/* pv_run refuses host functions it cannot offer safely. */
static void test_refusals(void **state)
{
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_host_function f[2] = {{"undeclared", h_echo, NULL}, {"echo", h_echo, NULL}};
    const char *src = "x = 1\n";
    (void)state;
    assert_int_equal(pv_verify(&p, policy, src, strlen(src), "s.py", NULL), 0);
    o.host_functions = f;
    o.n_host_functions = 1;
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID); /* not declared */
    f[0].name = "_echo";
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID);
    f[0].name = "echo";
    o.n_host_functions = 2;
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID); /* twice */
    o.n_host_functions = 1;
    f[0].fn = NULL;
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID);
    f[0].fn = h_echo;
    o.input_json = "{\"echo\": 1}";
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID); /* input and host function */
    o.input_json = NULL;
    o.max_host_bytes = (size_t)1 << 40;
    assert_int_equal(pv_run(&r, p, &o), PV_ERR_INVALID);
    assert_null(r);
    pv_program_free(p);
    assert_string_equal(pv_run_status_name(PV_RUN_HOST_LIMIT), "host_limit");
    /* [host] functions: plain identifiers, never a builtin's name */
    {
        static const char *const bad[] = {
            "[host]\nfunctions = [\"print\"]\n", "[host]\nfunctions = [\"_x\"]\n",
            "[host]\nfunctions = [\"a b\"]\n", "[host]\nfunctions = [\"HostError\"]\n",
            "[host]\nfunctions = \"rate\"\n", "[host]\nfunction = [\"rate\"]\n"};
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            pv_policy *q = NULL;
            assert_int_equal(pv_policy_load_buffer(&q, bad[i], strlen(bad[i]), "bad.toml"),
                             PV_ERR_POLICY);
        }
    }
}

/* A loop of calls through one runner: the callback sees each, nothing is left behind. */
static void test_many_calls(void **state)
{
    const char *src = "t = 0\nfor i in range(500):\n    t += echo(i)['args'][0]\nprint(t)\n";
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    assert_int_equal(pv_verify(&p, policy, src, strlen(src), "s.py", NULL), 0);
    o.host_functions = fns;
    o.n_host_functions = 1;
    o.timeout_s = 10;
    calls_seen = 0;
    assert_int_equal(pv_run(&r, p, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_string_equal(pv_run_result_stdout(r, NULL), "124750\n");
    assert_int_equal(calls_seen, 500);
    pv_run_result_free(r);
    pv_program_free(p);
}

static int setup_all(void **state)
{
    (void)state;
    if (pv_init() < 0 ||
        pv_policy_load_buffer(&policy, rules, strlen(rules), "host.toml") < 0) {
        fprintf(stderr, "setup: %s\n", pv_last_error());
        return -1;
    }
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    pv_policy_free(policy);
    pv_shutdown();
    return 0;
}

/* ---- corpus/host: hostile programs against host functions -------------------------------- */

static const char corpus_rules[] = "[host]\nfunctions = [\"rate\", \"record\"]\n";

static int h_rate(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)ctx, (void)name, (void)len;
    if (strcmp(args, "{\"args\":[\"EUR\"],\"kwargs\":{}}") == 0) {
        *res = sdup("1.08");
        return 0;
    }
    *err = sdup("no rate");
    return 1;
}

static int h_record(void *ctx, const char *name, const char *args, size_t len, char **res,
                    char **err)
{
    (void)name, (void)args, (void)len, (void)err;
    char num[16];
    snprintf(num, sizeof num, "%d", ++*(int *)ctx);
    *res = sdup(num);
    return 0;
}

/* The value of header line "# key: value" (copied into out), or false. */
static bool header(const char *src, const char *key, char *out, size_t cap)
{
    char pat[64];
    const char *p, *e;
    snprintf(pat, sizeof pat, "# %s: ", key);
    p = strstr(src, pat);
    if (!p)
        return false;
    p += strlen(pat);
    e = strchr(p, '\n');
    snprintf(out, cap, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
    return true;
}

/* One case: the verdict of the static layers (and its rules), then the status of a run:
 * the verified program when accepted, else the program with the static layers off and
 * every runtime layer on. Returns 0 when both meet the header. */
static int corpus_case(const pv_policy *pol, const char *path, const char *src)
{
    char expect[32], codes[128], rt[32];
    pv_program *p = NULL, *u = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_run_result *r = NULL;
    int count = 0, bad = 0;
    pv_host_function f[] = {{"rate", h_rate, NULL}, {"record", h_record, &count}};

    if (!header(src, "expect", expect, sizeof expect) ||
        !header(src, "expect-runtime", rt, sizeof rt)) {
        printf("FAIL %s: header lacks expect or expect-runtime\n", path);
        return 1;
    }
    if (pv_verify(&p, pol, src, strlen(src), path, NULL) < 0) {
        printf("FAIL %s: %s\n", path, pv_last_error());
        return 1;
    }
    if (strcmp(expect, "accepted") == 0) {
        if (pv_program_verdict(p) != PV_ACCEPTED) {
            printf("FAIL %s: rejected (%s)\n", path, pv_program_diag(p, 0)->code);
            bad = 1;
        }
    } else if (pv_program_verdict(p) != PV_REJECTED) {
        printf("FAIL %s: not rejected\n", path);
        bad = 1;
    } else if (header(src, "rules", codes, sizeof codes)) {
        for (char *t = strtok(codes, ", "); t; t = strtok(NULL, ", ")) {
            bool found = false;
            for (size_t i = 0; i < pv_program_diag_count(p); i++)
                found = found || strcmp(pv_program_diag(p, i)->code, t) == 0;
            if (!found) {
                printf("FAIL %s: %s not among the diagnostics\n", path, t);
                bad = 1;
            }
        }
    }
    if (!bad && pv_program_verdict(p) != PV_ACCEPTED) {
        vo.layers = PV_LAYER_UNSAFE_NONE;
        if (pv_verify(&u, pol, src, strlen(src), path, &vo) < 0) {
            printf("FAIL %s: %s\n", path, pv_last_error());
            bad = 1;
        }
        o.flags = PV_RUN_ALLOW_UNVERIFIED;
    }
    o.host_functions = f;
    o.n_host_functions = 2;
    o.timeout_s = 5;
    if (!bad && pv_run(&r, u ? u : p, &o) < 0) {
        printf("FAIL %s: %s\n", path, pv_last_error());
        bad = 1;
    }
    if (!bad) {
        const char *st = pv_run_status_name(pv_run_result_status(r));
        if (strcmp(st, rt) != 0 || strstr(pv_run_result_stdout(r, NULL), "ESCAPED")) {
            printf("FAIL %s: %s run ended '%s' (%s %s), expected '%s'\n", path,
                   u ? "unverified" : "verified", st,
                   pv_run_result_exception_type(r) ? pv_run_result_exception_type(r) : "",
                   pv_run_result_kill_reason(r) ? pv_run_result_kill_reason(r) : "", rt);
            bad = 1;
        } else {
            printf("ok   %s: %s, %s run %s\n", path, expect, u ? "unverified" : "verified", st);
        }
    }
    pv_run_result_free(r);
    pv_program_free(p);
    pv_program_free(u);
    return bad;
}

static int run_corpus(const char *dir)
{
    pv_policy *pol = NULL;
    DIR *d = opendir(dir);
    struct dirent *e;
    int failed = 0, n = 0;
    if (!d || pv_init() < 0 ||
        pv_policy_load_buffer(&pol, corpus_rules, strlen(corpus_rules), "host.toml") < 0) {
        fprintf(stderr, "corpus: cannot start (%s)\n", d ? pv_last_error() : dir);
        return 2;
    }
    while ((e = readdir(d))) {
        char path[1024], *src;
        FILE *f;
        long len;
        if (strncmp(e->d_name, "f", 1) != 0 || !strstr(e->d_name, ".py"))
            continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        f = fopen(path, "rb");
        if (!f || fseek(f, 0, SEEK_END) < 0 || (len = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) < 0 ||
            !(src = calloc(1, (size_t)len + 1)) || fread(src, 1, (size_t)len, f) != (size_t)len) {
            printf("FAIL %s: unreadable\n", path);
            failed++;
            if (f)
                fclose(f);
            continue;
        }
        fclose(f);
        failed += corpus_case(pol, e->d_name, src);
        n++;
        free(src);
    }
    closedir(d);
    pv_policy_free(pol);
    pv_shutdown();
    printf("%d cases, %d failed\n", n, failed);
    return failed || n == 0 ? 1 : 0;
}

int main(int argc, char **argv)
{
    if (argc == 2)
        return run_corpus(argv[1]);
    enum { NCASES = sizeof cases / sizeof cases[0] };
    struct CMUnitTest tests[2 * NCASES + 3];
    static char names[NCASES][64];
    size_t n = 0;
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_static);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_refusals);
    tests[n++] = (struct CMUnitTest)cmocka_unit_test(test_many_calls);
    for (size_t i = 0; i < NCASES; i++)
        tests[n++] = (struct CMUnitTest){cases[i].name, run_one, NULL, NULL, (void *)&cases[i]};
    for (size_t i = 0; i < NCASES; i++) {
        snprintf(names[i], sizeof names[i], "warm_%s", cases[i].name);
        tests[n++] = (struct CMUnitTest){names[i], run_one_warm, NULL, NULL, (void *)&cases[i]};
    }
    return _cmocka_run_group_tests("host", tests, n, setup_all, teardown_all);
}
