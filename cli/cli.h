/* cli.h: shared pieces of the pyverify command-line tool. */
#ifndef PV_CLI_H
#define PV_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "pyverify.h"

/* Read a whole file (or stdin for "-") up to `max` bytes plus one, so that an oversized
 * input is still seen as oversized. Returns 0, or -1 with a message in `err`. */
int pv_cli_read(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

/* Print one diagnostic in the `path:line:col: CODE message` form, with the source line,
 * a caret under the span and the hint. */
void pv_cli_print_diag(FILE *out, const pv_program *prog, const pv_diag *d);
/* The same with flags: PV_CLI_COLOR (ANSI colours), PV_CLI_QUIET (the first line only). */
enum { PV_CLI_COLOR = 1u << 0, PV_CLI_QUIET = 1u << 1 };
void pv_cli_print_diag_ex(FILE *out, const pv_program *prog, const pv_diag *d, unsigned flags);
/* A JSON object with every field of a diagnostic (new reference). */
json_t *pv_cli_diag_json(const pv_diag *d);
/* "accepted" / "rejected" / "invalid". */
const char *pv_cli_verdict_name(pv_verdict v);
/* "input" / "ast" / "bytecode" / "runtime". */
const char *pv_cli_layer_name(pv_layer_id l);

/* A SARIF 2.1.0 log (new reference) of the checker's per-file records: objects with
 * "path", "verdict", "diagnostics" (pv_cli_diag_json objects) and, for a file that could
 * not be read, "error". `ok` is false when the run had a usage or input error. */
json_t *pv_cli_sarif(json_t *records, bool ok);

/* A JSON string of arbitrary bytes; invalid UTF-8 sequences become U+FFFD (new reference,
 * NULL when out of memory). */
json_t *pv_cli_json_bytes(const char *p, size_t n);
/* The result object of `pyverify run --json` (runtime/run_json.c), also the body of the
 * service's POST /v1/run: `res` NULL for a program that was not accepted (status
 * "rejected"). `shown` names the program in runtime diagnostics; `unsafe` marks a program
 * run without the static layers. New reference, NULL when out of memory. */
json_t *pv_cli_run_doc(const pv_program *prog, const pv_run_result *res, const char *shown,
                       bool unsafe);

int pv_cli_check(int argc, char **argv);
int pv_cli_run(int argc, char **argv);
int pv_cli_corpus(int argc, char **argv);
int pv_cli_serve(int argc, char **argv);

#endif
