/* run_json.h: the JSON documents the command (cli/) and the service (service/) both answer
 * with (runtime/run_json.c; jansson, so linked into the command, not the library). */
#ifndef PV_RUN_JSON_H
#define PV_RUN_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <jansson.h>
#include "pyverify.h"

/* A JSON object with every field of a diagnostic (new reference). */
json_t *pv_cli_diag_json(const pv_diag *d);
/* "accepted" / "rejected" / "invalid". */
const char *pv_cli_verdict_name(pv_verdict v);
/* "input" / "ast" / "bytecode" / "runtime". */
const char *pv_cli_layer_name(pv_layer_id l);
/* A JSON string of arbitrary bytes; invalid UTF-8 sequences become U+FFFD (new reference,
 * NULL when out of memory). */
json_t *pv_cli_json_bytes(const char *p, size_t n);
/* The result object of `pyverify run --json` (runtime/run_json.c), also the body of the
 * service's POST /v1/run: `res` NULL for a program that was not accepted (status
 * "rejected"). `shown` names the program in runtime diagnostics; `unsafe` marks a program
 * run without the static layers. New reference, NULL when out of memory. */
json_t *pv_cli_run_doc(const pv_program *prog, const pv_run_result *res, const char *shown,
                       bool unsafe);

#endif
