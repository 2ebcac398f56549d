/*
 * test_run_pool.c: pv_run's clean templates (runtime/run_pool.c). pv_run never forks its
 * child from this process: the child comes from a template started at the first run and
 * reused; a template that died is replaced; a fork of this process makes its own and never
 * touches the parent's; concurrent runs each get one; the cache is bounded; without the
 * helper the run forks here and says so; pv_run_cache_free and the host's exit end them.
 */
#include <Python.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pyverify.h"

static pv_policy *policy;

static pv_program *compile_with(const pv_policy *pol, const char *src)
{
    pv_program *prog = NULL;
    assert_int_equal(pv_verify(&prog, pol, src, strlen(src), "pool.py", NULL), 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    return prog;
}

static bool has_layer(const pv_run_result *r, const char *name)
{
    for (size_t i = 0; i < pv_run_result_layer_count(r); i++)
        if (strcmp(pv_run_result_layer(r, i), name) == 0)
            return true;
    return false;
}

static const char *skipped_reason(const pv_run_result *r, const char *step)
{
    for (size_t i = 0; i < pv_run_result_skipped_count(r); i++)
        if (strcmp(pv_run_result_skipped_step(r, i), step) == 0)
            return pv_run_result_skipped_reason(r, i);
    return NULL;
}

/* The children of process `parent` (any of its threads), from /proc/PID/stat; up to max. */
static int children_of(pid_t parent, pid_t *out, int max)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        char path[300], buf[512], *p;
        long ppid;
        FILE *f;
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        f = fopen(path, "r");
        if (!f)
            continue;
        p = fgets(buf, sizeof buf, f) ? strrchr(buf, ')') : NULL;
        fclose(f);
        if (!p || sscanf(p + 2, "%*c %ld", &ppid) != 1 || ppid != (long)parent)
            continue;
        if (n < max && out)
            out[n] = (pid_t)strtol(e->d_name, NULL, 10);
        n++;
    }
    closedir(d);
    return n;
}

static int children(pid_t *out, int max)
{
    return children_of(getpid(), out, max);
}

static int count_fds(void)
{
    DIR *d = opendir("/proc/self/fd");
    int n = 0;
    if (!d)
        return -1;
    while (readdir(d))
        n++;
    closedir(d);
    return n;
}

/* Sockets open in this process (a template's channel, a warm child's request socket). */
static int open_sockets(void)
{
    DIR *d = opendir("/proc/self/fd");
    struct dirent *e;
    int n = 0;
    if (!d)
        return -1;
    while ((e = readdir(d))) {
        char path[300], target[64];
        ssize_t len;
        snprintf(path, sizeof path, "/proc/self/fd/%s", e->d_name);
        len = readlink(path, target, sizeof target - 1);
        if (len > 0 && (target[len] = '\0', strncmp(target, "socket:", 7) == 0))
            n++;
    }
    closedir(d);
    return n;
}

/* fork() as a host embedding Python does it (this thread holds the GIL). */
static pid_t fork_host(void)
{
    pid_t pid;
    PyOS_BeforeFork();
    pid = fork();
    if (pid == 0)
        PyOS_AfterFork_Child();
    else
        PyOS_AfterFork_Parent();
    return pid;
}

/* Runs `prog` with `flags`; asserts it printed `want` from a template's child. */
static void run_ok(const pv_program *prog, unsigned flags, const char *want)
{
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_run_result *r = NULL;
    o.flags = flags;
    assert_int_equal(pv_run(&r, prog, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_string_equal(pv_run_result_stdout(r, NULL), want);
    assert_true(has_layer(r, "template"));
    assert_null(skipped_reason(r, "template"));
    pv_run_result_free(r);
}

/* The first run starts one template; later runs reuse it (no new child of this process). */
static void test_reused(void **state)
{
    pv_program *prog = compile_with(policy, "print(6 * 7)\n");
    pid_t first[4], now[4];
    int fds0;
    (void)state;

    pv_run_cache_free();
    fds0 = count_fds();
    assert_int_equal(children(NULL, 0), 0);
    run_ok(prog, 0, "42\n");
    assert_int_equal(children(first, 4), 1); /* the template; the run's child is its child */
    for (int i = 0; i < 5; i++)
        run_ok(prog, 0, "42\n");
    assert_int_equal(children(now, 4), 1);
    assert_int_equal(now[0], first[0]);
    pv_run_cache_free();
    assert_int_equal(children(NULL, 0), 0);
    assert_int_equal(waitpid(first[0], NULL, WNOHANG), -1); /* reaped */
    assert_int_equal(count_fds(), fds0);
    pv_program_free(prog);
}

/* A template killed from outside: the next run starts another one. */
static void test_dead_template_replaced(void **state)
{
    pv_program *prog = compile_with(policy, "print('again')\n");
    pid_t t[4], t2[4];
    (void)state;

    pv_run_cache_free();
    run_ok(prog, 0, "again\n");
    assert_int_equal(children(t, 4), 1);
    assert_int_equal(kill(t[0], SIGKILL), 0);
    for (int i = 0; i < 200 && children_of(t[0], NULL, 0) > 0; i++)
        usleep(5000); /* its children die with it */
    run_ok(prog, 0, "again\n");
    assert_int_equal(children(t2, 4), 1);
    assert_true(t2[0] != t[0]);
    assert_int_equal(waitpid(t[0], NULL, WNOHANG), -1); /* the dead one was reaped */
    pv_run_cache_free();
    pv_program_free(prog);
}

/* A fork of this process does not use (nor end) the parent's template: it starts its own;
 * the parent's keeps working. */
static void test_fork_makes_its_own(void **state)
{
    pv_program *prog = compile_with(policy, "print('forked')\n");
    pid_t t[4], pid;
    int st = -1;
    (void)state;

    pv_run_cache_free();
    run_ok(prog, 0, "forked\n");
    assert_int_equal(children(t, 4), 1);
    assert_true(open_sockets() >= 1); /* the channel to the template (and a warm child's) */
    pid = fork_host();
    if (pid == 0) {
        /* 0: ok; 1..: which check failed */
        pv_run_result *r = NULL;
        pid_t mine[4];
        int code = 0;
        if (open_sockets() != 0)
            code = 5; /* the parent's template channel: closed at the fork (atfork) */
        else if (pv_run(&r, prog, NULL) < 0 || pv_run_result_status(r) != PV_RUN_OK)
            code = 1;
        else if (!has_layer(r, "template"))
            code = 2;
        else if (children(mine, 4) != 1)
            code = 3; /* its own template, not the parent's */
        else if (kill(t[0], 0) != 0)
            code = 4; /* the parent's template was not touched */
        pv_run_result_free(r);
        _exit(code); /* no pv_shutdown: its template ends with it (channel closed) */
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    run_ok(prog, 0, "forked\n");
    {
        pid_t now[4];
        assert_int_equal(children(now, 4), 1);
        assert_int_equal(now[0], t[0]);
    }
    pv_run_cache_free();
    pv_program_free(prog);
}

/* The host exits without pv_shutdown: its templates end too (they see their channel close),
 * and nothing of theirs is left. This process is a subreaper, so orphans would be its. */
static void test_host_exit_ends_templates(void **state)
{
    pv_program *prog = compile_with(policy, "print(1)\n");
    pid_t pid;
    int st = -1, left = -1;
    (void)state;

    pv_run_cache_free();
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
    pid = fork_host();
    if (pid == 0) {
        pv_run_result *r = NULL;
        _exit(pv_run(&r, prog, NULL) == 0 && has_layer(r, "template") ? 0 : 1);
    }
    assert_true(pid > 0);
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_int_equal(WEXITSTATUS(st), 0);
    for (int i = 0; i < 400 && (left = children(NULL, 0)) > 0; i++) {
        while (waitpid(-1, NULL, WNOHANG) > 0)
            ;
        usleep(5000);
    }
    assert_int_equal(left, 0);
    assert_int_equal(prctl(PR_SET_CHILD_SUBREAPER, 0, 0, 0, 0), 0);
    pv_program_free(prog);
}

typedef struct thread_arg {
    const pv_program *prog;
    int ok;
} thread_arg;

static void *run_thread(void *p)
{
    thread_arg *a = p;
    for (int i = 0; i < 4; i++) {
        pv_run_result *r = NULL;
        if (pv_run(&r, a->prog, NULL) == 0 && pv_run_result_status(r) == PV_RUN_OK &&
            has_layer(r, "template") && strcmp(pv_run_result_stdout(r, NULL), "7\n") == 0)
            a->ok++;
        pv_run_result_free(r);
    }
    return NULL;
}

/* Concurrent runs of one policy: each gets a template of its own (never two runs on one
 * template's channel); at most the cache's bound stay. */
static void test_threads(void **state)
{
    enum { T = 6 };
    pv_program *prog = compile_with(policy, "print(7)\n");
    pthread_t th[T];
    thread_arg a[T];
    (void)state;

    pv_run_cache_free();
    for (int i = 0; i < T; i++) {
        a[i].prog = prog;
        a[i].ok = 0;
        assert_int_equal(pthread_create(&th[i], NULL, run_thread, &a[i]), 0);
    }
    {
        PyThreadState *ts = PyEval_SaveThread(); /* this thread held the GIL */
        for (int i = 0; i < T; i++)
            pthread_join(th[i], NULL);
        PyEval_RestoreThread(ts);
    }
    for (int i = 0; i < T; i++)
        assert_int_equal(a[i].ok, 4);
    assert_true(children(NULL, 0) <= 4);
    pv_run_cache_free();
    assert_int_equal(children(NULL, 0), 0);
    pv_program_free(prog);
}

/* Distinct keys (flags, policies) beyond the bound: the least recently used ends. */
static void test_bounded(void **state)
{
    static const unsigned flags[] = {0, PV_RUN_NO_SECCOMP, PV_RUN_NO_NAMESPACES,
                                     PV_RUN_NO_SECCOMP | PV_RUN_NO_NAMESPACES,
                                     PV_RUN_NO_OS_LAYER, PV_RUN_NO_PYTHON_LAYER};
    pv_program *prog = compile_with(policy, "print(3)\n");
    (void)state;

    pv_run_cache_free();
    for (size_t i = 0; i < sizeof flags / sizeof flags[0]; i++) {
        run_ok(prog, flags[i], "3\n");
        assert_true(children(NULL, 0) <= 4);
    }
    assert_int_equal(children(NULL, 0), 4);
    pv_run_cache_free();
    pv_program_free(prog);
}

/* No helper: the run forks here and says why (PV600 "template"); fine again with one. A
 * policy freed and another loaded is another key (not the old template). */
static void test_no_template(void **state)
{
    pv_policy *pol = NULL;
    pv_program *prog;
    pv_run_result *r = NULL;
    const char *why;
    (void)state;

    pv_run_cache_free();
    assert_int_equal(pv_policy_default(&pol), 0);
    prog = compile_with(pol, "print('here')\n");
    assert_int_equal(setenv("PYVERIFY_TEMPLATE", "/nonexistent/pyverify-template", 1), 0);
    assert_int_equal(pv_run(&r, prog, NULL), 0);
    assert_int_equal(unsetenv("PYVERIFY_TEMPLATE"), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_string_equal(pv_run_result_stdout(r, NULL), "here\n");
    assert_false(has_layer(r, "template"));
    why = skipped_reason(r, "template");
    assert_non_null(why);
    assert_non_null(strstr(why, "PYVERIFY_TEMPLATE"));
    pv_run_result_free(r);
    assert_int_equal(children(NULL, 0), 0);
    pv_program_free(prog);
    pv_policy_free(pol);
    /* a new policy: a new key, so a new attempt, which finds the helper */
    assert_int_equal(pv_policy_default(&pol), 0);
    prog = compile_with(pol, "print('there')\n");
    run_ok(prog, 0, "there\n");
    pv_program_free(prog);
    pv_policy_free(pol);
    pv_run_cache_free();
}

/* A runner's run with flags it was not made for goes through pv_run: a template too. */
static void test_runner_fallback_template(void **state)
{
    pv_program *prog = compile_with(policy, "print(5)\n");
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_runner *rn = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_run_result *r = NULL;
    (void)state;

    ro.template_mode = PV_TEMPLATE_OFF;
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), 0);
    o.flags = PV_RUN_NO_SECCOMP;
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "5\n");
    assert_true(has_layer(r, "template"));
    pv_run_result_free(r);
    pv_runner_free(rn);
    pv_run_cache_free();
    pv_program_free(prog);
}

static int setup_all(void **state)
{
    (void)state;
    if (pv_init() < 0 || pv_policy_default(&policy) < 0) {
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
        cmocka_unit_test(test_reused),
        cmocka_unit_test(test_dead_template_replaced),
        cmocka_unit_test(test_fork_makes_its_own),
        cmocka_unit_test(test_host_exit_ends_templates),
        cmocka_unit_test(test_threads),
        cmocka_unit_test(test_bounded),
        cmocka_unit_test(test_no_template),
        cmocka_unit_test(test_runner_fallback_template),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
