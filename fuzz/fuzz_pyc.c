/*
 * fuzz_pyc.c: arbitrary bytes as a .pyc (or marshalled code) through pv_verify_pyc(), and
 * whatever it accepts through the runtime.
 *
 * The oracle (issue 9): anything the verifier accepts runs under the runtime without the
 * `crashed` status. A verified code object that crashes the interpreter (SIGSEGV, SIGABRT,
 * a sanitizer report in the child) is a verifier bug: the structural checks let through a
 * code object that ceval trusts wrongly. Each input is verified twice: structure only
 * (PV_PYC_STRUCTURE_ONLY, which accepts far more of the mutated inputs, and is run with
 * PV_RUN_ALLOW_UNVERIFIED, the runtime's sandbox still on), then with the default policy,
 * which must accept nothing the structure-only verification refuses. A crash or sanitizer
 * report in the verifier itself, or an API error other than out of memory, is a finding too.
 *
 * Seeds: the `ok_*` cases of corpus/pyc/make_corpus.py (valid .pyc files of small benign
 * programs) and .pyc files of corpus/benign; libFuzzer mutates them.
 */
#include <stdbool.h>
#include <string.h>
#include "fuzz_common.h"

static pv_policy *g_policy;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    PV_FUZZ_CHECK(pv_init());
    PV_FUZZ_CHECK(pv_policy_default(&g_policy));
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

/* Run an accepted program; `crashed` is the finding. */
static void run(const pv_program *prog, unsigned flags)
{
    pv_run_opts o = PV_RUN_OPTS_INIT;
    o.timeout_s = 1.0;
    o.cpu_s = 0.5;
    o.memory_mb = 512; /* the child inherits the fuzzer's address space */
    o.output_kb = 4;
    o.flags = flags;
    pv_run_result *r = NULL;
    int rc = pv_run(&r, prog, &o);
    if (rc == PV_ERR_NOMEM || rc == PV_ERR_RUNTIME)
        return; /* fork or pipes failed under load: not the program's doing */
    if (rc != 0)
        PV_FUZZ_FINDING("pv_run returned %d (%s): %s", rc, pv_strerror(rc), pv_last_error());
    if (pv_run_result_status(r) == PV_RUN_CRASHED) {
        size_t el = 0;
        const char *err = pv_run_result_stderr(r, &el);
        PV_FUZZ_FINDING("a verified .pyc crashed the interpreter (signal %d): %.*s",
                        pv_run_result_signal(r), (int)(el > 2000 ? 2000 : el), err);
    }
    pv_run_result_free(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_program *s = verify(data, size, PV_PYC_STRUCTURE_ONLY);
    if (!s)
        return 0;
    bool structure_ok = pv_program_verdict(s) == PV_ACCEPTED;
    if (structure_ok)
        run(s, PV_RUN_ALLOW_UNVERIFIED);
    pv_program_free(s);

    pv_program *p = verify(data, size, 0);
    if (!p)
        return 0;
    if (pv_program_verdict(p) == PV_ACCEPTED) {
        if (!structure_ok)
            PV_FUZZ_FINDING("the policy run accepts what the structural checks refuse");
        run(p, 0);
    }
    pv_program_free(p);
    return 0;
}
