/*
 * run_here.h: pv_run with the child forked from the calling process. Not installed.
 *
 * pv_run() forks its child from a clean template (run_pool.c). A one-shot front end that
 * holds no other request's data and no secret of a host (`pyverify run`, `pyverify corpus`,
 * the service's zygote and a worker's first request) may fork from itself instead, and skip
 * the template's start (runtime/README.md, "The process tree", says why that is safe).
 */
#ifndef PV_RUN_HERE_H
#define PV_RUN_HERE_H

#include "pyverify.h"

/* As pv_run(), the child forked by this process; reports no "template" step. */
__attribute__((visibility("hidden"))) int pvx_run_here(pv_run_result **out,
                                                        const pv_program *program,
                                                        const pv_run_opts *opts);

#endif /* PV_RUN_HERE_H */
