/*
 * test_template.c: the clean template of library runners (runtime/template.c) and the
 * per-run uids it gives as root: two concurrent runs get different uids and cannot signal
 * each other even with namespaces and seccomp off; finding the helper, or failing closed.
 */
#include <Python.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <stdbool.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "pyverify.h"

static pv_policy *policy;

static pv_program *compile(const char *src, const char *name)
{
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_program *prog = NULL;
    vo.layers = PV_LAYER_UNSAFE_NONE;
    assert_int_equal(pv_verify(&prog, policy, src, strlen(src), name, &vo), 0);
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

/* A process named `comm` (its /proc/PID/comm), or 0. */
static pid_t find_comm(const char *comm)
{
    DIR *d = opendir("/proc");
    struct dirent *e;
    pid_t found = 0;
    if (!d)
        return 0;
    while (!found && (e = readdir(d))) {
        char path[300], buf[64];
        FILE *f;
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        snprintf(path, sizeof path, "/proc/%s/comm", e->d_name);
        f = fopen(path, "r");
        if (!f)
            continue;
        if (fgets(buf, sizeof buf, f) && strncmp(buf, comm, strlen(comm)) == 0)
            found = (pid_t)strtol(e->d_name, NULL, 10);
        fclose(f);
    }
    closedir(d);
    return found;
}

typedef struct run_arg {
    pv_runner *rn;
    pv_program *prog;
    pv_run_opts o;
    pv_run_result *r;
    int rc;
} run_arg;

static void *run_thread(void *p)
{
    run_arg *a = p;
    a->rc = pv_runner_run(a->rn, &a->r, a->prog, &a->o);
    return NULL;
}

/* Run A names itself and waits; run B, concurrent, finds A by name and signals it (0).
 * With namespaces and seccomp off only the uid stands between them. */
static void test_uid_per_run(void **state)
{
    const unsigned flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED |
                           PV_RUN_NO_NAMESPACES | PV_RUN_NO_SECCOMP;
    const char *src_a =
        "import ctypes, os, time\n"
        "ctypes.CDLL(None).prctl(15, b'pv-run-a', 0, 0, 0)\n"
        "print(os.getuid())\n"
        "time.sleep(3)\n";
    const char *src_b =
        "import os, sys\n"
        "pid = int(sys.stdin.read())\n"
        "try:\n"
        "    os.kill(pid, 0)\n"
        "    print(os.getuid(), 'signalled')\n"
        "except PermissionError:\n"
        "    print(os.getuid(), 'EPERM')\n";
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_runner *ra = NULL, *rb = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    run_arg a;
    pthread_t th;
    pid_t pid_a = 0;
    char pidtxt[32];
    unsigned long uid_a, uid_b;
    char what[32] = "";
    (void)state;

    if (geteuid() != 0) {
        print_message("  per-run uids need root\n");
        skip();
    }
    ro.flags = flags;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.preload = "ctypes,os,time,sys";
    assert_int_equal(pv_runner_new_opts(&ra, policy, &ro), 0);
    assert_int_equal(pv_runner_new_opts(&rb, policy, &ro), 0);
    memset(&a, 0, sizeof a);
    a.rn = ra;
    a.prog = compile(src_a, "a.py");
    a.o = (pv_run_opts)PV_RUN_OPTS_INIT;
    a.o.flags = flags;
    a.o.timeout_s = 10;
    assert_int_equal(pthread_create(&th, NULL, run_thread, &a), 0);
    for (int i = 0; i < 500 && !(pid_a = find_comm("pv-run-a")); i++)
        usleep(10000);
    assert_true(pid_a > 0);
    snprintf(pidtxt, sizeof pidtxt, "%ld", (long)pid_a);
    {
        pv_program *pb = compile(src_b, "b.py");
        o.flags = flags;
        o.stdin_data = pidtxt;
        o.stdin_len = strlen(pidtxt);
        assert_int_equal(pv_runner_run(rb, &r, pb, &o), 0);
        pv_program_free(pb);
    }
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(a.rc, 0);
    print_message("  A: %s  B: %s", pv_run_result_stdout(a.r, NULL), pv_run_result_stdout(r, NULL));
    assert_int_equal(pv_run_result_status(a.r), PV_RUN_OK);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_true(has_layer(a.r, "uid:per-run") && has_layer(r, "uid:per-run"));
    assert_int_equal(sscanf(pv_run_result_stdout(a.r, NULL), "%lu", &uid_a), 1);
    assert_int_equal(sscanf(pv_run_result_stdout(r, NULL), "%lu %31s", &uid_b, what), 2);
    assert_true(uid_a >= PV_RUNNER_UID_BASE && uid_a < PV_RUNNER_UID_BASE + PV_RUNNER_UID_COUNT);
    assert_true(uid_b >= PV_RUNNER_UID_BASE && uid_b < PV_RUNNER_UID_BASE + PV_RUNNER_UID_COUNT);
    assert_true(uid_a != uid_b);
    assert_string_equal(what, "EPERM");
    pv_run_result_free(a.r);
    pv_run_result_free(r);
    pv_program_free(a.prog);
    /* one template's consecutive runs rotate their uids too */
    {
        pv_program *pb = compile("import os\nprint(os.getuid())\n", "c.py");
        unsigned long u[2];
        o.stdin_data = NULL;
        o.stdin_len = 0;
        for (int i = 0; i < 2; i++) {
            assert_int_equal(pv_runner_run(rb, &r, pb, &o), 0);
            assert_int_equal(sscanf(pv_run_result_stdout(r, NULL), "%lu", &u[i]), 1);
            pv_run_result_free(r);
        }
        assert_true(u[0] != u[1] && u[0] != uid_b && u[1] != uid_b);
        pv_program_free(pb);
    }
    pv_runner_free(ra);
    pv_runner_free(rb);
    /* pv_run's children too: a uid of this process's block, not 65534 */
    {
        pv_program *pc = compile("import os\nprint(os.getuid())\n", "d.py");
        unsigned long u;
        assert_int_equal(pv_run(&r, pc, &o), 0);
        assert_true(has_layer(r, "uid:per-run"));
        assert_int_equal(sscanf(pv_run_result_stdout(r, NULL), "%lu", &u), 1);
        assert_true(u >= PV_RUNNER_UID_BASE && u < PV_RUNNER_UID_BASE + PV_RUNNER_UID_COUNT);
        pv_run_result_free(r);
        pv_program_free(pc);
    }
}

/* No helper: AUTO forks from this process and says so in every run; REQUIRE fails. */
static void test_template_missing(void **state)
{
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_runner *rn = NULL;
    pv_run_result *r = NULL;
    pv_program *prog = compile("print(1)\n", "m.py");
    pv_run_opts o = PV_RUN_OPTS_INIT;
    const char *why;
    (void)state;

    ro.flags = o.flags = PV_RUN_ALLOW_UNVERIFIED; /* compile() skips the static layers */

    ro.template_path = "/nonexistent/pyverify-template";
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), PV_ERR_RUNTIME);
    assert_null(rn);
    assert_non_null(strstr(pv_last_error(), "template"));
    ro.template_mode = PV_TEMPLATE_AUTO;
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), 0);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_false(has_layer(r, "template"));
    why = skipped_reason(r, "template");
    assert_non_null(why);
    assert_non_null(strstr(why, "not an executable"));
    pv_run_result_free(r);
    pv_runner_free(rn);
    /* the default search finds the build tree's helper */
    assert_int_equal(pv_runner_new(&rn, policy, o.flags), 0);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_true(has_layer(r, "template"));
    assert_string_equal(pv_run_result_stdout(r, NULL), "1\n");
    pv_run_result_free(r);
    pv_runner_free(rn);
    ro.version = 99;
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), PV_ERR_INVALID);
    pv_program_free(prog);
}

/* A preload that cannot be imported is an error of the caller (REQUIRE: no runner); a
 * template killed from outside fails the next run cleanly (no hang, nothing left). */
static void test_template_failures(void **state)
{
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_runner *rn = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *prog = compile("print(2)\n", "f.py");
    char path[64], buf[256];
    pid_t tmpl = 0;
    FILE *f;
    (void)state;

    pv_run_cache_free(); /* pv_run's templates: this process's only child is the runner's */
    ro.flags = o.flags = PV_RUN_ALLOW_UNVERIFIED;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.preload = "no_such_module_pv";
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), PV_ERR_RUNTIME);
    assert_non_null(strstr(pv_last_error(), "no_such_module_pv"));
    ro.preload = NULL;
    ro.pool = 1;
    assert_int_equal(pv_runner_new_opts(&rn, policy, &ro), 0);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_string_equal(pv_run_result_stdout(r, NULL), "2\n");
    pv_run_result_free(r);
    r = NULL;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)getpid(), (long)getpid());
    f = fopen(path, "r");
    assert_non_null(f);
    if (fgets(buf, sizeof buf, f))
        tmpl = (pid_t)strtol(buf, NULL, 10);
    fclose(f);
    assert_true(tmpl > 0);
    assert_int_equal(kill(tmpl, SIGKILL), 0);
    usleep(100000);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), PV_ERR_RUNTIME);
    assert_null(r);
    pv_runner_free(rn); /* reaps the template */
    assert_int_equal(waitpid(-1, NULL, WNOHANG), -1);
    pv_program_free(prog);
}

/* The pids listed in /proc/PID/task/PID/children (at most max). */
static int children_of(pid_t pid, pid_t *out, int max)
{
    char path[64], buf[512], *p, *end;
    int n = 0;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    if (!fgets(buf, sizeof buf, f))
        buf[0] = '\0';
    fclose(f);
    for (p = buf; n < max; p = end) {
        long v = strtol(p, &end, 10);
        if (end == p)
            break;
        out[n++] = (pid_t)v;
    }
    return n;
}

/* A runner of two warm children from a template it must have (ro's flags): the test's
 * process then has one child, the template, in kids[0]. */
static pv_runner *start_template_runner(pv_runner_opts *ro, pid_t kids[4])
{
    pv_runner *rn = NULL;
    ro->template_mode = PV_TEMPLATE_REQUIRE;
    ro->pool = 2;
    assert_int_equal(pv_runner_new_opts(&rn, policy, ro), 0);
    assert_int_equal(children_of(getpid(), kids, 4), 1);
    return rn;
}

/* The inode of /proc/PID/ns/NAME, 0 when unreadable. */
static unsigned long ns_of(pid_t pid, const char *name)
{
    char path[64], link[64];
    ssize_t n;
    snprintf(path, sizeof path, "/proc/%ld/ns/%s", (long)pid, name);
    n = readlink(path, link, sizeof link - 1);
    if (n <= 0)
        return 0;
    link[n] = '\0';
    return strtoul(strchr(link, '[') ? strchr(link, '[') + 1 : link, NULL, 10);
}

/* The network namespaces of the programs of a runner's two waiting warm children (the
 * template's children are supervisors: the init first, the program second), once both
 * have left the template's user namespace (unshared); and the template's. */
static void warm_netns(pid_t tmpl, unsigned long prog_ns[2])
{
    for (int k = 0; k < 500; k++) {
        pid_t sups[8], kids[4];
        int n = children_of(tmpl, sups, 8), found = 0;
        for (int i = 0; i < n && found < 2; i++) {
            if (children_of(sups[i], kids, 4) == 2 &&
                ns_of(kids[1], "user") != ns_of(tmpl, "user") && ns_of(kids[1], "net"))
                prog_ns[found++] = ns_of(kids[1], "net");
        }
        if (found == 2)
            return;
        usleep(10000);
    }
    fail_msg("the two warm children did not appear");
}

/* Issue 19: a template's children share its own empty network namespace (not the host's)
 * when every run applies seccomp (no socket at all) and Landlock's scopes; with seccomp off
 * each child makes its own, as before. The runs still report namespace:net. */
static void test_shared_netns(void **state)
{
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *prog = compile("print(3)\n", "n.py");
    pv_runner *rn = NULL;
    pv_run_result *r = NULL;
    unsigned long ns[2], host_ns = ns_of(getpid(), "net");
    pid_t kids[4];
    long abi = syscall(444 /* landlock_create_ruleset */, NULL, 0, 1u);
    (void)state;

    if (abi < 6) {
        print_message("  Landlock ABI %ld: the template shares no network namespace\n", abi);
        skip();
    }
    pv_run_cache_free();
    ro.flags = o.flags = PV_RUN_ALLOW_UNVERIFIED;
    rn = start_template_runner(&ro, kids);
    warm_netns(kids[0], ns);
    print_message("  host %lu, template %lu, programs %lu %lu\n", host_ns,
                  ns_of(kids[0], "net"), ns[0], ns[1]);
    assert_true(ns_of(kids[0], "net") != host_ns);
    assert_true(ns[0] == ns_of(kids[0], "net") && ns[1] == ns[0]);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_true(has_layer(r, "namespace:net") && has_layer(r, "signals:landlock") &&
                has_layer(r, "seccomp"));
    pv_run_result_free(r);
    pv_runner_free(rn);

    ro.flags = o.flags = PV_RUN_ALLOW_UNVERIFIED | PV_RUN_NO_SECCOMP;
    rn = start_template_runner(&ro, kids);
    warm_netns(kids[0], ns);
    assert_true(ns_of(kids[0], "net") == host_ns);
    assert_true(ns[0] != host_ns && ns[1] != host_ns && ns[0] != ns[1]);
    assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
    assert_true(has_layer(r, "namespace:net"));
    pv_run_result_free(r);
    pv_runner_free(rn);
    pv_program_free(prog);
}

/* kB of the process's anonymous memory in huge pages (AnonHugePages), -1 when unreadable */
static long anon_huge_kb(pid_t pid)
{
    char path[64], line[256];
    long kb = -1;
    FILE *f;
    snprintf(path, sizeof path, "/proc/%ld/smaps_rollup", (long)pid);
    if (!(f = fopen(path, "r")))
        return -1;
    while (fgets(line, sizeof line, f))
        if (sscanf(line, "AnonHugePages: %ld kB", &kb) == 1)
            break;
    fclose(f);
    return kb;
}

/* Issue 19: the template's pymalloc arenas are one region of 2 MiB pages (runtime/arena.c),
 * so that each fork and exit copies and drops one page-table entry per 2 MiB; and they stay
 * huge in the template across runs: the template does no Python work between forks (a
 * flush of its streams before each fork did, and its first write after a fork split a
 * shared huge page in the template, every later fork copying 512 entries again). Skipped
 * where the kernel cannot collapse memory into huge pages (MADV_COLLAPSE: Linux 6.1). */
static void test_huge_page_arenas(void **state)
{
    const size_t huge = 2u << 20;
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *prog = compile("x = [str(i) * 3 for i in range(20000)]\nprint(len(x))\n",
                               "h.py");
    pv_runner *rn = NULL;
    pid_t kids[4];
    long before, after;
    char *raw;
    int collapsed;
    (void)state;

    raw = mmap(NULL, 2 * huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    assert_true(raw != MAP_FAILED);
    {
        char *al = (char *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
        memset(al, 1, huge);
        collapsed = madvise(al, huge, 25 /* MADV_COLLAPSE */);
    }
    munmap(raw, 2 * huge);
    if (collapsed != 0) {
        print_message("  MADV_COLLAPSE: %s: the template's arenas stay in 4 KiB pages\n",
                      strerror(errno));
        pv_program_free(prog);
        skip();
    }
    pv_run_cache_free();
    ro.flags = o.flags = PV_RUN_ALLOW_UNVERIFIED;
    rn = start_template_runner(&ro, kids);
    before = anon_huge_kb(kids[0]);
    for (int i = 0; i < 20; i++) {
        pv_run_result *r = NULL;
        assert_int_equal(pv_runner_run(rn, &r, prog, &o), 0);
        assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
        assert_string_equal(pv_run_result_stdout(r, NULL), "20000\n");
        pv_run_result_free(r);
    }
    after = anon_huge_kb(kids[0]);
    print_message("  the template's anonymous memory in huge pages: %ld kB, after 20 runs %ld kB\n",
                  before, after);
    assert_true(before >= 2048);
    assert_true(after == before);
    pv_runner_free(rn);
    pv_program_free(prog);
}

/* Two concurrent runs of one template, every OS layer on, native code in both: run A waits
 * on a shared (not FUTEX_PRIVATE) futex at an address in libc's text, run B wakes that
 * address. A futex key of a file-backed page is the file's inode and offset, not the
 * process's memory, so without a filter on futex's operation the wake crosses from one run
 * to the other (and to any process of the host waiting on a shared futex of the same
 * file): a channel between runs that no namespace, Landlock or uid separates. */
static void test_shared_futex_channel(void **state)
{
    const unsigned flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED;
    const char *common =
        "import ctypes\n"
        "libc = ctypes.CDLL(None, use_errno=True)\n"
        "libc.syscall.restype = ctypes.c_long\n"
        "addr = ctypes.cast(libc.getpid, ctypes.c_void_p).value & ~3\n"
        "val = ctypes.c_uint32.from_address(addr).value\n";
    char src_a[1024], src_b[1024];
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_runner *ra = NULL, *rb = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    pv_program *pb;
    run_arg a;
    pthread_t th;
    const char *out_a, *out_b;
    (void)state;

    snprintf(src_a, sizeof src_a,
             "%s"
             "ts = (ctypes.c_long * 2)(4, 0)\n"
             "r = libc.syscall(202, ctypes.c_void_p(addr), 0, val, ts, 0, 0)\n" /* FUTEX_WAIT */
             "print('woken' if r == 0 else 'alone')\n",
             common);
    snprintf(src_b, sizeof src_b,
             "%s"
             "import time\n"
             "n = 0\n"
             "for i in range(300):\n"
             "    n = libc.syscall(202, ctypes.c_void_p(addr), 1, 1, 0, 0, 0)\n" /* FUTEX_WAKE */
             "    if n != 0: break\n"
             "    time.sleep(0.01)\n"
             "print('reached' if n > 0 else 'nobody')\n",
             common);
    ro.flags = flags;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.preload = "ctypes,time";
    assert_int_equal(pv_runner_new_opts(&ra, policy, &ro), 0);
    assert_int_equal(pv_runner_new_opts(&rb, policy, &ro), 0);
    memset(&a, 0, sizeof a);
    a.rn = ra;
    a.prog = compile(src_a, "fa.py");
    a.o = (pv_run_opts)PV_RUN_OPTS_INIT;
    a.o.flags = flags;
    a.o.timeout_s = 10;
    assert_int_equal(pthread_create(&th, NULL, run_thread, &a), 0);
    pb = compile(src_b, "fb.py");
    o.flags = flags;
    o.timeout_s = 10;
    assert_int_equal(pv_runner_run(rb, &r, pb, &o), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(a.rc, 0);
    out_a = pv_run_result_stdout(a.r, NULL);
    out_b = pv_run_result_stdout(r, NULL);
    print_message("  A: %s %s  B: %s %s\n", pv_run_status_name(pv_run_result_status(a.r)), out_a ? out_a : "",
                  pv_run_status_name(pv_run_result_status(r)), out_b ? out_b : "");
    assert_true(has_layer(a.r, "seccomp") || pv_run_result_status(a.r) != PV_RUN_OK);
    /* refused (the run killed) or no crossing: never a wake-up from the other run */
    assert_true(pv_run_result_status(a.r) != PV_RUN_OK || strstr(out_a, "alone"));
    assert_true(pv_run_result_status(r) != PV_RUN_OK || strstr(out_b, "nobody"));
    pv_run_result_free(a.r);
    pv_run_result_free(r);
    pv_program_free(a.prog);
    pv_program_free(pb);
    pv_runner_free(ra);
    pv_runner_free(rb);
}

static int setup_all(void **state)
{
    (void)state;
    if (pv_init() < 0 || pv_policy_default(&policy) < 0)
        return -1;
    /* the interpreter pv_init() started holds the GIL on this thread: let the runs of
       other threads take it (the library takes it with PyGILState_Ensure) */
    (void)PyEval_SaveThread();
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    pv_policy_free(policy);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_uid_per_run),
        cmocka_unit_test(test_template_missing),
        cmocka_unit_test(test_template_failures),
        cmocka_unit_test(test_shared_netns),
        cmocka_unit_test(test_shared_futex_channel),
        cmocka_unit_test(test_huge_page_arenas),
    };
    return cmocka_run_group_tests(tests, setup_all, teardown_all);
}
