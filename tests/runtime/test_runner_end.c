/*
 * test_runner_end.c: a runner's run ends at the program's reported end (issue 19,
 * runtime/run.c end_early). A template's child reports the end of the program (DONE on fd
 * 3) and waits; the host ends the run there only when it observes the program asleep after
 * the report, and kills the run's whole tree before the call returns. Programs with native
 * code (the Python layer off, every OS layer on) forge the report: then sleep (the run ends
 * at once, and no process of the run may be alive and unkilled when the call returns),
 * then run on (the watchdog ends it), then make a forbidden system call (seccomp's verdict).
 */
#include <Python.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyverify.h"

static pv_policy *policy;
static pv_runner *runner;

#define FLAGS (PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED)
/* a DONE record ("0": ended) on the control pipe, as the runtime writes it */
#define FORGE "import ctypes, os, struct, time\n" \
              "os.write(3, b'D' + struct.pack('=I', 1) + b'0')\n"

static pv_run_result *run(const char *src, double timeout_s, unsigned output_kb)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *prog = NULL;
    pv_run_result *r = NULL;
    vo.layers = PV_LAYER_UNSAFE_NONE;
    assert_int_equal(pv_verify(&prog, policy, src, strlen(src), "end.py", &vo), 0);
    assert_int_equal(pv_program_verdict(prog), PV_ACCEPTED);
    o.flags = FLAGS;
    o.timeout_s = timeout_s;
    o.output_kb = output_kb;
    assert_int_equal(pv_runner_run(runner, &r, prog, &o), 0);
    pv_program_free(prog);
    return r;
}

static bool has_layer(const pv_run_result *r, const char *name)
{
    for (size_t i = 0; i < pv_run_result_layer_count(r); i++)
        if (strcmp(pv_run_result_layer(r, i), name) == 0)
            return true;
    return false;
}

#define MAXP 4096

/* This process's descendants (their pids), from /proc/PID/stat. */
static int descendants(pid_t *out)
{
    static pid_t pid[MAXP], ppid[MAXP];
    int n = 0, k = 0;
    DIR *d = opendir("/proc");
    struct dirent *e;
    assert_non_null(d);
    while ((e = readdir(d)) && n < MAXP) {
        char path[300], buf[512], *p;
        FILE *f;
        size_t len;
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
        if (!(f = fopen(path, "r")))
            continue;
        len = fread(buf, 1, sizeof buf - 1, f);
        fclose(f);
        buf[len] = '\0';
        if (!(p = strrchr(buf, ')')))
            continue;
        pid[n] = (pid_t)strtol(e->d_name, NULL, 10);
        ppid[n] = (pid_t)strtol(p + 4, NULL, 10); /* ") S PPID" */
        n++;
    }
    closedir(d);
    for (int i = 0; i < n; i++) {
        pid_t a = ppid[i];
        for (int depth = 0; depth < 16 && a > 1; depth++) {
            int j;
            if (a == getpid()) {
                out[k++] = pid[i];
                break;
            }
            for (j = 0; j < n && pid[j] != a; j++)
                ;
            if (j == n)
                break;
            a = ppid[j];
        }
    }
    return k;
}

/* Gone, a zombie, or killed (SIGKILL pending: it never runs user code again). */
static bool finished(pid_t p)
{
    char path[64], buf[4096], *s;
    unsigned long pnd = 0, shd = 0;
    FILE *f;
    size_t n;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)p);
    if (!(f = fopen(path, "r")))
        return true;
    n = fread(buf, 1, sizeof buf - 1, f);
    fclose(f);
    buf[n] = '\0';
    if ((s = strstr(buf, "\nState:\t")) && (s[8] == 'Z' || s[8] == 'X'))
        return true;
    if ((s = strstr(buf, "\nSigPnd:\t")))
        pnd = strtoul(s + 9, NULL, 16);
    if ((s = strstr(buf, "\nShdPnd:\t")))
        shd = strtoul(s + 9, NULL, 16);
    return ((pnd | shd) & (1ul << (SIGKILL - 1))) != 0;
}

/* A forged end, then asleep: the run ends at the report, and before the call returns its
 * three processes (supervisor, init, program: the waiting child's tree, among this
 * process's descendants before the call) are dead or killed; soon they are gone. */
static void test_forged_end_asleep(void **state)
{
    static pid_t before[MAXP], after[MAXP];
    int nb, na, done = 0, kept = 0, tree;
    pv_run_result *r;
    (void)state;
    usleep(300000); /* the pool's children finished their set-up */
    nb = descendants(before);
    r = run(FORGE "time.sleep(20)\n", 30, 0);
    for (int i = 0; i < nb; i++) /* right after the call: nothing of the run is alive */
        done += finished(before[i]);
    print_message("  status %s in %lu ms; of %d processes before the call, %d dead or "
                  "killed at its return\n", pv_run_status_name(pv_run_result_status(r)),
                  pv_run_result_wall_ms(r), nb, done);
    /* supervisor, init and program; the child alone where the kernel gives no pid
       namespace */
    tree = has_layer(r, "namespace:pid") ? 3 : 1;
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK); /* what exit 0 would have said */
    assert_true(pv_run_result_wall_ms(r) < 10000);
    assert_true(done >= tree);
    /* and soon gone: every process from before is either gone or still a waiting child of
       the pool (alive, not killed), none half-killed */
    usleep(500000);
    na = descendants(after);
    for (int i = 0; i < nb; i++)
        for (int j = 0; j < na; j++)
            if (after[j] == before[i]) {
                kept++;
                assert_false(finished(before[i]));
            }
    assert_true(kept <= nb - tree);
    pv_run_result_free(r);
}

/* A forged end, then running on: not ended at the report; the watchdog ends it. */
static void test_forged_end_runs_on(void **state)
{
    pv_run_result *r;
    (void)state;
    r = run(FORGE "while True:\n    pass\n", 1.0, 0);
    print_message("  status %s in %lu ms\n", pv_run_status_name(pv_run_result_status(r)),
                  pv_run_result_wall_ms(r));
    assert_true(pv_run_result_status(r) == PV_RUN_TIMEOUT || pv_run_result_status(r) == PV_RUN_CPU);
    assert_true(pv_run_result_wall_ms(r) >= 900);
    pv_run_result_free(r);
}

/* A forged end, then a forbidden system call: seccomp's verdict, from the wait status. */
static void test_forged_end_then_forbidden(void **state)
{
    pv_run_result *r;
    (void)state;
    r = run(FORGE "ctypes.CDLL(None).syscall(101, 0, 0, 0, 0)\ntime.sleep(20)\n", 30, 0);
    print_message("  status %s (%s) in %lu ms\n", pv_run_status_name(pv_run_result_status(r)),
                  pv_run_result_kill_reason(r) ? pv_run_result_kill_reason(r) : "",
                  pv_run_result_wall_ms(r));
    if (!has_layer(r, "seccomp")) {
        pv_run_result_free(r);
        skip();
    }
    assert_int_equal(pv_run_result_status(r), PV_RUN_KILLED);
    assert_non_null(pv_run_result_kill_reason(r));
    assert_true(strncmp(pv_run_result_kill_reason(r), "seccomp", 7) == 0);
    pv_run_result_free(r);
}

/* The runtime's own reports end a run early: an exception and a value still arrive. */
static void test_reported_end(void **state)
{
    pv_run_result *r = run("print('out')\nraise ValueError('no')\n", 30, 0);
    (void)state;
    assert_int_equal(pv_run_result_status(r), PV_RUN_ERROR);
    assert_string_equal(pv_run_result_exception_type(r), "ValueError");
    assert_string_equal(pv_run_result_stdout(r, NULL), "out\n");
    pv_run_result_free(r);
    r = run("import sys\nsys.stdout.write('x' * 300000)\n", 30, 1024);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_int_equal(strlen(pv_run_result_stdout(r, NULL)), 300000);
    pv_run_result_free(r);
}

static int setup_all(void **state)
{
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    (void)state;
    if (pv_init() < 0 || pv_policy_default(&policy) < 0)
        return -1;
    ro.flags = FLAGS;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.preload = "ctypes,os,struct,time,sys";
    if (pv_runner_new_opts(&runner, policy, &ro) < 0) {
        fprintf(stderr, "pv_runner_new_opts: %s\n", pv_last_error());
        return -1;
    }
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    pv_runner_free(runner);
    pv_policy_free(policy);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_forged_end_asleep),
        cmocka_unit_test(test_forged_end_runs_on),
        cmocka_unit_test(test_forged_end_then_forbidden),
        cmocka_unit_test(test_reported_end),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
