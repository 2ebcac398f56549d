/*
 * fuzz_verify.c: arbitrary bytes as a source file through the whole static pipeline.
 *
 * Each input is verified in module and in expression mode with both layers. A crash, a
 * sanitizer report, a leak in pyverify's own code, a hang, or an API error other than
 * "out of memory" is a finding. So is a layer disagreement: the AST layer alone accepts
 * the program, yet the bytecode layer, checking the code compiled from that very tree,
 * rejects it. The AST layer is the stricter one by design (it also sees code that the
 * compiler drops, which is why the converse, "bytecode accepts what the AST layer
 * rejects", is expected and no finding); the bytecode layer re-checks names,
 * attributes, builtins, imports and name-like constants. When it rejects a program the
 * AST layer passed, either the AST layer missed a construct (a hole) or the bytecode
 * layer misreads accepted code (a false positive): both need a look. PV509 (too many or
 * too deeply nested code objects), like every rule whose verdict is "invalid", is a
 * limit, not a judgement, and does not count.
 * docs/fuzzing.md discusses why the oracle is sound.
 */
#include "fuzz_common.h"

static pv_policy *g_policy;
/* Host inputs, as a formula field would have them: lets expression-mode inputs that use
 * free names reach the layers instead of stopping at "unbound name". */
static const char *const k_globals[] = { "x", "y", "data", "price", "qty", "CANARY" };

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    PV_FUZZ_CHECK(pv_init());
    PV_FUZZ_CHECK(pv_policy_default(&g_policy));
    return 0;
}

/* Verify with the given layers; returns the program (NULL on an API error that a hostile
 * input may cause: none but out of memory). */
static pv_program *verify(const uint8_t *data, size_t size, pv_mode mode, unsigned layers)
{
    pv_program *prog = NULL;
    pv_verify_opts o = PV_VERIFY_OPTS_INIT;
    o.mode = mode;
    o.layers = layers;
    o.globals = k_globals;
    o.nglobals = sizeof k_globals / sizeof *k_globals;
    int rc = pv_verify(&prog, g_policy, (const char *)data, size, "<fuzz>", &o);
    if (rc == PV_ERR_NOMEM)
        return NULL;
    if (rc != 0)
        PV_FUZZ_FINDING("pv_verify returned %d (%s): %s", rc, pv_strerror(rc), pv_last_error());
    if (!prog)
        PV_FUZZ_FINDING("pv_verify returned 0 without a program");
    return prog;
}

/* Every diagnostic must be well formed, whatever the input. */
static void check_diags(const pv_program *prog)
{
    size_t n = pv_program_diag_count(prog);
    pv_verdict v = pv_program_verdict(prog);
    if (v == PV_ACCEPTED && n != 0) {
        for (size_t i = 0; i < n; i++)
            if (pv_program_diag(prog, i)->severity == PV_SEV_ERROR)
                PV_FUZZ_FINDING("accepted program carries error %s", pv_program_diag(prog, i)->code);
    }
    if (v != PV_ACCEPTED && n == 0)
        PV_FUZZ_FINDING("verdict %d without a diagnostic", (int)v);
    for (size_t i = 0; i < n; i++) {
        const pv_diag *d = pv_program_diag(prog, i);
        if (!d || !d->code || !d->message || !pv_rule_find(d->code))
            PV_FUZZ_FINDING("malformed diagnostic %zu", i);
        size_t len = 0;
        if (d->line) /* the source line of a finding is readable */
            (void)pv_program_source_line(prog, d->line, &len);
    }
}

static void one_mode(const uint8_t *data, size_t size, pv_mode mode)
{
    pv_program *both = verify(data, size, mode, PV_LAYER_STATIC);
    if (!both)
        return;
    check_diags(both);
    /* The bytecode layer runs only on what the AST layer accepted; confirm that with an
     * AST-only run before calling a bytecode finding a disagreement. */
    const pv_diag *bc = NULL;
    for (size_t i = 0; i < pv_program_diag_count(both) && !bc; i++) {
        const pv_diag *d = pv_program_diag(both, i);
        const pv_rule_info *r = pv_rule_find(d->code);
        /* Limits (PV509 and any other rule whose verdict is "invalid") are no judgement. */
        if (d->layer == PV_DIAG_BYTECODE && d->severity == PV_SEV_ERROR && r &&
            r->verdict == PV_REJECTED)
            bc = d;
    }
    if (bc) {
        pv_program *ast = verify(data, size, mode, PV_LAYER_AST);
        if (ast && pv_program_verdict(ast) == PV_ACCEPTED)
            PV_FUZZ_FINDING("layer disagreement (%s mode): the AST layer accepts, the bytecode "
                            "layer reports %s at %u:%u: %s",
                            mode == PV_MODE_EXPR ? "expr" : "module", bc->code, bc->line, bc->col,
                            bc->message);
        pv_program_free(ast);
    }
    pv_program_free(both);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    one_mode(data, size, PV_MODE_MODULE);
    one_mode(data, size, PV_MODE_EXPR);
    return 0;
}
