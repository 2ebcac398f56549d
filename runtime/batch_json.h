/* batch_json.h: the JSON side of a batch, shared by the command and the service
 * (batch_json.c). */
#ifndef PV_BATCH_JSON_H
#define PV_BATCH_JSON_H

#include <stddef.h>

#include <jansson.h>

#include "pyverify.h"

/* Verify the items `objs` (n JSON values, borrowed; invalid[i], when not NULL, says why
 * item i is not an item; lines[i] its line or NULL) and run the accepted ones in one
 * pv_run_batch() with the batch limits `ro` and the per-expression CPU limit `item_cpu_s`
 * (0: the default). Returns the array of item documents, with *status the exit status
 * (0, 1, 2, 3) and `err` a summary; NULL with `err` set when the batch cannot run. */
json_t *pv_cli_batch(const pv_policy *policy, json_t *const *objs, const char *const *invalid,
                     const unsigned *lines, size_t n, const pv_run_opts *ro, double item_cpu_s,
                     int *status, char *err, size_t errlen);

/* "line N: what: detail" (or without the line when 0), malloc'd; NULL when out of memory. */
char *pv_cli_batch_invalid(unsigned line, const char *what, const char *detail);

#endif
