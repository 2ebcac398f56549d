/*
 * fuzz_pyc.c: arbitrary bytes as a .pyc (or marshalled code) through pv_verify_pyc(), and
 * whatever it accepts through the runtime (issue 9, docs/pyc.md, docs/fuzzing.md).
 *
 * The oracle: anything the verifier accepts runs under the runtime without crashing the
 * interpreter. A verified code object that does (status `crashed`: SIGSEGV, SIGABRT, a
 * CPython fatal error; or a sanitizer report in the child's stderr, whatever its status)
 * is a verifier bug: the structural checks let through a code object that ceval trusts
 * wrongly. Each input is verified twice: structure only (PV_PYC_STRUCTURE_ONLY, which
 * accepts far more of the mutated inputs; structural soundness is what protects the
 * interpreter), then with the default policy, which must accept nothing the structural
 * checks refuse. An accepted input runs once: the policy-verified program when the policy
 * accepts it, otherwise the structure-only one with PV_RUN_ALLOW_UNVERIFIED (same code
 * object, same sandbox: running both would only double the fork cost). A crash or
 * sanitizer report in the verifier itself, an API error other than out of memory, or a
 * malformed diagnostic is a finding too.
 *
 * libpython is not instrumented: an out-of-bounds write inside CPython (a code object the
 * verifier let through, read by CPython's own code) is invisible to ASan and corrupts a
 * neighbouring pymalloc block silently, to surface much later as a free of a garbage
 * pointer that no single input reproduces. So the target pre-initialises the interpreter
 * with the debug hooks over malloc (PYMEM_ALLOCATOR_MALLOC_DEBUG, what PYTHONMALLOC=
 * malloc_debug selects): every Python object is its own malloc() block (ASan sees use after
 * free and overflows by instrumented code), guarded by pad bytes that CPython checks at
 * every free, so such a write aborts ("Fatal Python error: _PyMem_DebugRawFree: bad
 * trailing pad byte") while the input that did it is still the current one (after each
 * input a full collection empties the free lists, whose blocks are otherwise never freed
 * and so never checked). The forked
 * runtime child inherits the same allocator. PV_FUZZ_PYMALLOC=1 in the environment keeps
 * pymalloc instead (faster, blind to such writes).
 *
 * Seeds: fuzz/make_pyc_seeds.py (.pyc files of corpus/benign, generated at build or
 * campaign time) and fuzz/regressions/pyc.
 */
#include <Python.h>

#include <stdbool.h>
#include <string.h>
#include "fuzz_common.h"

static pv_policy *g_policy;

/* PV_FUZZ_PYC_STATS=1: counts printed at exit (how many inputs are accepted and run, and
 * how the runs end), for docs/fuzzing.md's figures. */
static struct {
    unsigned long inputs, structure_ok, policy_ok, runs, status[PV_RUN_KILLED + 1];
} g_stats;

static void print_stats(void)
{
    fprintf(stderr, "fuzz_pyc stats: %lu inputs, %lu accepted structure-only, %lu with the "
            "policy, %lu runs:", g_stats.inputs, g_stats.structure_ok, g_stats.policy_ok,
            g_stats.runs);
    for (int i = 0; i <= PV_RUN_KILLED; i++)
        if (g_stats.status[i])
            fprintf(stderr, " %s %lu", pv_run_status_name((pv_run_status)i), g_stats.status[i]);
    fputc('\n', stderr);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    const char *pm = getenv("PV_FUZZ_PYMALLOC");
    if (!(pm && strcmp(pm, "1") == 0)) {
        /* pv_init()'s Py_InitializeFromConfig() keeps an existing pre-initialisation. */
        PyPreConfig pre;
        PyPreConfig_InitIsolatedConfig(&pre);
        pre.allocator = PYMEM_ALLOCATOR_MALLOC_DEBUG;
        PyStatus st = Py_PreInitialize(&pre);
        if (PyStatus_Exception(st))
            PV_FUZZ_FINDING("Py_PreInitialize: %s", st.err_msg ? st.err_msg : "failed");
    }
    PV_FUZZ_CHECK(pv_init());
    PV_FUZZ_CHECK(pv_policy_default(&g_policy));
    const char *st = getenv("PV_FUZZ_PYC_STATS");
    if (st && strcmp(st, "1") == 0)
        atexit(print_stats);
    return 0;
}

static pv_program *verify(const uint8_t *data, size_t size, unsigned flags)
{
    pv_program *prog = NULL;
    int rc = pv_verify_pyc(&prog, g_policy, data, size, "<fuzz>", PV_PYC_HEADER_AUTO, flags);
    if (rc == PV_ERR_NOMEM)
        return NULL;
    if (rc != 0)
        PV_FUZZ_FINDING("pv_verify_pyc returned %d (%s): %s", rc, pv_strerror(rc), pv_last_error());
    if (!prog)
        PV_FUZZ_FINDING("pv_verify_pyc returned 0 without a program");
    size_t n = pv_program_diag_count(prog);
    if ((pv_program_verdict(prog) == PV_ACCEPTED) != (n == 0))
        PV_FUZZ_FINDING("verdict %d with %zu diagnostics", (int)pv_program_verdict(prog), n);
    for (size_t i = 0; i < n; i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        if (!d || !d->code || !d->message || !pv_rule_find(d->code))
            PV_FUZZ_FINDING("malformed diagnostic %zu", i);
    }
    return prog;
}

/* Does the line [s, e) hold the start of a sanitizer or CPython fatal-error report? The
 * markers are anchored so that a program's own exception text (a traceback's last line is
 * "Type: message") does not match by accident. */
static bool report_line(const char *s, const char *e)
{
    size_t n = (size_t)(e - s);
    static const char *const starts[] = { "Fatal Python error: ", "AddressSanitizer:DEADLYSIGNAL",
                                          "UndefinedBehaviorSanitizer:DEADLYSIGNAL" };
    for (size_t i = 0; i < sizeof starts / sizeof *starts; i++)
        if (n >= strlen(starts[i]) && memcmp(s, starts[i], strlen(starts[i])) == 0)
            return true;
    if (n > 2 && s[0] == '=' && s[1] == '=') { /* ==PID==ERROR: AddressSanitizer: ... */
        static const char *const errs[] = { "ERROR: AddressSanitizer", "ERROR: LeakSanitizer",
                                            "ERROR: libFuzzer" };
        for (size_t i = 0; i < sizeof errs / sizeof *errs; i++)
            if (memmem(s, n, errs[i], strlen(errs[i])) != NULL)
                return true;
    }
    /* UBSan: "file.c:LINE:COL: runtime error: ..." */
    const char *re = memmem(s, n, ": runtime error: ", 17);
    if (re != NULL && (memmem(s, (size_t)(re - s), ".c:", 3) || memmem(s, (size_t)(re - s), ".h:", 3)))
        return true;
    return false;
}

static bool sanitizer_report(const char *err, size_t len)
{
    const char *s = err, *end = err + len;
    while (s < end) {
        const char *e = memchr(s, '\n', (size_t)(end - s));
        if (e == NULL)
            e = end;
        if (report_line(s, e))
            return true;
        s = e + 1;
    }
    return false;
}

/* Run an accepted program; `crashed`, or a report in the child's stderr, is the finding. */
static void run(const pv_program *prog, unsigned flags)
{
    pv_run_opts o = PV_RUN_OPTS_INIT;
    o.timeout_s = 0.5;
    o.cpu_s = 0.5;
    o.memory_mb = 512; /* the child inherits the fuzzer's address space */
    o.output_kb = 64;  /* room for a whole sanitizer report on stderr */
    o.flags = flags;
    pv_run_result *r = NULL;
    int rc = pv_run(&r, prog, &o);
    if (rc == PV_ERR_NOMEM || rc == PV_ERR_RUNTIME)
        return; /* fork or pipes failed under load: not the program's doing */
    if (rc != 0)
        PV_FUZZ_FINDING("pv_run returned %d (%s): %s", rc, pv_strerror(rc), pv_last_error());
    size_t el = 0;
    const char *err = pv_run_result_stderr(r, &el);
    pv_run_status st = pv_run_result_status(r);
    g_stats.runs++;
    if ((unsigned)st <= PV_RUN_KILLED)
        g_stats.status[st]++;
    bool report = err != NULL && sanitizer_report(err, el);
    if (st == PV_RUN_CRASHED || report)
        PV_FUZZ_FINDING("a verified .pyc (%s) crashed the interpreter (status %s, signal %d, "
                        "exit %d); child stderr:\n%.*s",
                        flags & PV_RUN_ALLOW_UNVERIFIED ? "structure only" : "structure and policy",
                        pv_run_status_name(st), pv_run_result_signal(r), pv_run_result_exit_code(r),
                        (int)(el > 4000 ? 4000 : el), err ? err : "");
    pv_run_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_program *s = verify(data, size, PV_PYC_STRUCTURE_ONLY);
    if (!s)
        return 0;
    bool structure_ok = pv_program_verdict(s) == PV_ACCEPTED;
    g_stats.inputs++;
    g_stats.structure_ok += structure_ok;

    pv_program *p = verify(data, size, 0);
    if (!p) {
        pv_program_free(s);
        return 0;
    }
    bool policy_ok = pv_program_verdict(p) == PV_ACCEPTED;
    g_stats.policy_ok += policy_ok;
    if (policy_ok && !structure_ok)
        PV_FUZZ_FINDING("the policy run accepts what the structural checks refuse");
    if (policy_ok)
        run(p, 0);
    else if (structure_ok)
        run(s, PV_RUN_ALLOW_UNVERIFIED);
    pv_program_free(p);
    pv_program_free(s);
    /* A full collection also empties CPython's free lists (tuples, lists, dicts, floats):
     * the blocks this input freed are really freed now, and their pad bytes checked, while
     * this input is still the current one. */
    PyGILState_STATE gs = PyGILState_Ensure();
    PyGC_Collect();
    PyGILState_Release(gs);
    return 0;
}
