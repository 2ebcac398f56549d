/* cli.h: shared pieces of the pyverify command-line tool. */
#ifndef PV_CLI_H
#define PV_CLI_H

#include <stdbool.h>
#include <stdio.h>
#include <jansson.h>
#include "pyverify.h"
#include "run_json.h" /* the JSON documents shared with the service */

/* Read a whole file (or stdin for "-") up to `max` bytes plus one, so that an oversized
 * input is still seen as oversized. Returns 0, or -1 with a message in `err`. */
int pv_cli_read(const char *path, size_t max, char **buf, size_t *len, char *err, size_t errlen);

/* Print one diagnostic in the `path:line:col: CODE message` form, with the source line,
 * a caret under the span and the hint. */
void pv_cli_print_diag(FILE *out, const pv_program *prog, const pv_diag *d);
/* The same with flags: PV_CLI_COLOR (ANSI colours), PV_CLI_QUIET (the first line only). */
enum { PV_CLI_COLOR = 1u << 0, PV_CLI_QUIET = 1u << 1 };
void pv_cli_print_diag_ex(FILE *out, const pv_program *prog, const pv_diag *d, unsigned flags);

/* A SARIF 2.1.0 log (new reference) of the checker's per-file records: objects with
 * "path", "verdict", "diagnostics" (pv_cli_diag_json objects) and, for a file that could
 * not be read, "error". `ok` is false when the run had a usage or input error. */
json_t *pv_cli_sarif(json_t *records, bool ok);

int pv_cli_check(int argc, char **argv);
int pv_cli_run(int argc, char **argv);
int pv_cli_corpus(int argc, char **argv);

#endif
