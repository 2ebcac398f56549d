/*
 * pvbench.c: the measuring half of the benchmark (bench/run drives it and prints the table).
 * Built by bench/run against build-bench/libpyverify.a; never part of the test suite.
 *
 *   pvbench throughput LIST REPEATS     verifier vs compile() and ast.parse, in one process
 *   pvbench verify LIST LAYERS          one pass with PV_LAYER_* bits LAYERS (for profiling)
 *   pvbench digest LIST                 verdicts and a hash of every diagnostic (both layers)
 *   pvbench run N                       pv_run warm loop, fork-and-wait floor, python3 spawn
 *   pvbench expr FILE N                 expression workload: pv_verify alone, pv_run, both
 *   pvbench batch FILE N COUNT          COUNT workload expressions in one pv_run_batch (issue
 *                                       19): per expression, verified once per formula
 *                                       (batch_run) and verified every time (batch_verify_run)
 *   pvbench spawn N [--rlimits] -- ARGV whole-process wall time of a command (fork/exec/wait)
 *   pvbench pair N -- A... -- B... [-- C...]  commands spawned in turn (A B C, B C A, ...),
 *                                       so all see the same machine load: wall (a_time,
 *                                       b_time, ...) and CPU of the waited process tree
 *                                       (a_cpu, ...)
 *   pvbench host N                      host calls and sessions (issue 17): a warm-runner run
 *                                       with 0 and with 200 host calls, a session run
 *   pvbench runner N GAP_US             issue 19: where pv_runner_run's time goes, by layer:
 *                                       one runner per set of layers, runs interleaved, GAP_US
 *                                       between runs (so each finds its pool refilled)
 *
 * Every result is a line "key value..." on stdout; times are seconds. The driver computes
 * medians, spreads and ratios from the raw samples.
 */
#include <Python.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "pyverify.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what)
{
    fprintf(stderr, "pvbench: %s: %s\n", what, pv_last_error());
    exit(2);
}

/* ---- the corpus ----------------------------------------------------------------------- */

typedef struct file {
    char *path;
    char *data;
    size_t len;
    size_t lines;
} file;

static file *g_files;
static size_t g_nfiles;

static void load_list(const char *list)
{
    FILE *f = fopen(list, "r");
    if (!f) {
        perror(list);
        exit(2);
    }
    char line[4096];
    size_t cap = 0;
    while (fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (!line[0])
            continue;
        int fd = open(line, O_RDONLY);
        struct stat st;
        if (fd < 0 || fstat(fd, &st) < 0) {
            perror(line);
            exit(2);
        }
        char *buf = malloc((size_t)st.st_size + 1);
        ssize_t got = buf ? read(fd, buf, (size_t)st.st_size) : -1;
        close(fd);
        if (got != st.st_size) {
            fprintf(stderr, "pvbench: short read %s\n", line);
            exit(2);
        }
        buf[got] = 0;
        if (g_nfiles == cap) {
            cap = cap ? cap * 2 : 1024;
            g_files = realloc(g_files, cap * sizeof *g_files);
        }
        size_t nl = 0;
        for (ssize_t i = 0; i < got; i++)
            nl += buf[i] == '\n';
        g_files[g_nfiles++] = (file){ strdup(line), buf, (size_t)got, nl };
    }
    fclose(f);
}

/* ---- throughput -------------------------------------------------------------------------- */

/* CPython's compile() on the same bytes (it decodes them itself), flags 0 or ONLY_AST. */
static double py_compile_all(int flags, size_t *failed)
{
    PyGILState_STATE gs = PyGILState_Ensure();
    PyObject *builtins = PyEval_GetBuiltins();
    PyObject *compile = PyDict_GetItemString(builtins, "compile");
    *failed = 0;
    double t0 = now();
    for (size_t i = 0; i < g_nfiles; i++) {
        PyObject *src = PyBytes_FromStringAndSize(g_files[i].data, (Py_ssize_t)g_files[i].len);
        PyObject *r = PyObject_CallFunction(compile, "Ossii", src, g_files[i].path, "exec", flags, 1);
        if (!r) {
            PyErr_Clear();
            (*failed)++;
        }
        Py_XDECREF(r);
        Py_DECREF(src);
    }
    double t = now() - t0;
    PyGILState_Release(gs);
    return t;
}

typedef struct counts {
    size_t verdict[3];
    size_t diags;
    uint64_t hash;
} counts;

static uint64_t fnv(uint64_t h, const char *s)
{
    for (; s && *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return (h ^ 0xff) * 1099511628211ull;
}

static double pv_all(const pv_policy *pol, unsigned layers, counts *c, FILE *dump)
{
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.layers = layers;
    memset(c, 0, sizeof *c);
    c->hash = 1469598103934665603ull;
    double t0 = now();
    for (size_t i = 0; i < g_nfiles; i++) {
        pv_program *prog;
        if (pv_verify(&prog, pol, g_files[i].data, g_files[i].len, g_files[i].path, &o) < 0)
            die(g_files[i].path);
        pv_verdict v = pv_program_verdict(prog);
        c->verdict[v]++;
        size_t n = pv_program_diag_count(prog);
        c->diags += n;
        if (dump) {
            char buf[64];
            snprintf(buf, sizeof buf, "%d", (int)v);
            c->hash = fnv(fnv(c->hash, g_files[i].path), buf);
            fprintf(dump, "%s verdict=%d\n", g_files[i].path, (int)v);
            for (size_t k = 0; k < n; k++) {
                const pv_diag *d = pv_program_diag(prog, k);
                snprintf(buf, sizeof buf, "%u:%u:%u:%u", d->line, d->col, d->end_line, d->end_col);
                c->hash = fnv(fnv(fnv(c->hash, d->code), buf), d->message);
                fprintf(dump, "  %s %s %s\n", d->code, buf, d->message);
            }
        }
        pv_program_free(prog);
    }
    return now() - t0;
}

static int cmd_throughput(const char *list, int repeats)
{
    load_list(list);
    size_t bytes = 0, lines = 0;
    for (size_t i = 0; i < g_nfiles; i++) {
        bytes += g_files[i].len;
        lines += g_files[i].lines;
    }
    printf("corpus files %zu bytes %zu lines %zu\n", g_nfiles, bytes, lines);
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    static const struct { const char *name; unsigned layers; } modes[] = {
        { "pv_ast", PV_LAYER_AST },
        { "pv_bytecode", PV_LAYER_BYTECODE },
        { "pv_both", PV_LAYER_STATIC },
        /* the pipeline with both layers off: decode, parse, node limits, compile */
        { "pv_none", PV_LAYER_UNSAFE_NONE },
    };
    /* one warm-up pass of everything, then interleaved repeats (noise hits all alike) */
    for (int r = -1; r < repeats; r++) {
        size_t failed;
        double t = py_compile_all(PyCF_ONLY_AST, &failed);
        if (r >= 0)
            printf("time ast_parse %.6f\n", t);
        else
            printf("failed ast_parse %zu\n", failed);
        t = py_compile_all(0, &failed);
        if (r >= 0)
            printf("time compile %.6f\n", t);
        else
            printf("failed compile %zu\n", failed);
        for (size_t m = 0; m < sizeof modes / sizeof *modes; m++) {
            counts c;
            t = pv_all(pol, modes[m].layers, &c, NULL);
            if (r >= 0)
                printf("time %s %.6f\n", modes[m].name, t);
            else
                printf("verdicts %s accepted %zu rejected %zu invalid %zu diags %zu\n",
                       modes[m].name, c.verdict[0], c.verdict[1], c.verdict[2], c.diags);
        }
        fflush(stdout);
    }
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* One pass with the given layers (for callgrind and perf). */
static int cmd_verify(const char *list, unsigned layers)
{
    load_list(list);
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    counts c;
    double t = pv_all(pol, layers, &c, NULL);
    printf("verify layers %u time %.6f accepted %zu rejected %zu invalid %zu\n", layers, t,
           c.verdict[0], c.verdict[1], c.verdict[2]);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

static int cmd_digest(const char *list, const char *dumpfile)
{
    load_list(list);
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    FILE *dump = fopen(dumpfile ? dumpfile : "/dev/null", "w");
    static const unsigned layers[] = { PV_LAYER_AST, PV_LAYER_BYTECODE, PV_LAYER_STATIC };
    static const char *const names[] = { "pv_ast", "pv_bytecode", "pv_both" };
    for (int m = 0; m < 3; m++) {
        counts c;
        fprintf(dump, "== %s\n", names[m]);
        pv_all(pol, layers[m], &c, dump);
        printf("digest %s accepted %zu rejected %zu invalid %zu diags %zu hash %016llx\n", names[m],
               c.verdict[0], c.verdict[1], c.verdict[2], c.diags, (unsigned long long)c.hash);
    }
    fclose(dump);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* ---- run latency ------------------------------------------------------------------------ */

/* A "Key:   N kB" line of /proc/self/status, in KiB; -1 when absent. */
static long status_kb(const char *key)
{
    FILE *f = fopen("/proc/self/status", "r");
    char line[256];
    size_t n = strlen(key);
    long v = -1;
    while (f && fgets(line, sizeof line, f))
        if (strncmp(line, key, n) == 0 && line[n] == ':')
            v = strtol(line + n + 1, NULL, 10);
    if (f)
        fclose(f);
    return v;
}

static long hwm_kb(void) { return status_kb("VmHWM"); }
static long vm_kb(void) { return status_kb("VmSize"); }

/* The rlimits pv_run's child gets (runtime/sandbox.c step_rlimits), for a plain exec. */
static void apply_run_rlimits(void)
{
    rlim_t mem = 256ull * 1024 * 1024 + (rlim_t)vm_kb() * 1024;
    struct { int r; rlim_t s, h; } l[] = {
        { RLIMIT_CPU, 1, 2 }, { RLIMIT_AS, mem, mem }, { RLIMIT_FSIZE, 0, 0 },
        { RLIMIT_CORE, 0, 0 }, { RLIMIT_NOFILE, 16, 16 }, { RLIMIT_NPROC, 0, 0 },
        { RLIMIT_STACK, 8u << 20, 8u << 20 },
    };
    for (size_t i = 0; i < sizeof l / sizeof *l; i++) {
        struct rlimit rl = { l[i].s, l[i].h };
        if (setrlimit(l[i].r, &rl) < 0)
            _exit(126);
    }
}

/* fork/exec/wait of argv, output to /dev/null; returns seconds, *rss the child's peak KiB. */
static double spawn_once(char *const *argv, int rlimits, long *rss, int *status)
{
    double t0 = now();
    pid_t pid = fork();
    if (pid < 0) {
        perror("fork");
        exit(2);
    }
    if (pid == 0) {
        int fd = open("/dev/null", O_RDWR);
        dup2(fd, 0);
        dup2(fd, 1);
        dup2(fd, 2);
        if (rlimits)
            apply_run_rlimits();
        execvp(argv[0], argv);
        _exit(127);
    }
    int st;
    struct rusage ru;
    while (wait4(pid, &st, 0, &ru) < 0 && errno == EINTR)
        ;
    double t = now() - t0;
    if (rss)
        *rss = ru.ru_maxrss;
    if (status)
        *status = st;
    return t;
}

static int cmd_spawn(int n, int rlimits, char *const *argv)
{
    long rss;
    int st;
    spawn_once(argv, rlimits, &rss, &st); /* warm the page cache */
    printf("exit %d\n", WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    for (int i = 0; i < n; i++) {
        double t = spawn_once(argv, rlimits, &rss, NULL);
        printf("time %.6f\nrss %ld\n", t, rss);
    }
    return 0;
}

static double ru_cpu(const struct rusage *ru)
{
    return (double)ru->ru_utime.tv_sec + ru->ru_utime.tv_usec / 1e6 +
           (double)ru->ru_stime.tv_sec + ru->ru_stime.tv_usec / 1e6;
}

/* The commands in turn (A, B, C, ... then B, C, ..., A, ...: each starts a round as often),
 * N times each after one warm-up of each. CPU: the spawned process and every descendant
 * it waited for (RUSAGE_CHILDREN of this process, before and after). */
static int cmd_pair(int n, char **const *argvs, int k)
{
    for (int j = 0; j < k; j++) {
        int st;
        spawn_once(argvs[j], 0, NULL, &st);
        printf("%c_exit %d\n", 'a' + j, WIFEXITED(st) ? WEXITSTATUS(st) : -WTERMSIG(st));
    }
    for (int i = 0; i < n; i++)
        for (int j = 0; j < k; j++) {
            struct rusage r0, r1;
            int w = (i + j) % k;
            getrusage(RUSAGE_CHILDREN, &r0);
            double t = spawn_once(argvs[w], 0, NULL, NULL);
            getrusage(RUSAGE_CHILDREN, &r1);
            printf("%c_time %.6f\n%c_cpu %.6f\n", 'a' + w, t, 'a' + w, ru_cpu(&r1) - ru_cpu(&r0));
        }
    return 0;
}

static int cmd_run(int n)
{
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    static const char src[] = "x = 1\n";
    pv_program *prog;
    if (pv_verify(&prog, pol, src, sizeof src - 1, "trivial.py", NULL) < 0 ||
        pv_program_verdict(prog) != PV_ACCEPTED)
        die("verify");
    /* the fork-and-wait floor of this very process (same image, same interpreter) */
    for (int i = -1; i < n; i++) {
        double t0 = now();
        pid_t pid = fork();
        if (pid == 0)
            _exit(0);
        int st;
        waitpid(pid, &st, 0);
        if (i >= 0)
            printf("fork %.6f\n", now() - t0);
    }
    for (int i = -1; i < n; i++) {
        pv_run_result *r;
        double t0 = now();
        if (pv_run(&r, prog, NULL) < 0)
            die("pv_run");
        double t = now() - t0;
        if (pv_run_result_status(r) != PV_RUN_OK) {
            fprintf(stderr, "pvbench: run status %s\n", pv_run_status_name(pv_run_result_status(r)));
            exit(2);
        }
        if (i >= 0)
            printf("pv_run %.6f\nchild_rss %lu\n", t, pv_run_result_max_rss_kb(r));
        pv_run_result_free(r);
    }
    /* the warm runner: a child forked ahead of time, the next one forked while this runs */
    {
        pv_runner *rn;
        if (pv_runner_new(&rn, pol, 0) < 0)
            die("pv_runner_new");
        for (int i = -1; i < n; i++) {
            pv_run_result *r;
            double t0 = now();
            if (pv_runner_run(rn, &r, prog, NULL) < 0)
                die("pv_runner_run");
            double t = now() - t0;
            if (pv_run_result_status(r) != PV_RUN_OK) {
                fprintf(stderr, "pvbench: runner status %s\n",
                        pv_run_status_name(pv_run_result_status(r)));
                exit(2);
            }
            if (i >= 0)
                printf("pv_runner %.6f\n", t);
            pv_run_result_free(r);
        }
        pv_runner_free(rn);
    }
    /* the same loop with the children forked by this process (PV_TEMPLATE_OFF), as the
       service's workers do: what the template itself costs or saves */
    {
        pv_runner *rn;
        pv_runner_opts ro = PV_RUNNER_OPTS_INIT;
        ro.template_mode = PV_TEMPLATE_OFF;
        if (pv_runner_new_opts(&rn, pol, &ro) < 0)
            die("pv_runner_new_opts");
        for (int i = -1; i < n; i++) {
            pv_run_result *r;
            double t0 = now();
            if (pv_runner_run(rn, &r, prog, NULL) < 0)
                die("pv_runner_run");
            double t = now() - t0;
            if (pv_run_result_status(r) != PV_RUN_OK)
                die("pv_runner_run (in process)");
            if (i >= 0)
                printf("pv_runner_inproc %.6f\n", t);
            pv_run_result_free(r);
        }
        pv_runner_free(rn);
    }
    for (int i = -1; i < n; i++) {
        pv_program *p2;
        pv_run_result *r;
        double t0 = now();
        if (pv_verify(&p2, pol, src, sizeof src - 1, "trivial.py", NULL) < 0 || pv_run(&r, p2, NULL) < 0)
            die("verify+run");
        double t = now() - t0;
        if (i >= 0)
            printf("pv_verify_run %.6f\n", t);
        pv_run_result_free(r);
        pv_program_free(p2);
    }
    /* where the run's time goes: the same warm loop with runtime layers switched off */
    static const struct { const char *name; unsigned flags; } variants[] = {
        { "pv_run_no_namespaces", PV_RUN_NO_NAMESPACES },
        { "pv_run_no_os_layer", PV_RUN_NO_OS_LAYER },
        { "pv_run_no_layers", PV_RUN_NO_OS_LAYER | PV_RUN_NO_PYTHON_LAYER },
    };
    for (size_t v = 0; v < sizeof variants / sizeof *variants; v++) {
        pv_run_opts ro = PV_RUN_OPTS_INIT;
        ro.flags = variants[v].flags;
        for (int i = -1; i < n; i++) {
            pv_run_result *r;
            double t0 = now();
            if (pv_run(&r, prog, &ro) < 0)
                die("pv_run variant");
            double t = now() - t0;
            if (i >= 0)
                printf("%s %.6f\n", variants[v].name, t);
            pv_run_result_free(r);
        }
    }
    printf("parent_hwm %ld\n", hwm_kb());
    /* python3 -I -c pass, from this same process, with the child's rlimits */
    char *argv[] = { "/usr/bin/python3.11", "-I", "-c", "pass", NULL };
    for (int i = -1; i < n; i++) {
        double t = spawn_once(argv, 1, NULL, NULL);
        if (i >= 0)
            printf("python_spawn %.6f\n", t);
    }
    pv_program_free(prog);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* ---- expressions ------------------------------------------------------------------------ */

/* The expression workload: bench/expr_workload.txt, one per line (the peers read it too). */
#define MAXEXPR 64
static char *g_exprs[MAXEXPR];
static size_t NEXPR;

static void load_exprs(const char *path)
{
    FILE *f = fopen(path, "r");
    char line[1024];
    if (!f) {
        perror(path);
        exit(2);
    }
    while (NEXPR < MAXEXPR && fgets(line, sizeof line, f)) {
        line[strcspn(line, "\n")] = 0;
        if (line[0])
            g_exprs[NEXPR++] = strdup(line);
    }
    fclose(f);
}
static const char *const g_inputs[] = { "price", "qty", "discount", "tax", "items", "name" };
static const char g_input_json[] =
    "{\"price\": 12.5, \"qty\": 4, \"discount\": 0.1, \"tax\": 0.2, \"items\": [3, 1, 4, 1, 5, 9, 2, 6], \"name\": \"widget\"}";

static int cmd_expr(const char *path, int n)
{
    load_exprs(path);
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    o.globals = g_inputs;
    o.nglobals = sizeof g_inputs / sizeof *g_inputs;
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    ro.input_json = g_input_json;
    pv_program *progs[MAXEXPR];
    for (size_t k = 0; k < NEXPR; k++) {
        if (pv_verify(&progs[k], pol, g_exprs[k], strlen(g_exprs[k]), "expr", &o) < 0 ||
            pv_program_verdict(progs[k]) != PV_ACCEPTED) {
            fprintf(stderr, "pvbench: expression %zu (%s) is not accepted\n", k, g_exprs[k]);
            return 2;
        }
        pv_run_result *r;
        if (pv_run(&r, progs[k], &ro) < 0 || pv_run_result_status(r) != PV_RUN_OK) {
            fprintf(stderr, "pvbench: expression %zu (%s) did not run\n", k, g_exprs[k]);
            return 2;
        }
        pv_run_result_free(r);
    }
    /* per evaluation: verification alone; run alone (verified once); verify + run */
    for (int i = 0; i < n; i++) {
        double t0 = now();
        for (size_t k = 0; k < NEXPR; k++) {
            pv_program *p;
            if (pv_verify(&p, pol, g_exprs[k], strlen(g_exprs[k]), "expr", &o) < 0)
                die("verify");
            pv_program_free(p);
        }
        printf("expr_verify %.9f\n", (now() - t0) / NEXPR);
    }
    for (int i = 0; i < n; i++) {
        double t0 = now();
        for (size_t k = 0; k < NEXPR; k++) {
            pv_run_result *r;
            if (pv_run(&r, progs[k], &ro) < 0)
                die("run");
            pv_run_result_free(r);
        }
        printf("expr_run %.9f\n", (now() - t0) / NEXPR);
    }
    for (int i = 0; i < n; i++) {
        double t0 = now();
        for (size_t k = 0; k < NEXPR; k++) {
            pv_program *p;
            pv_run_result *r;
            if (pv_verify(&p, pol, g_exprs[k], strlen(g_exprs[k]), "expr", &o) < 0 ||
                pv_run(&r, p, &ro) < 0)
                die("verify+run");
            pv_run_result_free(r);
            pv_program_free(p);
        }
        printf("expr_verify_run %.9f\n", (now() - t0) / NEXPR);
    }
    for (size_t k = 0; k < NEXPR; k++)
        pv_program_free(progs[k]);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

static int cmd_batch(const char *path, int n, size_t count)
{
    load_exprs(path);
    if (pv_init() < 0)
        die("pv_init");
    pv_policy *pol;
    if (pv_policy_default(&pol) < 0)
        die("policy");
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = PV_MODE_EXPR;
    o.globals = g_inputs;
    o.nglobals = sizeof g_inputs / sizeof *g_inputs;
    pv_program *progs[MAXEXPR];
    pv_batch_item *items = calloc(count, sizeof *items);
    pv_program **own = calloc(count, sizeof *own);
    if (!items || !own)
        die("memory");
    for (int i = 0; i < n; i++) {
        /* the formulas verified once each (what `pyverify run --batch` does for repeats) */
        double t0 = now();
        for (size_t k = 0; k < NEXPR; k++)
            if (pv_verify(&progs[k], pol, g_exprs[k], strlen(g_exprs[k]), "expr", &o) < 0)
                die("verify");
        for (size_t j = 0; j < count; j++) {
            items[j].program = progs[j % NEXPR];
            items[j].input_json = g_input_json;
        }
        pv_batch_result *r;
        struct rusage ru0, ru1;
        getrusage(RUSAGE_SELF, &ru0);
        double tb = now();
        if (pv_run_batch(&r, items, count, NULL, NULL) < 0)
            die("batch");
        double t = now() - t0;
        tb = now() - tb;
        getrusage(RUSAGE_SELF, &ru1);
        /* where the time goes: the parent's CPU, the children's (items only), the wall */
        printf("batch_parent_cpu %.9f\n",
               ((double)(ru1.ru_utime.tv_sec - ru0.ru_utime.tv_sec + ru1.ru_stime.tv_sec -
                         ru0.ru_stime.tv_sec) +
                (double)(ru1.ru_utime.tv_usec - ru0.ru_utime.tv_usec + ru1.ru_stime.tv_usec -
                         ru0.ru_stime.tv_usec) / 1e6) / (double)count);
        printf("batch_child_cpu %.9f\n", (double)pv_batch_result_cpu_ms(r) / 1e3 / (double)count);
        printf("batch_wall_run_only %.9f\n", tb / (double)count);
        for (size_t j = 0; j < count; j++)
            if (pv_batch_item_status(r, j) != PV_RUN_OK) {
                fprintf(stderr, "pvbench: batch item %zu: %s\n", j,
                        pv_run_status_name(pv_batch_item_status(r, j)));
                return 2;
            }
        printf("batch_run %.9f\n", t / (double)count);
        pv_batch_result_free(r);
        for (size_t k = 0; k < NEXPR; k++)
            pv_program_free(progs[k]);
        /* every item verified on its own */
        t0 = now();
        for (size_t j = 0; j < count; j++) {
            const char *e = g_exprs[j % NEXPR];
            if (pv_verify(&own[j], pol, e, strlen(e), "expr", &o) < 0)
                die("verify");
            items[j].program = own[j];
        }
        if (pv_run_batch(&r, items, count, NULL, NULL) < 0)
            die("batch");
        printf("batch_verify_run %.9f\n", (now() - t0) / (double)count);
        pv_batch_result_free(r);
        for (size_t j = 0; j < count; j++)
            pv_program_free(own[j]);
    }
    free(items);
    free(own);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* ---- host functions and sessions (issue 17) ---------------------------------------------- */

static int bench_echo(void *ctx, const char *name, const char *args, size_t len, char **res,
                      char **err)
{
    (void)ctx, (void)name, (void)args, (void)len, (void)err;
    *res = malloc(2);
    if (*res)
        memcpy(*res, "1", 2);
    return 0;
}

/* One call's round trip is the difference between a run making HOST_CALLS calls and the same
 * run making none, divided by HOST_CALLS (both through one warm runner, interleaved). A
 * session run of a trivial cell is measured beside a warm-runner run of the same program. */
#define HOST_CALLS 200
static int cmd_host(int n)
{
    static const char rules[] = "[host]\nfunctions = [\"echo\"]\n";
    static const char calls[] = "t = 0\nfor i in range(200):\n    t += echo(i, 'x')\n";
    static const char none[] = "t = 0\nfor i in range(200):\n    t += 1\n";
    static const char cell[] = "x = 1\n";
    pv_host_function fn = {"echo", bench_echo, NULL};
    pv_run_opts ro = PV_RUN_OPTS_INIT;
    pv_policy *pol;
    pv_program *pc, *pn, *pcell;
    pv_runner *rn;
    pv_session *s;
    pv_session_opts so = PV_SESSION_OPTS_INIT;

    if (pv_init() < 0 || pv_policy_load_buffer(&pol, rules, sizeof rules - 1, "bench.toml") < 0)
        die("policy");
    if (pv_verify(&pc, pol, calls, sizeof calls - 1, "calls.py", NULL) < 0 ||
        pv_verify(&pn, pol, none, sizeof none - 1, "none.py", NULL) < 0 ||
        pv_verify(&pcell, pol, cell, sizeof cell - 1, "cell.py", NULL) < 0 ||
        pv_program_verdict(pc) != PV_ACCEPTED || pv_program_verdict(pn) != PV_ACCEPTED)
        die("verify");
    ro.host_functions = &fn;
    ro.n_host_functions = 1;
    if (pv_runner_new(&rn, pol, 0) < 0)
        die("pv_runner_new");
    for (int i = -1; i < n; i++) {
        for (int k = 0; k < 2; k++) {
            pv_run_result *r;
            double t0 = now();
            if (pv_runner_run(rn, &r, k ? pc : pn, &ro) < 0)
                die("pv_runner_run");
            double t = now() - t0;
            if (pv_run_result_status(r) != PV_RUN_OK)
                die("host run status");
            if (i >= 0)
                printf("%s %.6f\n", k ? "host_calls_run" : "host_none_run", t);
            pv_run_result_free(r);
        }
    }
    printf("host_calls_per_run %d\n", HOST_CALLS);
    so.max_runs = (unsigned)n + 10;
    so.total_cpu_s = 1000;
    if (pv_session_new(&s, pol, &so) < 0)
        die("pv_session_new");
    for (int i = -1; i < n; i++) {
        pv_run_result *r;
        double t0 = now();
        if (pv_session_run(s, &r, pcell, NULL) < 0)
            die("pv_session_run");
        double t = now() - t0;
        if (pv_run_result_status(r) != PV_RUN_OK)
            die("session status");
        if (i >= 0)
            printf("session_run %.6f\n", t);
        pv_run_result_free(r);
        t0 = now();
        if (pv_runner_run(rn, &r, pcell, NULL) < 0)
            die("pv_runner_run");
        t = now() - t0;
        if (i >= 0)
            printf("runner_cell %.6f\n", t);
        pv_run_result_free(r);
    }
    {
        double t0 = now();
        pv_session *s2;
        if (pv_session_new(&s2, pol, NULL) < 0)
            die("pv_session_new");
        printf("session_new %.6f\n", now() - t0);
        pv_session_free(s2);
    }
    pv_session_free(s);
    pv_runner_free(rn);
    pv_program_free(pc);
    pv_program_free(pn);
    pv_program_free(pcell);
    pv_policy_free(pol);
    pv_shutdown();
    return 0;
}

/* Issue 19's profile of pv_runner_run: the same trivial program through one runner per set
 * of layers, interleaved (each iteration runs every configuration once), so that the
 * differences are the request-path cost of each layer on the same machine at the same
 * moment. */
static int cmd_runner(int n, int gap_us)
{
    static const struct {
        const char *key;
        unsigned flags;
    } cfg[] = {
        {"runner_all", 0},
        {"runner_no_seccomp", PV_RUN_NO_SECCOMP},
        {"runner_no_namespaces", PV_RUN_NO_NAMESPACES},
        {"runner_no_python", PV_RUN_NO_PYTHON_LAYER},
        {"runner_no_os", PV_RUN_NO_OS_LAYER},
        {"runner_no_layers", PV_RUN_NO_OS_LAYER | PV_RUN_NO_PYTHON_LAYER},
    };
    enum { NCFG = sizeof cfg / sizeof cfg[0] };
    static const char src[] = "x = 1\n";
    pv_runner *rn[NCFG];
    pv_policy *pol;
    pv_program *prog;

    if (pv_init() < 0 || pv_policy_default(&pol) < 0)
        die("pv_init");
    if (pv_verify(&prog, pol, src, sizeof src - 1, "trivial.py", NULL) < 0 ||
        pv_program_verdict(prog) != PV_ACCEPTED)
        die("verify");
    for (size_t c = 0; c < NCFG; c++)
        if (pv_runner_new(&rn[c], pol, cfg[c].flags) < 0)
            die("pv_runner_new");
    usleep(500000); /* every pool filled */
    for (int i = -2; i < n; i++) {
        for (size_t c = 0; c < NCFG; c++) {
            pv_run_opts o = PV_RUN_OPTS_INIT;
            pv_run_result *r;
            double t0, t;
            o.flags = cfg[c].flags;
            t0 = now();
            if (pv_runner_run(rn[c], &r, prog, &o) < 0)
                die("pv_runner_run");
            t = now() - t0;
            if (pv_run_result_status(r) != PV_RUN_OK)
                die("pv_runner_run status");
            if (i >= 0)
                printf("%s %.6f\n", cfg[c].key, t);
            pv_run_result_free(r);
            if (gap_us > 0)
                usleep((useconds_t)gap_us);
        }
    }
    for (size_t c = 0; c < NCFG; c++)
        pv_runner_free(rn[c]);
    pv_program_free(prog);
    pv_policy_free(pol);
    return 0;
}

int main(int argc, char **argv)
{
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 4 && strcmp(argv[1], "throughput") == 0)
        return cmd_throughput(argv[2], (int)strtol(argv[3], NULL, 10));
    if (argc >= 4 && strcmp(argv[1], "verify") == 0)
        return cmd_verify(argv[2], (unsigned)strtoul(argv[3], NULL, 0));
    if (argc >= 3 && strcmp(argv[1], "digest") == 0)
        return cmd_digest(argv[2], argc >= 4 ? argv[3] : NULL);
    if (argc >= 3 && strcmp(argv[1], "host") == 0)
        return cmd_host((int)strtol(argv[2], NULL, 10));
    if (argc >= 4 && strcmp(argv[1], "runner") == 0)
        return cmd_runner((int)strtol(argv[2], NULL, 10), (int)strtol(argv[3], NULL, 10));
    if (argc >= 3 && strcmp(argv[1], "run") == 0)
        return cmd_run((int)strtol(argv[2], NULL, 10));
    if (argc >= 4 && strcmp(argv[1], "expr") == 0)
        return cmd_expr(argv[2], (int)strtol(argv[3], NULL, 10));
    if (argc >= 5 && strcmp(argv[1], "batch") == 0)
        return cmd_batch(argv[2], (int)strtol(argv[3], NULL, 10),
                         (size_t)strtoul(argv[4], NULL, 10));
    if (argc >= 5 && strcmp(argv[1], "spawn") == 0) {
        int i = 3, rl = 0;
        if (strcmp(argv[i], "--rlimits") == 0) {
            rl = 1;
            i++;
        }
        if (strcmp(argv[i], "--") == 0)
            i++;
        return cmd_spawn((int)strtol(argv[2], NULL, 10), rl, argv + i);
    }
    if (argc >= 7 && strcmp(argv[1], "pair") == 0 && strcmp(argv[3], "--") == 0) {
        char **cmds[8];
        int k = 0;
        for (int j = 3; j < argc && k < 8; j++)
            if (strcmp(argv[j], "--") == 0) {
                argv[j] = NULL; /* ends the previous command */
                if (j + 1 < argc && strcmp(argv[j + 1], "--") != 0)
                    cmds[k++] = argv + j + 1;
            }
        if (k >= 2)
            return cmd_pair((int)strtol(argv[2], NULL, 10), cmds, k);
    }
    fprintf(stderr, "usage: pvbench throughput LIST REPEATS | verify LIST LAYERS | digest LIST [DUMP] | run N | expr FILE N |\n"
                    "               batch FILE N COUNT | runner N GAP_US |\n"
                    "               spawn N [--rlimits] -- ARGV... | pair N -- A... -- B... [-- C...]\n");
    return 2;
}
