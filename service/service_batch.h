/* service_batch.h: POST /v1/batch in a worker (batch.c). */
#ifndef PV_SERVICE_BATCH_H
#define PV_SERVICE_BATCH_H

#include <stdbool.h>

#include <jansson.h>

#include "pyverify.h"
#include "service.h"

/* The reply document of a batch request `req` (a JSON object), with *http set; *run_status
 * is PV_RUN_OK when every item ran to a value, PV_RUN_ERROR when some did not, -1 when the
 * batch did not run. `clean`: this is the first request the worker holds (else 503). */
json_t *pvs_do_batch(const pvs_config *cfg, const pv_policy *pol, json_t *req, bool clean,
                     int *http, int *run_status);

#endif
