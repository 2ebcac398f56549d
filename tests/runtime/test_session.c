/*
 * test_session.c: pv_session (issue 17). A session keeps its globals across runs, with
 * every layer on; it is isolated from another session; per-run limits end the session;
 * the idle timeout, the number of runs and pv_session_free end it too, and leave no
 * process and no directory behind; host functions work in a session, and a stub of an
 * earlier run refuses to work.
 */
#include <Python.h>
#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "pyverify.h"

static pv_policy *policy;
static const char rules[] = "[host]\nfunctions = [\"get\"]\n";

/* Verify a cell with the names the session's earlier cells bound (s may be NULL). */
static pv_program *verify(const char *src, const pv_session *s)
{
    pv_program *p = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *names[64];
    size_t n = 0;
    while (s && n < 64 && pv_session_global(s, n)) {
        names[n] = pv_session_global(s, n);
        n++;
    }
    vo.globals = names;
    vo.nglobals = n;
    assert_int_equal(pv_verify(&p, policy, src, strlen(src), "cell.py", &vo), 0);
    if (pv_program_verdict(p) != PV_ACCEPTED)
        print_message("  rejected: %s\n", pv_program_diag(p, 0)->message);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    return p;
}

/* Run `src` in `s`; returns the status, copies stdout into out (may be NULL). */
static pv_run_status run(pv_session *s, const char *src, const pv_run_opts *o, char *out,
                         size_t cap)
{
    pv_program *p = verify(src, s);
    pv_run_result *r = NULL;
    pv_run_status st;
    assert_int_equal(pv_session_run(s, &r, p, o), 0);
    st = pv_run_result_status(r);
    if (out)
        snprintf(out, cap, "%s", pv_run_result_stdout(r, NULL));
    if (st != PV_RUN_OK)
        print_message("  %s: status %s kill %s exc %s %s stderr %.300s\n", src, pv_run_status_name(st),
                      pv_run_result_kill_reason(r) ? pv_run_result_kill_reason(r) : "-",
                      pv_run_result_exception_type(r) ? pv_run_result_exception_type(r) : "-",
                      pv_run_result_exception_message(r) ? pv_run_result_exception_message(r) : "",
                      pv_run_result_stderr(r, NULL));
    pv_run_result_free(r);
    pv_program_free(p);
    return st;
}

/* Children of this process, and session directories in /tmp. */
/* Children of this process that are still running (not zombies). */
/* The processes of this process's sessions: its children, where a child is a clean template
 * (pyverify-tmpl) its children instead; `live`: zombies not counted. */
static int count_in(long pid, bool live, int depth)
{
    char path[64], buf[4096];
    int n = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", pid, pid);
    f = fopen(path, "r");
    if (!f)
        return depth ? 0 : -1;
    if (fgets(buf, sizeof buf, f)) {
        char *save = NULL;
        for (char *p = strtok_r(buf, " \n", &save); p; p = strtok_r(NULL, " \n", &save)) {
            char sp[64], st[512];
            const char *rp;
            bool tmpl = false, zombie = false;
            FILE *g;
            snprintf(sp, sizeof sp, "/proc/%s/stat", p);
            g = fopen(sp, "r");
            if (g && fgets(st, sizeof st, g) && (rp = strrchr(st, ')'))) {
                zombie = rp[2] == 'Z';
                tmpl = strstr(st, "(pyverify-tmpl)") != NULL;
            }
            if (g)
                fclose(g);
            if (tmpl && depth == 0)
                n += count_in(strtol(p, NULL, 10), live, 1);
            else if (!live || !zombie)
                n++;
        }
    }
    fclose(f);
    return n;
}

static int live_children(void)
{
    return count_in((long)getpid(), true, 0);
}

static int children(void)
{
    return count_in((long)getpid(), false, 0);
}

/* The count once it is `want` (a template reaps what it killed, and the orphaned init of a
 * pid namespace, a moment later), or the last one seen within a second. */
static int settle(int (*count)(void), int want)
{
    int n = count();
    for (int i = 0; i < 200 && n != want; i++) {
        nanosleep(&(struct timespec){0, 5000000}, NULL);
        n = count();
    }
    return n;
}

/* The session's private directory, from the library (a hidden symbol the static library
 * still links): other runs on the machine have theirs in /tmp too. */
extern const char *pvx_session_workdir(const pv_session *s);
static char workdir[64];

/* Its name (a child in its own mount namespace removes it itself once there: it may
 * already be gone). */
static void note_dir(const pv_session *s)
{
    snprintf(workdir, sizeof workdir, "%s", pvx_session_workdir(s));
    assert_true(strncmp(workdir, "/tmp/pyverify-run-", 18) == 0);
}

/* The template removes the directory just after it reported the child reaped: a moment. */
static bool dirs_gone(void)
{
    for (int i = 0; i < 200; i++) {
        DIR *d = opendir(workdir);
        if (!d)
            return errno == ENOENT;
        closedir(d);
        nanosleep(&(struct timespec){0, 5000000}, NULL);
    }
    return false;
}

static bool has_layer(const pv_run_result *r, const char *name)
{
    for (size_t i = 0; i < pv_run_result_layer_count(r); i++)
        if (strcmp(pv_run_result_layer(r, i), name) == 0)
            return true;
    return false;
}

/* Nothing of a run outlives its host (issue 15): a host killed with SIGKILL in the middle
 * of a session leaves no private directory in /tmp. With the child's own mount namespace
 * (fs:pivot_root) the child removed it before its first cell; without one the directory
 * stays the parent's to remove (the test then only runs the session). */
static void test_killed_host_leaves_no_dir(void **state)
{
    int fds[2];
    char buf[80] = "";
    ssize_t n;
    pid_t pid;
    int st = 0;
    (void)state;
    assert_int_equal(pipe(fds), 0);
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0) {
        pv_session *s = NULL;
        pv_run_result *r = NULL;
        pv_program *p;
        PyOS_AfterFork_Child();
        close(fds[0]);
        if (pv_session_new(&s, policy, NULL) < 0 || !(p = verify("print(1)\n", s)) ||
            pv_session_run(s, &r, p, NULL) < 0 || pv_run_result_status(r) != PV_RUN_OK)
            _exit(1);
        snprintf(buf, sizeof buf, "%c%s", has_layer(r, "fs:pivot_root") ? 'p' : '-',
                 pvx_session_workdir(s));
        if (write(fds[1], buf, strlen(buf)) < 0)
            _exit(1);
        raise(SIGKILL); /* the session's child dies with it (parent-death signal) */
        _exit(1);
    }
    PyOS_AfterFork_Parent();
    assert_true(pid > 0);
    close(fds[1]);
    n = read(fds[0], buf, sizeof buf - 1);
    close(fds[0]);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL);
    assert_true(n > 19);
    buf[n] = '\0';
    snprintf(workdir, sizeof workdir, "%.40s", buf + 1);
    assert_true(strncmp(workdir, "/tmp/pyverify-run-", 18) == 0);
    if (buf[0] == 'p')
        assert_true(dirs_gone());
    else
        rmdir(workdir); /* the fallback: not this test's concern */
}

static void test_keeps_state(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char out[256];
    pv_program *p;
    pv_run_result *r = NULL;
    const char *g[8] = {"n"};
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_true(pv_session_alive(s));
    assert_int_equal(run(s, "import math\nx = 20\ndef f(y):\n    return x + y\nprint('a')\n", &o,
                         out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "a\n");
    assert_int_equal(run(s, "x = f(22)\nprint(x, math.sqrt(16))\n", &o, out, sizeof out),
                     PV_RUN_OK);
    assert_string_equal(out, "42 4.0\n"); /* this run's stdout only */
    /* an exception ends the run, not the session */
    assert_int_equal(run(s, "x = x + 1\nraise ValueError('v')\n", &o, NULL, 0), PV_RUN_ERROR);
    assert_true(pv_session_alive(s));
    assert_int_equal(run(s, "print(x)\n", &o, out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "43\n");
    /* inputs and expressions */
    {
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        size_t k = 1;
        while (k < 8 && pv_session_global(s, k - 1)) {
            g[k] = pv_session_global(s, k - 1);
            k++;
        }
        assert_int_equal(pv_session_global_count(s), 3); /* math, x, f */
        vo.mode = PV_MODE_EXPR;
        vo.globals = g;
        vo.nglobals = k;
        p = NULL;
        assert_int_equal(pv_verify(&p, policy, "x * n", 5, "e.py", &vo), 0);
        o.input_json = "{\"n\": 2}";
        assert_int_equal(pv_session_run(s, &r, p, &o), 0);
        assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
        assert_string_equal(pv_run_result_value(r), "86");
        assert_true(pv_run_result_layer_count(r) > 3);
        pv_run_result_free(r);
        pv_program_free(p);
        o.input_json = NULL;
    }
    pv_session_free(s);
}

static void test_isolated(void **state)
{
    pv_session *a = NULL, *b = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char out[256];
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    (void)state;
    so.flags = PV_RUN_ALLOW_UNVERIFIED; /* b also runs an unverified program, to test the child */
    assert_int_equal(pv_session_new(&a, policy, NULL), 0);
    assert_int_equal(pv_session_new(&b, policy, &so), 0);
    assert_int_equal(run(a, "secret = 'A'\n", &o, NULL, 0), PV_RUN_OK);
    {
        /* b's program names `secret` (declared, as a host would for a shared name) */
        const char *g[] = {"secret"};
        const char *src = "try:\n    print(secret)\nexcept NameError:\n    print('none')\n";
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        pv_program *p = NULL;
        pv_run_result *r = NULL;
        vo.globals = g;
        vo.nglobals = 1;
        assert_int_equal(pv_verify(&p, policy, src, strlen(src), "b.py", &vo), 0);
        /* b's cells never bound it: the check with b's history refuses the name (PV205) */
        assert_int_equal(pv_session_run(b, &r, p, &o), PV_ERR_INVALID);
        assert_non_null(strstr(pv_last_error(), "PV205"));
        pv_program_free(p);
        p = NULL;
        vo.layers = PV_LAYER_UNSAFE_NONE; /* and b's child does not have it either */
        assert_int_equal(pv_verify(&p, policy, src, strlen(src), "b.py", &vo), 0);
        assert_int_equal(pv_session_run(b, &r, p, &o), 0);
        assert_string_equal(pv_run_result_stdout(r, NULL), "none\n");
        pv_run_result_free(r);
        pv_program_free(p);
        assert_int_equal(pv_session_global_count(a), 1);
        assert_string_equal(pv_session_global(a, 0), "secret");
        assert_int_equal(pv_session_global_count(b), 0);
    }
    pv_session_free(a);
    assert_int_equal(run(b, "print('b lives')\n", &o, out, sizeof out), PV_RUN_OK);
    pv_session_free(b);
}

/* a per-run limit ends the session; later runs fail; nothing is left behind */
static void test_limit_ends(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *p = verify("print(1)\n", NULL);
    pv_run_result *r = NULL;
    int kids;
    pv_run_cache_free(); /* no idle template, nor what it is still reaping */
    kids = settle(children, 0);
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(settle(children, kids + 1), kids + 1);
    note_dir(s);
    o.cpu_s = 0.2;
    o.timeout_s = 5;
    assert_int_equal(run(s, "while True:\n    pass\n", &o, NULL, 0), PV_RUN_CPU);
    assert_false(pv_session_alive(s));
    assert_int_equal(settle(children, kids), kids); /* killed and reaped at once */
    assert_true(dirs_gone());
    assert_int_equal(pv_session_run(s, &r, p, NULL), PV_ERR_STATE);
    pv_session_free(s);
    /* wall clock */
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    o.cpu_s = 5;
    o.timeout_s = 0.3;
    assert_int_equal(run(s, "while True:\n    pass\n", &o, NULL, 0), PV_RUN_TIMEOUT);
    assert_false(pv_session_alive(s));
    pv_session_free(s);
    /* memory */
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    o.cpu_s = 1;
    o.timeout_s = 5;
    assert_int_equal(run(s, "x = [0] * (10 ** 9)\n", &o, NULL, 0), PV_RUN_MEMORY);
    assert_false(pv_session_alive(s));
    pv_session_free(s);
    /* output */
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    o.timeout_s = 5;
    assert_int_equal(run(s, "while True:\n    print('x' * 1000)\n", &o, NULL, 0), PV_RUN_OUTPUT);
    assert_false(pv_session_alive(s));
    pv_session_free(s);
    /* the session's total CPU bounds a run whose own limit is larger */
    {
        pv_session_opts so = PV_SESSION_OPTS_INIT;
        pv_program *loop = verify("while True:\n    pass\n", NULL);
        so.total_cpu_s = 0.6;
        assert_int_equal(pv_session_new(&s, policy, &so), 0);
        o.cpu_s = 5;
        o.timeout_s = 10;
        assert_int_equal(run(s, "for i in range(10 ** 6):\n    pass\n", &o, NULL, 0), PV_RUN_OK);
        assert_int_equal(pv_session_run(s, &r, loop, &o), 0);
        assert_int_equal(pv_run_result_status(r), PV_RUN_CPU);
        assert_true(pv_run_result_cpu_ms(r) < 600);
        pv_run_result_free(r);
        pv_program_free(loop);
        pv_session_free(s);
    }
    assert_int_equal(settle(children, kids), kids);
    pv_program_free(p);
}

static void test_expires(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *p = verify("print(1)\n", NULL);
    pv_run_result *r = NULL;
    int kids;
    pv_run_cache_free(); /* no idle template, nor what it is still reaping */
    kids = settle(children, 0);
    (void)state;
    so.idle_timeout_s = 0.3;
    so.max_runs = 2;
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    note_dir(s);
    assert_int_equal(run(s, "x = 1\n", &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(settle(live_children, kids + 1), kids + 1);
    nanosleep(&(struct timespec){0, 600000000}, NULL);
    /* the child ended itself (idle), with no call from this process */
    assert_int_equal(settle(live_children, kids), kids);
    /* the next run fails and reaps it */
    assert_false(pv_session_alive(s));
    assert_int_equal(pv_session_run(s, &r, p, &o), PV_ERR_STATE);
    assert_int_equal(settle(children, kids), kids);
    assert_true(dirs_gone());
    pv_session_free(s);
    /* max runs */
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    assert_int_equal(run(s, "x = 1\n", &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(run(s, "x = 2\n", &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(pv_session_run(s, &r, p, &o), PV_ERR_STATE);
    pv_session_free(s);
    /* free kills it */
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    note_dir(s);
    assert_int_equal(settle(children, kids + 1), kids + 1);
    pv_session_free(s);
    assert_int_equal(settle(children, kids), kids);
    assert_true(dirs_gone());
    pv_program_free(p);
}

/* "template" among a session run's skipped steps */
static bool template_skipped(pv_session *s)
{
    pv_program *p = verify("x = 1\n", s);
    pv_run_result *r = NULL;
    bool found = false;
    assert_int_equal(pv_session_run(s, &r, p, NULL), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    for (size_t i = 0; i < pv_run_result_skipped_count(r); i++)
        found = found || strcmp(pv_run_result_skipped_step(r, i), "template") == 0;
    pv_run_result_free(r);
    pv_program_free(p);
    return found;
}

/* The child comes from a clean template (its processes are the template's children, not
 * this process's); with none to be had it is forked here and the runs say so. */
static void test_template_or_fallback(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    int kids;
    (void)state;
    pv_run_cache_free();
    kids = (int)settle(children, 0);
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_false(template_skipped(s));
    pv_session_free(s);
    /* no helper: other flags, so that the failure remembered is not the other tests' key */
    so.flags = PV_RUN_NO_SECCOMP;
    assert_int_equal(setenv("PYVERIFY_TEMPLATE", "/nonexistent/pyverify-template", 1), 0);
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    assert_int_equal(unsetenv("PYVERIFY_TEMPLATE"), 0);
    assert_true(template_skipped(s));
    pv_session_free(s);
    pv_run_cache_free(); /* forgets the failure too */
    assert_int_equal(settle(children, kids), kids);
}

static int h_get(void *ctx, const char *name, const char *args, size_t len, char **res,
                 char **err)
{
    (void)ctx, (void)name, (void)len, (void)err;
    *res = malloc(strlen(args) + 1);
    memcpy(*res, args, strlen(args) + 1);
    return 0;
}

static int h_slow(void *ctx, const char *name, const char *args, size_t len, char **res,
                  char **err)
{
    (void)ctx, (void)name, (void)len, (void)err;
    nanosleep(&(struct timespec){0, 400000000}, NULL);
    *res = malloc(strlen(args) + 1);
    memcpy(*res, args, strlen(args) + 1);
    return 0;
}

/* A host call slower than the idle timeout: the reply is still that call's. */
static void test_slow_host_in_session(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_host_function f = {"get", h_slow, NULL};
    char out[256];
    (void)state;
    so.idle_timeout_s = 0.2;
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    o.host_functions = &f;
    o.n_host_functions = 1;
    o.timeout_s = 5;
    assert_int_equal(run(s, "print(get(1)['args'], get(2)['args'])\n", &o, out, sizeof out),
                     PV_RUN_OK);
    assert_string_equal(out, "[1] [2]\n");
    pv_session_free(s);
}

static void test_host_in_session(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_host_function f = {"get", h_get, NULL};
    char out[256];
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    o.host_functions = &f;
    o.n_host_functions = 1;
    assert_int_equal(run(s, "keep = get\nprint(get(1)['args'])\n", &o, out, sizeof out),
                     PV_RUN_OK);
    assert_string_equal(out, "[1]\n");
    /* a stub kept from an earlier run refuses to work; the name is bound afresh */
    assert_int_equal(run(s, "try:\n    keep(2)\nexcept HostError as e:\n    print(e)\n"
                            "print(get(3)['args'])\n", &o, out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "this host function belongs to an earlier run\n[3]\n");
    /* a run without host functions: the stubs of earlier runs refuse to work */
    o.n_host_functions = 0;
    o.host_functions = NULL;
    assert_int_equal(run(s, "try:\n    keep(4)\nexcept HostError as e:\n    print(e)\n", &o, out,
                         sizeof out), PV_RUN_OK);
    assert_string_equal(out, "this host function belongs to an earlier run\n");
    o.host_functions = &f;
    o.n_host_functions = 1;
    o.max_host_calls = 3;
    assert_int_equal(run(s, "for i in range(10):\n    get(i)\n", &o, NULL, 0), PV_RUN_HOST_LIMIT);
    assert_false(pv_session_alive(s));
    pv_session_free(s);
}

/* HostError and the stub type exist before the session's child sets up its guard: they
 * are library types, read-only to the program (static layers off to reach the store). */
static void test_host_error_read_only(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_host_function f = {"get", h_get, NULL};
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    const char *src = "try:\n    HostError.x = 1\n    print('changed')\n"
                      "except AttributeError as e:\n    print('read-only')\n";
    (void)state;
    so.flags = PV_RUN_ALLOW_UNVERIFIED;
    vo.layers = PV_LAYER_UNSAFE_NONE;
    o.host_functions = &f;
    o.n_host_functions = 1;
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    assert_int_equal(pv_verify(&p, policy, src, strlen(src), "ro.py", &vo), 0);
    assert_int_equal(pv_session_run(s, &r, p, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "read-only\n");
    pv_run_result_free(r);
    pv_program_free(p);
    pv_session_free(s);
}

static void test_refusals(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    pv_policy *other = NULL;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    (void)state;
    assert_int_equal(pv_session_new(NULL, policy, NULL), PV_ERR_INVALID);
    assert_int_equal(pv_session_new(&s, NULL, NULL), PV_ERR_INVALID);
    so.version = 99;
    assert_int_equal(pv_session_new(&s, policy, &so), PV_ERR_INVALID);
    so.version = PV_SESSION_OPTS_VERSION;
    so.flags = 1u << 20;
    assert_int_equal(pv_session_new(&s, policy, &so), PV_ERR_INVALID);
    assert_null(s);
    /* a program of another policy, or unverified */
    assert_int_equal(pv_policy_default(&other), 0);
    assert_int_equal(pv_verify(&p, other, "x = 1\n", 6, "o.py", NULL), 0);
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(pv_session_run(s, &r, p, NULL), PV_ERR_INVALID);
    pv_program_free(p);
    {
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        vo.layers = PV_LAYER_UNSAFE_NONE;
        assert_int_equal(pv_verify(&p, policy, "x = 1\n", 6, "o.py", &vo), 0);
        assert_int_equal(pv_session_run(s, &r, p, NULL), PV_ERR_STATE);
        pv_program_free(p);
    }
    assert_true(pv_session_alive(s));
    pv_session_free(s);
    pv_policy_free(other);
    pv_session_free(NULL);
}

/* Red team: each cell used to be verified with the earlier cells' names as plain globals, so
 * the static layers forgot what they were bound to. Each hostile cell below passed both
 * static layers that way (the runtime layer alone stopped it); pv_session_run now checks the
 * cell after the session's history, as one module, and refuses it with the finding. */
static void test_cells_keep_knowledge(void **state)
{
    static const struct {
        const char *cell, *code;
    } hostile[] = {
        {"f.name = 'y'\n", "PV307"},               /* a dataclasses.Field of an earlier cell */
        {"c = dataclasses.copy\n", "PV303"},       /* a module's non-member, module imported earlier */
        {"s = json.scanner\n", "PV303"},
        {"m = math\n", "PV204"},                   /* a module as a value */
        {"d.maxlen = 3\n", "PV307"},               /* a library instance made earlier */
        {"x = 1\nf.name = 'y'\n", "line 2"},       /* the cell's own line in the message */
    };
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char out[64];
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(run(s, "import dataclasses, json, math, collections\n"
                            "from dataclasses import field\nf = field()\n"
                            "d = collections.deque()\n", &o, NULL, 0), PV_RUN_OK);
    for (size_t i = 0; i < sizeof hostile / sizeof hostile[0]; i++) {
        pv_program *p = verify(hostile[i].cell, s); /* alone, with plain globals: accepted */
        pv_run_result *r = NULL;
        assert_int_equal(pv_session_run(s, &r, p, &o), PV_ERR_INVALID);
        assert_null(r);
        if (!strstr(pv_last_error(), hostile[i].code))
            print_message("  %s: %s\n", hostile[i].cell, pv_last_error());
        assert_non_null(strstr(pv_last_error(), hostile[i].code));
        pv_program_free(p);
        assert_true(pv_session_alive(s)); /* a refused cell is not run; the session goes on */
    }
    /* benign cells that use what earlier cells bound still run, expressions included */
    assert_int_equal(run(s, "print(math.sqrt(16), f.name, len(d))\n", &o, out, sizeof out),
                     PV_RUN_OK);
    assert_string_equal(out, "4.0 None 0\n");
    {
        pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
        const char *g[] = {"d", "math"};
        pv_program *p = NULL;
        pv_run_result *r = NULL;
        vo.mode = PV_MODE_EXPR;
        vo.globals = g;
        vo.nglobals = 2;
        assert_int_equal(pv_verify(&p, policy, "(y := len(d))", 13, "e.py", &vo), 0);
        assert_int_equal(pv_session_run(s, &r, p, &o), 0);
        assert_string_equal(pv_run_result_value(r), "0");
        pv_run_result_free(r);
        pv_program_free(p);
    }
    assert_int_equal(run(s, "print(y + 1)\n", &o, out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "1\n");
    pv_session_free(s);
}

/* pv_session_verify: a cell may use what earlier cells defined (an attribute, a module's
 * member: PV302 alone), and gets the history's findings as its own diagnostics. */
static void test_session_verify(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    const char *use = "print(P().weight, functools.reduce(lambda a, b: a + b, [1, 2, 3]))\n";
    const char *bad = "x = 1\nf.name = 'y'\n";
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(run(s, "import functools\nfrom dataclasses import field\nf = field()\n"
                            "class P:\n    def __init__(self):\n        self.weight = 2\n",
                         &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(pv_session_verify(&p, s, use, strlen(use), "c.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    assert_int_equal(pv_session_run(s, &r, p, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "2 6\n");
    pv_run_result_free(r);
    pv_program_free(p);
    /* a finding of the whole is the cell's diagnostic, on the cell's line */
    assert_int_equal(pv_session_verify(&p, s, bad, strlen(bad), "c.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    assert_string_equal(pv_program_diag(p, 0)->code, "PV307");
    assert_int_equal(pv_program_diag(p, 0)->line, 2);
    assert_int_equal(pv_session_run(s, &r, p, &o), PV_ERR_STATE); /* not accepted */
    pv_program_free(p);
    /* a `_name` attribute an earlier cell defined, as in one module; a dunder never */
    {
        static const char *const cells[] = {"class Q:\n    _hidden = 3\n",
                                            "print(Q._hidden)\n", "print(Q._other)\n",
                                            "print(Q.__class__)\n"};
        static const pv_verdict want[] = {PV_ACCEPTED, PV_ACCEPTED, PV_REJECTED, PV_REJECTED};
        for (size_t i = 0; i < 4; i++) {
            assert_int_equal(pv_session_verify(&p, s, cells[i], strlen(cells[i]), "c.py", NULL),
                             0);
            assert_int_equal(pv_program_verdict(p), want[i]);
            if (want[i] == PV_ACCEPTED) {
                assert_int_equal(pv_session_run(s, &r, p, &o), 0);
                assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
                if (i == 1)
                    assert_string_equal(pv_run_result_stdout(r, NULL), "3\n");
                pv_run_result_free(r);
            } else {
                assert_string_equal(pv_program_diag(p, 0)->code, "PV300");
            }
            pv_program_free(p);
        }
    }
    /* what no earlier cell defined stays refused */
    assert_int_equal(pv_session_verify(&p, s, "print(P().height)\n", 18, "c.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_REJECTED);
    assert_string_equal(pv_program_diag(p, 0)->code, "PV302");
    pv_program_free(p);
    pv_session_free(s);
}

/* Names an earlier run's input bound are globals of every later check: the history's text
 * does not show them (regression: the session's own check refused `y = x + 1` after a run
 * with {"x": 41}, since only the current run's inputs counted). */
static void test_inputs_persist(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT, with = PV_RUN_OPTS_INIT;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *xname[] = {"x"};
    const char *cell = "y = x + 1\nprint(y)\n";
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    vo.globals = xname;
    vo.nglobals = 1;
    with.input_json = "{\"x\": 41}";
    assert_int_equal(pv_verify(&p, policy, "pass\n", 5, "c.py", &vo), 0);
    assert_int_equal(pv_session_run(s, &r, p, &with), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    pv_run_result_free(r);
    pv_program_free(p);
    assert_int_equal(pv_session_verify(&p, s, cell, strlen(cell), "c.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    assert_int_equal(pv_session_run(s, &r, p, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_string_equal(pv_run_result_stdout(r, NULL), "42\n");
    pv_run_result_free(r);
    pv_program_free(p);
    pv_session_free(s);
}

/* A cell that starts with a docstring binds __doc__: no name to pass as a global (the red
 * team's finding: every later cell was refused, "input global '__doc__' ..."). */
static void test_docstring_cell(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char out[64];
    (void)state;
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(run(s, "\"\"\"doc\"\"\"\nx = 1\n", &o, NULL, 0), PV_RUN_OK);
    for (size_t i = 0; pv_session_global(s, i); i++)
        assert_false(strncmp(pv_session_global(s, i), "__", 2) == 0);
    assert_int_equal(run(s, "print(x)\n", &o, out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "1\n");
    pv_session_free(s);
}

/* A cell larger than the socket's buffer, after a first cell (which left the request socket
 * non-blocking for its host calls): it used to fail with EAGAIN, ending the session with "the
 * session's child is gone". */
static void test_large_cell(void **state)
{
    pv_session *s = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    char out[64];
    size_t cap = 20000 * 16, len = 0;
    char *src = malloc(cap);
    (void)state;
    assert_non_null(src);
    for (int i = 0; i < 20000; i++)
        len += (size_t)snprintf(src + len, cap - len, "a = a + %d\n", i % 2);
    assert_int_equal(pv_session_new(&s, policy, NULL), 0);
    assert_int_equal(run(s, "a = 1\n", &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(run(s, src, &o, NULL, 0), PV_RUN_OK);
    assert_int_equal(run(s, "print(a)\n", &o, out, sizeof out), PV_RUN_OK);
    assert_string_equal(out, "10001\n");
    pv_session_free(s);
    free(src);
}

/* Checking a cell against a long history costs this process CPU: the session's total CPU
 * pays for it (the red team's finding: 0.7-1.1 s per one-line cell, charged to nobody). */
static void test_history_check_is_charged(void **state)
{
    pv_session *s = NULL;
    pv_session_opts so = PV_SESSION_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    enum { LINES = 2000, CELLS = 300 };
    char *big = malloc(LINES * 16);
    size_t off = 0;
    int k, rc = 0;
    (void)state;
    assert_non_null(big);
    for (int i = 0; i < LINES; i++)
        off += (size_t)snprintf(big + off, 16, "a%d = %d\n", i, i);
    so.total_cpu_s = 1.0;
    so.max_runs = CELLS + 1;
    assert_int_equal(pv_session_new(&s, policy, &so), 0);
    for (k = 0; k < CELLS && rc == 0; k++) {
        const char *src = k < 10 ? big : "x = 1\n";
        assert_int_equal(pv_session_verify(&p, s, src, strlen(src), "c.py", NULL), 0);
        assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
        rc = pv_session_run(s, &r, p, &o);
        if (rc == 0)
            assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
        pv_run_result_free(r);
        r = NULL;
        pv_program_free(p);
    }
    /* each check of the growing history (ten 2,000-line cells) costs this process
       milliseconds, while each later cell's program costs next to nothing: the budget
       runs out (with the checks not charged, all 300 cells run) */
    print_message("  %d cells, then: %s\n", k, pv_last_error());
    assert_int_equal(rc, PV_ERR_STATE); /* the budget ended the session */
    assert_false(pv_session_alive(s));
    pv_session_free(s);
    free(big);
}

/* A coding cookie (a policy that allows latin-1): each cell's text is decoded once; the
 * whole is that decoded text (the first cell's cookie is not read again), and a cell
 * accepted within the whole runs as it was checked. */
static void test_session_cookie(void **state)
{
    static const char l1[] = "[source]\nencodings = [\"utf-8\", \"latin-1\"]\n";
    /* the cell after the cookie cell: UTF-8 identifier (C3 A9), valid only read as UTF-8 */
    static const char utf8_cell[] = "\xc3\xa9t\xc3\xa9 = 1\nprint(\xc3\xa9t\xc3\xa9)\n";
    /* latin-1 source (E9) using an earlier cell's attribute (PV302 alone) */
    static const char l1_cell[] = "# -*- coding: latin-1 -*-\nprint(P().weight, '\xe9')\n";
    pv_policy *pol = NULL;
    pv_session *s = NULL;
    pv_program *p = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    (void)state;
    assert_int_equal(pv_policy_load_buffer(&pol, l1, strlen(l1), "l1.toml"), 0);
    assert_int_equal(pv_session_new(&s, pol, NULL), 0);
    {
        static const char c1[] = "# -*- coding: latin-1 -*-\nclass P:\n"
                                 "    def __init__(self):\n        self.weight = 2\n";
        assert_int_equal(pv_session_verify(&p, s, c1, strlen(c1), "c1.py", NULL), 0);
        assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
        assert_int_equal(pv_session_run(s, &r, p, &o), 0);
        assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
        pv_run_result_free(r);
        pv_program_free(p);
    }
    assert_int_equal(pv_session_verify(&p, s, utf8_cell, strlen(utf8_cell), "c2.py", NULL), 0);
    if (pv_program_verdict(p) != PV_ACCEPTED)
        print_message("  %s\n", pv_program_diag(p, 0)->message);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    assert_int_equal(pv_session_run(s, &r, p, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "1\n");
    pv_run_result_free(r);
    pv_program_free(p);
    assert_int_equal(pv_session_verify(&p, s, l1_cell, strlen(l1_cell), "c3.py", NULL), 0);
    assert_int_equal(pv_program_verdict(p), PV_ACCEPTED);
    assert_int_equal(pv_session_run(s, &r, p, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "2 \xc3\xa9\n");
    pv_run_result_free(r);
    pv_program_free(p);
    pv_session_free(s);
    pv_policy_free(pol);
}

static int setup_all(void **state)
{
    (void)state;
    if (pv_init() < 0 || pv_policy_load_buffer(&policy, rules, strlen(rules), "s.toml") < 0) {
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_keeps_state),   cmocka_unit_test(test_isolated),
        cmocka_unit_test(test_killed_host_leaves_no_dir),
        cmocka_unit_test(test_limit_ends),    cmocka_unit_test(test_expires),
        cmocka_unit_test(test_host_in_session), cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_host_error_read_only), cmocka_unit_test(test_slow_host_in_session),
        cmocka_unit_test(test_cells_keep_knowledge), cmocka_unit_test(test_session_verify),
        cmocka_unit_test(test_session_cookie), cmocka_unit_test(test_inputs_persist),
        cmocka_unit_test(test_docstring_cell), cmocka_unit_test(test_large_cell), cmocka_unit_test(test_history_check_is_charged), cmocka_unit_test(test_template_or_fallback),
    };
    return cmocka_run_group_tests_name("session", tests, setup_all, teardown_all);
}
