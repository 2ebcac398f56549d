/* service_sessions.h: a session's worker (sessions.c), called by zygote.c. */
#ifndef PV_SERVICE_SESSIONS_H
#define PV_SERVICE_SESSIONS_H

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "pyverify.h"
#include "service.h"

/* PVS_REQ_SESSION_NEW: start this worker's session (pv_session_new) from the body's
 * "limits"; the reply document {"expires_in", "limits"} with *http 201, or an error with
 * *http set. `clean`: no other request was held by this worker (else 503). `with_input`:
 * the caller binds the body's "input" with a first run (not counted in max_runs). */
json_t *pvs_wsession_new(const pvs_config *cfg, const pv_policy *pol, json_t *req, bool clean,
                         bool with_input, int *http);
bool pvs_wsession_active(void);   /* this worker holds a session */
bool pvs_wsession_alive(void);    /* ... and it has not ended */
double pvs_wsession_idle_s(void);
size_t pvs_wsession_memory_mb(void);
/* The globals of the next cell: `names` (its input's), the names earlier cells bound and
 * the earlier inputs' names. malloc'ed array of borrowed strings, NULL: out of memory. */
const char **pvs_wsession_globals(const char *const *names, size_t n, size_t *count);
int pvs_wsession_run(pv_run_result **res, const pv_program *prog, const pv_run_opts *ro);
/* Verify a cell knowing what the session's earlier cells bound and defined (pv_session_verify):
 * a finding of the whole history becomes the cell's own diagnostic (rejected, not a 400). */
int pvs_wsession_verify(pv_program **out, const char *src, size_t len, const char *filename,
                        const pv_verify_opts *vo);
void pvs_wsession_ran(json_t *input); /* a cell ran with this input: its names persist */
void pvs_wsession_end(void);          /* free the session (child, directory); no-op without */

#endif
