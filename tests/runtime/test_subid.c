/*
 * test_subid.c: per-run uids of a non-root host from its subordinate range (runtime/subid.c).
 *
 *   test_subid parse
 *       the strict /etc/subuid parser, on strings (any user).
 *   test_subid runs UID_START UID_COUNT GID_START GID_COUNT
 *       as an unprivileged user whose ranges these are (test_subid.sh sets it up): two
 *       runners' runs live at once; every process under each template (the runs and the
 *       children forked ahead), seen from outside in /proc/PID/status, has all its uids in
 *       the subordinate uid range, its gids in the subordinate gid range, no supplementary
 *       group, never this process's uid, and no two of the templates' children share a uid.
 *       Each run reports the layer "uid:per-run". Then, with namespaces and seccomp off
 *       (only the uid in the way), a run cannot signal another live run, this process (the
 *       host) or its own template.
 */
#include <Python.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>

#include <cmocka.h>

#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pyverify.h"

/* runtime/subid.h (internal; the static library has it) */
typedef struct pvx_subid_range {
    unsigned long start, count;
} pvx_subid_range;
typedef void (*pvx_subid_diag)(void *ctx, unsigned line, const char *why);
extern size_t pvx_subid_parse(const char *text, size_t len, const char *name, unsigned long uid,
                              pvx_subid_range *out, size_t max, pvx_subid_diag diag, void *ctx);
typedef struct pvx_subid_block {
    unsigned long uid_first, gid_first;
    int claim_fd;
} pvx_subid_block;
extern int pvx_subid_claim(pvx_subid_block *b, unsigned long hint, unsigned long want_base,
                           unsigned long want_count, const char **why, char *buf, size_t buflen);
#define BLOCK 17ul

static unsigned long g_range[4]; /* uid start, count, gid start, count */
static pv_policy *policy;

/* ---- the parser ---------------------------------------------------------------------- */

typedef struct diags {
    unsigned lines[16];
    int n;
} diags;

static void collect(void *ctx, unsigned line, const char *why)
{
    diags *d = ctx;
    assert_non_null(why);
    if (d->n < 16)
        d->lines[d->n++] = line;
}

static size_t parse(const char *text, pvx_subid_range *r, size_t max, diags *d)
{
    memset(d, 0, sizeof *d);
    return pvx_subid_parse(text, strlen(text), "alice", 1000, r, max, collect, d);
}

static void test_parse(void **state)
{
    pvx_subid_range r[4];
    diags d;
    (void)state;

    /* by name and by numeric uid, in file order; other users' lines skipped */
    assert_int_equal(parse("bob:100000:65536\nalice:165536:65536\n1000:300000:16\n", r, 4, &d),
                     2);
    assert_int_equal(d.n, 0);
    assert_int_equal(r[0].start, 165536);
    assert_int_equal(r[0].count, 65536);
    assert_int_equal(r[1].start, 300000);
    assert_int_equal(r[1].count, 16);
    /* no final newline, empty lines */
    assert_int_equal(parse("\n\nalice:5:6", r, 4, &d), 1);
    assert_int_equal(d.n, 0);
    assert_int_equal(r[0].start, 5);
    /* malformed lines are ignored, each with a diagnostic naming its line */
    assert_int_equal(parse("alice:1:2:3\n"           /* 1: four fields */
                           "alice:100000\n"          /* 2: two fields */
                           ":100000:5\n"             /* 3: no owner */
                           "alice:-1:5\n"            /* 4: a sign */
                           "alice: 100000:5\n"       /* 5: a space */
                           "alice:100000:0\n"        /* 6: empty */
                           "alice:0:10\n"            /* 7: holds 0 */
                           "alice:4294967295:1\n"    /* 8: (uid_t)-1 */
                           "alice:4294967290:10\n"   /* 9: past 2^32 - 2 */
                           "alice:99999999999:1\n"   /* 10: too long */
                           "alice:100000:5\r\n"      /* 11: a CR */
                           "al ice:100000:5\n"       /* 12: a space in the owner */
                           "alice:0x10:5\n"          /* 13: hex */
                           "alice:200000:65536\n",   /* 14: the only good one */
                           r, 4, &d),
                     1);
    assert_int_equal(d.n, 13);
    for (int i = 0; i < 13; i++)
        assert_int_equal(d.lines[i], (unsigned)i + 1);
    assert_int_equal(r[0].start, 200000);
    /* the largest range that fits */
    assert_int_equal(parse("alice:4294967293:2\n", r, 4, &d), 1);
    assert_int_equal(d.n, 0);
    /* a prefix of the name, or of the uid, is not the user */
    assert_int_equal(parse("alic:1:2\nalicex:1:2\n100:1:2\n10000:1:2\n", r, 4, &d), 0);
    /* a NUL byte ends nothing: the line is malformed */
    {
        static const char nul[] = "alice:1\0:2\nalice:7:8\n";
        memset(&d, 0, sizeof d);
        assert_int_equal(pvx_subid_parse(nul, sizeof nul - 1, "alice", 1000, r, 4, collect, &d),
                         1);
        assert_int_equal(d.n, 1);
        assert_int_equal(r[0].start, 7);
    }
    /* more matches than room: counted, not written past max */
    assert_int_equal(parse("alice:1:1\nalice:2:1\nalice:3:1\n", r, 2, &d), 3);
}

/* ---- two live runs, seen from outside ------------------------------------------------ */

typedef struct run_arg {
    pv_runner *rn;
    pv_program *prog;
    pv_run_result *r;
    int rc;
} run_arg;

static void *run_thread(void *p)
{
    run_arg *a = p;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    o.flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED; /* time: not in the policy */
    o.timeout_s = 20;
    a->rc = pv_runner_run(a->rn, &a->r, a->prog, &o);
    return NULL;
}

/* The children of pid (its main thread's), up to max. */
static int children_of(pid_t pid, pid_t *out, int max)
{
    char path[64];
    FILE *f;
    long v;
    int n = 0;
    snprintf(path, sizeof path, "/proc/%ld/task/%ld/children", (long)pid, (long)pid);
    f = fopen(path, "r");
    if (!f)
        return 0;
    while (n < max && fscanf(f, "%ld", &v) == 1)
        out[n++] = (pid_t)v;
    fclose(f);
    return n;
}

typedef struct ids {
    unsigned long uid[4], gid[4];
    bool groups_empty;
    char comm[32];
} ids;

/* The ids of pid from outside (this process is in the initial user namespace): 0 or -1
 * when it is gone. */
static int read_ids(pid_t pid, ids *x)
{
    char path[64], line[512];
    FILE *f;
    int got = 0;
    snprintf(path, sizeof path, "/proc/%ld/status", (long)pid);
    f = fopen(path, "r");
    if (!f)
        return -1;
    memset(x, 0, sizeof *x);
    while (fgets(line, sizeof line, f)) {
        if (sscanf(line, "Name: %31s", x->comm) == 1)
            got |= 1;
        else if (sscanf(line, "Uid: %lu %lu %lu %lu", &x->uid[0], &x->uid[1], &x->uid[2],
                        &x->uid[3]) == 4)
            got |= 2;
        else if (sscanf(line, "Gid: %lu %lu %lu %lu", &x->gid[0], &x->gid[1], &x->gid[2],
                        &x->gid[3]) == 4)
            got |= 4;
        else if (strncmp(line, "Groups:", 7) == 0) {
            x->groups_empty = strspn(line + 7, " \t\n") == strlen(line + 7);
            got |= 8;
        }
    }
    fclose(f);
    return got == 15 ? 0 : -1;
}

static bool in(unsigned long v, unsigned long start, unsigned long count)
{
    return v >= start && v - start < count;
}

/* Every descendant of `pid` has pid's ids (a run's supervisor, init and program). */
static void check_tree(pid_t pid, const ids *top, int depth)
{
    pid_t kids[16];
    int n = children_of(pid, kids, 16);
    assert_true(depth < 4);
    for (int i = 0; i < n; i++) {
        ids x;
        if (read_ids(kids[i], &x) < 0)
            continue; /* ended meanwhile */
        for (int k = 0; k < 4; k++) {
            assert_int_equal(x.uid[k], top->uid[0]);
            assert_int_equal(x.gid[k], top->gid[0]);
        }
        assert_true(x.groups_empty);
        check_tree(kids[i], top, depth + 1);
    }
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

static void test_two_runs(void **state)
{
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    const char *src = "import time\ntime.sleep(2.5)\nprint('done')\n";
    run_arg a[2];
    pthread_t th[2];
    pv_program *prog = NULL;
    unsigned long seen[64];
    int nseen = 0, per_template[2] = {0, 0}, busy = 0;
    pid_t tmpl[4];
    unsigned long host_uid = (unsigned long)getuid(), host_gid = (unsigned long)getgid();
    (void)state;

    assert_true(host_uid != 0);
    vo.layers = PV_LAYER_UNSAFE_NONE;
    assert_int_equal(pv_verify(&prog, policy, src, strlen(src), "s.py", &vo), 0);
    ro.flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.pool = 1;
    ro.preload = "time";
    memset(a, 0, sizeof a);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(pv_runner_new_opts(&a[i].rn, policy, &ro), 0);
        a[i].prog = prog;
    }
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, run_thread, &a[i]), 0);
    usleep(1000000); /* both runs are asleep in their programs by now */
    assert_int_equal(children_of(getpid(), tmpl, 4), 2); /* the two templates */
    for (int t = 0; t < 2; t++) {
        pid_t kids[16];
        int n = children_of(tmpl[t], kids, 16);
        for (int i = 0; i < n; i++) {
            ids x;
            pid_t sub[4];
            if (read_ids(kids[i], &x) < 0)
                continue;
            print_message("  template %d child %ld: uid %lu gid %lu\n", t, (long)kids[i],
                          x.uid[0], x.gid[0]);
            for (int k = 0; k < 4; k++) {
                assert_true(in(x.uid[k], g_range[0], g_range[1]));
                assert_true(in(x.gid[k], g_range[2], g_range[3]));
                assert_true(x.uid[k] == x.uid[0] && x.gid[k] == x.gid[0]);
            }
            assert_true(x.uid[0] != host_uid && x.gid[0] != host_gid);
            assert_true(x.groups_empty);
            check_tree(kids[i], &x, 0);
            for (int j = 0; j < nseen; j++)
                assert_true(seen[j] != x.uid[0]); /* no two live children share a uid */
            if (nseen < 64)
                seen[nseen++] = x.uid[0];
            per_template[t]++;
            if (children_of(kids[i], sub, 4) > 0)
                busy++;
        }
    }
    assert_true(per_template[0] >= 1 && per_template[1] >= 1);
    assert_true(busy >= 2); /* at least the two runs (supervisor, init, program) */
    for (int i = 0; i < 2; i++) {
        const char *why;
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(a[i].rc, 0);
        why = skipped_reason(a[i].r, "uid:per-run");
        if (why)
            print_message("  uid:per-run skipped: %s\n", why);
        assert_int_equal(pv_run_result_status(a[i].r), PV_RUN_OK);
        assert_string_equal(pv_run_result_stdout(a[i].r, NULL), "done\n");
        assert_true(has_layer(a[i].r, "uid:per-run"));
        assert_true(has_layer(a[i].r, "namespace:user"));
        pv_run_result_free(a[i].r);
        pv_runner_free(a[i].rn);
    }
    pv_program_free(prog);
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

typedef struct sig_arg {
    pv_runner *rn;
    pv_program *prog;
    unsigned flags;
    pv_run_result *r;
    int rc;
} sig_arg;

static void *sig_thread(void *p)
{
    sig_arg *a = p;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    o.flags = a->flags;
    o.timeout_s = 20;
    a->rc = pv_runner_run(a->rn, &a->r, a->prog, &o);
    return NULL;
}

/* Run A names itself and waits; run B, concurrent, is given A's pid and this process's and
 * tries to signal them and its own parent, the template (signal 0: the permission check). */
static void test_signals(void **state)
{
    const unsigned flags = PV_RUN_NO_PYTHON_LAYER | PV_RUN_ALLOW_UNVERIFIED |
                           PV_RUN_NO_NAMESPACES | PV_RUN_NO_SECCOMP;
    const char *src_a = "import ctypes, time\n"
                        "ctypes.CDLL(None).prctl(15, b'pv-subid-a', 0, 0, 0)\n"
                        "time.sleep(3)\n";
    const char *src_b = "import os, sys\n"
                        "out = []\n"
                        "for pid in [int(x) for x in sys.stdin.read().split()] + [os.getppid()]:\n"
                        "    try:\n"
                        "        os.kill(pid, 0)\n"
                        "        out.append('signalled')\n"
                        "    except PermissionError:\n"
                        "        out.append('EPERM')\n"
                        "print(os.getuid(), ' '.join(out))\n";
    pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
    pv_verify_opts vo = PV_VERIFY_OPTS_INIT;
    pv_runner *rb = NULL;
    pv_program *pb = NULL;
    pv_run_result *r = NULL;
    pv_run_opts o = PV_RUN_OPTS_INIT;
    sig_arg a;
    pthread_t th;
    pid_t pid_a = 0;
    char pids[64];
    (void)state;

    vo.layers = PV_LAYER_UNSAFE_NONE;
    memset(&a, 0, sizeof a);
    assert_int_equal(pv_verify(&a.prog, policy, src_a, strlen(src_a), "a.py", &vo), 0);
    assert_int_equal(pv_verify(&pb, policy, src_b, strlen(src_b), "b.py", &vo), 0);
    ro.flags = flags;
    ro.template_mode = PV_TEMPLATE_REQUIRE;
    ro.pool = 1;
    ro.preload = "ctypes,time,os,sys";
    assert_int_equal(pv_runner_new_opts(&a.rn, policy, &ro), 0);
    assert_int_equal(pv_runner_new_opts(&rb, policy, &ro), 0);
    a.flags = flags;
    assert_int_equal(pthread_create(&th, NULL, sig_thread, &a), 0);
    for (int i = 0; i < 500 && !(pid_a = find_comm("pv-subid-a")); i++)
        usleep(10000);
    assert_true(pid_a > 0);
    snprintf(pids, sizeof pids, "%ld %ld", (long)pid_a, (long)getpid());
    o.flags = flags;
    o.stdin_data = pids;
    o.stdin_len = strlen(pids);
    assert_int_equal(pv_runner_run(rb, &r, pb, &o), 0);
    assert_int_equal(pthread_join(th, NULL), 0);
    assert_int_equal(a.rc, 0);
    print_message("  B: %s", pv_run_result_stdout(r, NULL));
    assert_int_equal(pv_run_result_status(a.r), PV_RUN_OK);
    assert_int_equal(pv_run_result_status(r), PV_RUN_OK);
    assert_true(has_layer(a.r, "uid:per-run") && has_layer(r, "uid:per-run"));
    assert_non_null(strstr(pv_run_result_stdout(r, NULL), " EPERM EPERM EPERM\n"));
    pv_run_result_free(a.r);
    pv_run_result_free(r);
    pv_program_free(a.prog);
    pv_program_free(pb);
    pv_runner_free(a.rn);
    pv_runner_free(rb);
}

/* Claims: two with the same hint get different blocks (the second finds the first's
 * taken), a released block can be claimed again, an explicit range is honoured or refused. */
static void test_claim(void **state)
{
    pvx_subid_block b1, b2, b3;
    const char *why = NULL;
    char buf[300];
    const unsigned long hint = 7;
    (void)state;

    assert_int_equal(pvx_subid_claim(&b1, hint, PV_RUNNER_UID_BASE, PV_RUNNER_UID_COUNT, &why,
                                     buf, sizeof buf), 0);
    assert_int_equal(pvx_subid_claim(&b2, hint, PV_RUNNER_UID_BASE, PV_RUNNER_UID_COUNT, &why,
                                     buf, sizeof buf), 0);
    print_message("  blocks at %lu and %lu\n", b1.uid_first, b2.uid_first);
    assert_true(b1.claim_fd >= 0 && b2.claim_fd >= 0);
    assert_true(b1.uid_first != b2.uid_first);
    for (int i = 0; i < 2; i++) {
        const pvx_subid_block *b = i ? &b2 : &b1;
        assert_true(in(b->uid_first, g_range[0], g_range[1] - BLOCK + 1));
        assert_true(in(b->gid_first, g_range[2], g_range[3] - BLOCK + 1));
        assert_int_equal((b->uid_first - g_range[0]) % BLOCK, 0);
        assert_int_equal(b->uid_first - g_range[0], b->gid_first - g_range[2]);
    }
    close(b1.claim_fd);
    assert_int_equal(pvx_subid_claim(&b3, hint, PV_RUNNER_UID_BASE, PV_RUNNER_UID_COUNT, &why,
                                     buf, sizeof buf), 0);
    assert_int_equal(b3.uid_first, b1.uid_first);
    close(b3.claim_fd);
    close(b2.claim_fd);
    /* a runner's explicit range within the subordinate one: its first block */
    assert_int_equal(pvx_subid_claim(&b3, 0, g_range[0] + 100 * BLOCK, 4 * BLOCK, &why, buf,
                                     sizeof buf), 0);
    assert_int_equal(b3.uid_first, g_range[0] + 100 * BLOCK);
    assert_int_equal(b3.gid_first, g_range[2] + 100 * BLOCK);
    close(b3.claim_fd);
    /* one that is not: refused, with why */
    assert_int_equal(pvx_subid_claim(&b3, 0, g_range[0] + g_range[1], 4 * BLOCK, &why, buf,
                                     sizeof buf), -1);
    assert_non_null(strstr(why, "not within"));
    assert_int_equal(b3.claim_fd, -1);
}

static int setup_all(void **state)
{
    (void)state;
    if (pv_init() < 0 || pv_policy_default(&policy) < 0)
        return -1;
    (void)PyEval_SaveThread(); /* the runs' threads take the GIL themselves */
    return 0;
}

static int teardown_all(void **state)
{
    (void)state;
    pv_policy_free(policy);
    return 0;
}

int main(int argc, char **argv)
{
    const struct CMUnitTest parse_tests[] = {cmocka_unit_test(test_parse)};
    const struct CMUnitTest run_tests[] = {cmocka_unit_test(test_claim),
                                           cmocka_unit_test(test_two_runs),
                                           cmocka_unit_test(test_signals)};
    if (argc == 2 && strcmp(argv[1], "parse") == 0)
        return cmocka_run_group_tests(parse_tests, NULL, NULL);
    if (argc == 6 && strcmp(argv[1], "runs") == 0) {
        for (int i = 0; i < 4; i++) {
            char *end;
            errno = 0;
            g_range[i] = strtoul(argv[2 + i], &end, 10);
            if (errno || *end || end == argv[2 + i])
                return 2;
        }
        return cmocka_run_group_tests(run_tests, setup_all, teardown_all);
    }
    fprintf(stderr, "usage: test_subid parse | runs UID_START UID_COUNT GID_START GID_COUNT\n");
    return 2;
}
