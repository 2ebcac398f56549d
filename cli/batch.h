/* batch.h: `pyverify run --batch` (batch.c), called by run.c. */
#ifndef PV_CLI_BATCH_H
#define PV_CLI_BATCH_H

#include <stddef.h>

#include "pyverify.h"

/* Run the JSON-lines batch `data` under `policy` with the batch limits `ro` and the
 * per-expression CPU limit `item_cpu_s` (0: the default). Prints one JSON object per item;
 * returns the exit status (0, 1, 2, 3). */
int pv_cli_run_batch(const pv_policy *policy, const char *data, size_t len,
                     const pv_run_opts *ro, double item_cpu_s);

#endif
