/*
 * fuzz_rules.c: arbitrary bytes as a rules file. pv_policy_load_buffer() must return a
 * valid policy or PV_ERR_POLICY with a message, in bounded time, never crash. A policy
 * that loads is then used once (a small program verified in both modes), so that a
 * policy the loader accepts but the checker cannot use is found too.
 */
#include <string.h>
#include "fuzz_common.h"

/* A program touching names, attributes, imports, format strings and a class. */
static const char k_probe[] =
    "import math\n"
    "from collections import Counter\n"
    "class P:\n"
    "    def __init__(self, x):\n"
    "        self.x = x\n"
    "def f(a, *b, k=1, **kw):\n"
    "    return [math.sqrt(i) for i in range(a) if i % 2]\n"
    "print('{0} {1:>4}'.format(f(3), P(2).x), Counter('aab').most_common(1))\n";

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    PV_FUZZ_CHECK(pv_init());
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    pv_policy *pol = NULL;
    int rc = pv_policy_load_buffer(&pol, (const char *)data, size, "<fuzz>");
    if (rc == PV_ERR_NOMEM)
        return 0;
    if (rc != 0) {
        if (rc != PV_ERR_POLICY)
            PV_FUZZ_FINDING("pv_policy_load_buffer returned %d (%s): %s", rc, pv_strerror(rc),
                            pv_last_error());
        if (pol)
            PV_FUZZ_FINDING("a failed load left a policy behind");
        if (!pv_last_error()[0])
            PV_FUZZ_FINDING("PV_ERR_POLICY without a message");
        return 0;
    }
    if (!pol)
        PV_FUZZ_FINDING("pv_policy_load_buffer returned 0 without a policy");
    for (int m = 0; m < 2; m++) {
        pv_program *prog = NULL;
        pv_verify_opts o = PV_VERIFY_OPTS_INIT;
        o.mode = m ? PV_MODE_EXPR : PV_MODE_MODULE;
        const char *src = m ? "math.floor(x) + len([1, 2])" : k_probe;
        rc = pv_verify(&prog, pol, src, strlen(src), "<probe>", &o);
        if (rc != 0 && rc != PV_ERR_NOMEM)
            PV_FUZZ_FINDING("pv_verify with a loaded policy returned %d (%s): %s", rc,
                            pv_strerror(rc), pv_last_error());
        pv_program_free(prog);
    }
    pv_policy_free(pol);
    return 0;
}
