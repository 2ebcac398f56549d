/*
 * template_kind.c: a clean template for a session or a batch (runtime/README.md, "The
 * process tree").
 *
 * A session's child and a batch's children are forked by a template of their own, as a
 * runner's are: `pyverify-template` exec'd fresh for the policy and flags, which forks
 * each child on a 'K' request with the child's kind and the limits its life needs before
 * its first request (template.c). The caller then treats the child as a runner treats a
 * template's child (s->remote: signalled through its pidfd, its wait status and rusage from
 * the template's status pipe). When no template can be started, the caller forks the child
 * itself and reports the step "template" as skipped, as pv_run does.
 */
#include "internal.h"
#include "runtime.h"
#include "template.h"

#include <stdio.h>
#include <stdlib.h>

int pvx_template_for_kind(pvx_template **out, const pv_policy *policy, unsigned flags,
                          char *why, size_t why_len)
{
    char *mirror = NULL;
    int rc;

    *out = NULL;
    if (!policy) {
        snprintf(why, why_len, "no policy for a template to load");
        return 1;
    }
    /* without the Python layer a program imports what its process has: a forked child had
       this process's modules; the template imports the same names (best effort) */
    if (flags & PV_RUN_NO_PYTHON_LAYER)
        mirror = pvx_host_module_names();
    rc = pvx_template_start(out, policy, flags, NULL, NULL, mirror, PV_RUNNER_UID_BASE,
                            PV_RUNNER_UID_COUNT);
    free(mirror);
    if (rc < 0) {
        snprintf(why, why_len, "%s", pv_last_error());
        *out = NULL;
        return 1;
    }
    return 0;
}
