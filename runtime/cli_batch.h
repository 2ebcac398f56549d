/* cli_batch.h: `pyverify run --batch` (cli_batch.c), called by cli_run.c. */
#ifndef PV_CLI_BATCH_H
#define PV_CLI_BATCH_H

#include <stddef.h>

#include <jansson.h>

#include "pyverify.h"

/* The core of `run --batch` and POST /v1/batch (cli_batch.c). */
json_t *pv_cli_batch(const pv_policy *policy, json_t *const *objs, const char *const *invalid,
                     const unsigned *lines, size_t n, const pv_run_opts *ro, double item_cpu_s,
                     int *status, char *err, size_t errlen);

/* Run the JSON-lines batch `data` under `policy` with the batch limits `ro` and the
 * per-expression CPU limit `item_cpu_s` (0: the default). Prints one JSON object per item;
 * returns the exit status (0, 1, 2, 3; cli_batch.c). */
int pv_cli_run_batch(const pv_policy *policy, const char *data, size_t len,
                     const pv_run_opts *ro, double item_cpu_s);

#endif
